package dev.nerve.platform.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.transaction.support.TransactionTemplate;

/** A transaction's items arrive as one list, at the phase asked for, and never after a rollback. */
class TransactionBatchTest {

  @Test
  void itemsOfATransactionAreHandedOverOnceInOrderAtTheirPhase() {
    List<String> log = new ArrayList<>();
    TransactionTemplate tx = new TransactionTemplate(new RecordingTransactionManager(log));
    TransactionBatch<String> before = new TransactionBatch<>(TransactionBatch.Phase.BEFORE_COMMIT, items -> log.add("before " + items));
    TransactionBatch<String> after = new TransactionBatch<>(TransactionBatch.Phase.AFTER_COMMIT, items -> log.add("after " + items));

    tx.executeWithoutResult(status -> {
      before.add(List.of("a"));
      after.add(List.of("x"));
      before.add(List.of("b", "c"));
      after.add(List.of());
      after.add(List.of("y"));
    });
    assertThat(log).containsExactly("before [a, b, c]", "commit", "after [x, y]");

    log.clear();
    assertThatThrownBy(() -> tx.executeWithoutResult(status -> {
      before.add(List.of("lost"));
      after.add(List.of("lost"));
      throw new IllegalStateException("the transaction's own work failed");
    })).isInstanceOf(IllegalStateException.class);
    assertThat(log).containsExactly("rollback");

    log.clear();
    before.add(List.of("alone"));
    after.add(List.of("alone"));
    after.add(List.of());
    assertThat(log).containsExactly("before [alone]", "after [alone]");

    // A new transaction starts a new batch.
    log.clear();
    tx.executeWithoutResult(status -> before.add(List.of("next")));
    assertThat(log).containsExactly("before [next]", "commit");
  }
}
