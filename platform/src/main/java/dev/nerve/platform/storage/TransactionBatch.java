package dev.nerve.platform.storage;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.function.Consumer;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * Items a transaction gathers and hands over together, as one list at one point of its
 * completion, so that many calls in one transaction cost one statement or one message. Outside a
 * transaction (no synchronization active) items are handed over at once. Each instance keeps its
 * own list per transaction.
 *
 * @param <T> item type
 */
public final class TransactionBatch<T> {

  /** When a transaction's items are handed over. */
  public enum Phase {
    /** Inside the transaction, just before it commits: a failure fails the commit. */
    BEFORE_COMMIT,
    /** Once it committed; nothing is handed over after a rollback. */
    AFTER_COMMIT
  }

  private final Phase phase;
  private final Consumer<List<T>> handOver;
  private final TransactionScoped<List<T>> current = new TransactionScoped<>(this::open);

  public TransactionBatch(Phase phase, Consumer<List<T>> handOver) {
    this.phase = phase;
    this.handOver = handOver;
  }

  /** Adds items to the current transaction's batch, in order; outside one hands them over now. */
  public void add(Collection<? extends T> items) {
    if (items.isEmpty()) {
      return;
    }
    List<T> batch = current.get();
    if (batch == null) {
      handOver.accept(List.copyOf(items));
      return;
    }
    batch.addAll(items);
  }

  /** A new batch of the current transaction, handed over at its phase. */
  private List<T> open() {
    List<T> batch = new ArrayList<>();
    TransactionSynchronizationManager.registerSynchronization(
        new TransactionSynchronization() {
          @Override
          public void beforeCommit(boolean readOnly) {
            if (phase == Phase.BEFORE_COMMIT) {
              close(batch);
            }
          }

          @Override
          public void afterCommit() {
            if (phase == Phase.AFTER_COMMIT) {
              close(batch);
            }
          }
        });
    return batch;
  }

  /** Forgets the batch first, so an item added while it is handed over starts a batch of its own. */
  private void close(List<T> batch) {
    current.forget();
    handOver.accept(batch);
  }
}
