package dev.nerve.platform.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.springframework.transaction.support.TransactionTemplate;

/** One value per transaction, shared within it, and none outside or after it. */
class TransactionScopedTest {

  private final List<String> log = new ArrayList<>();
  private final TransactionTemplate tx = new TransactionTemplate(new RecordingTransactionManager(log));
  private final AtomicInteger made = new AtomicInteger();
  private final TransactionScoped<int[]> scoped = new TransactionScoped<>(() -> new int[] {made.incrementAndGet()});

  @Test
  void aTransactionSharesOneValueAndTheNextGetsItsOwn() {
    int[] first = tx.execute(status -> {
      int[] value = scoped.get();
      assertThat(scoped.get()).isSameAs(value);
      return value;
    });
    int[] second = tx.execute(status -> scoped.get());

    assertThat(first[0]).isEqualTo(1);
    assertThat(second[0]).isEqualTo(2);
    assertThat(scoped.get()).as("outside a transaction").isNull();
  }

  @Test
  void aRolledBackTransactionsValueIsForgottenToo() {
    assertThatThrownBy(() -> tx.executeWithoutResult(status -> {
      scoped.get();
      throw new IllegalStateException("fail");
    })).isInstanceOf(IllegalStateException.class);

    assertThat(log).containsExactly("rollback");
    assertThat(tx.execute(status -> scoped.get())[0]).isEqualTo(2);
  }

  @Test
  void aForgottenValueIsMadeAnewWithinTheSameTransaction() {
    tx.executeWithoutResult(status -> {
      int[] value = scoped.get();
      scoped.forget();
      assertThat(scoped.get()).isNotSameAs(value);
    });
    assertThat(made).hasValue(2);
  }
}
