package dev.nerve.platform.storage;

import java.util.function.Supplier;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * A value that lives as long as the current transaction: made on first use within it, shared by
 * everything the transaction does, and forgotten when it completes, whether it committed or
 * rolled back. Each instance keeps its own value per transaction.
 *
 * @param <T> value type
 */
public final class TransactionScoped<T> {

  private final Supplier<T> initial;

  /**
   * @param initial makes a transaction's value on first use; it runs within the transaction, so
   *     it may register synchronizations of its own
   */
  public TransactionScoped(Supplier<T> initial) {
    this.initial = initial;
  }

  /** The current transaction's value, made on first use; null outside a transaction. */
  public T get() {
    if (!TransactionSynchronizationManager.isSynchronizationActive()) {
      return null;
    }
    @SuppressWarnings("unchecked")
    T value = (T) TransactionSynchronizationManager.getResource(this);
    if (value == null) {
      value = initial.get();
      TransactionSynchronizationManager.bindResource(this, value);
      TransactionSynchronizationManager.registerSynchronization(
          new TransactionSynchronization() {
            @Override
            public void afterCompletion(int status) {
              forget();
            }
          });
    }
    return value;
  }

  /** Forgets the current transaction's value: a later {@link #get} in it makes a new one. */
  public void forget() {
    TransactionSynchronizationManager.unbindResourceIfPossible(this);
  }
}
