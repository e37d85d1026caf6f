package dev.nerve.platform.error;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.SQLException;
import org.junit.jupiter.api.Test;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.transaction.TransactionSystemException;

/** What database failures mean for the caller: nothing done (UNAVAILABLE) or unknown (DEADLINE_EXCEEDED). */
class StoreErrorsTest {

  private static SQLException gone() {
    return new SQLException("terminating connection due to administrator command", "57P01");
  }

  @Test
  void aLostConnectionBeforeCommitIsUnavailable() {
    assertThat(StoreErrors.classify(new DataAccessResourceFailureException("lost", gone())))
        .get()
        .extracting(NerveException::code)
        .isEqualTo(ErrorCode.UNAVAILABLE);
  }

  @Test
  void aFailedRollbackAfterALostConnectionIsUnavailableNotInternal() {
    TransactionSystemException rollback =
        new TransactionSystemException("Could not roll back JDBC transaction", new SQLException("This connection has been closed.", "08003"));
    rollback.initApplicationException(new DataAccessResourceFailureException("lost", gone()));

    assertThat(StoreErrors.classify(rollback)).get().extracting(NerveException::code).isEqualTo(ErrorCode.UNAVAILABLE);
  }

  @Test
  void aConnectionLostWhileCommittingHasAnUnknownOutcome() {
    TransactionSystemException commit =
        new TransactionSystemException("Could not commit JDBC transaction", new SQLException("I/O error", "08006"));

    assertThat(StoreErrors.classify(commit)).get().extracting(NerveException::code).isEqualTo(ErrorCode.DEADLINE_EXCEEDED);
  }

  @Test
  void otherFailuresAreNotStoreFailures() {
    assertThat(StoreErrors.classify(new IllegalStateException("bug"))).isEmpty();
  }
}
