package dev.nerve.platform.storage;

import dev.nerve.platform.error.StoreErrors;
import dev.nerve.platform.grpc.CallDeadline;
import javax.sql.DataSource;
import org.springframework.jdbc.support.JdbcTransactionManager;
import org.springframework.transaction.TransactionSystemException;
import org.springframework.transaction.support.DefaultTransactionStatus;

/**
 * The transaction manager of every target: Spring's JDBC one, plus a last check before each commit
 * that the gRPC call it serves is still within its deadline ({@link CallDeadline}), so a call whose
 * caller has given up rolls back instead of committing behind its back; and a commit that loses its
 * connection is reported as such, with its outcome unknown.
 */
public final class DeadlineTransactionManager extends JdbcTransactionManager {

  private static final long serialVersionUID = 1L;

  public DeadlineTransactionManager(DataSource dataSource) {
    super(dataSource);
  }

  @Override
  protected void prepareForCommit(DefaultTransactionStatus status) {
    super.prepareForCommit(status);
    CallDeadline.checkBeforeCommit();
  }

  /**
   * A commit whose connection broke may or may not have been applied by the server. Spring's JDBC
   * manager translates that failure into a data access exception and then rolls back on the dead
   * connection, whose own failure replaces the commit's and reads as a plain error. Raised as a
   * commit failure instead, it skips that rollback (the server discards an uncommitted transaction
   * of a lost connection anyway) and {@link StoreErrors} answers that the outcome is unknown.
   */
  @Override
  protected void doCommit(DefaultTransactionStatus status) {
    try {
      super.doCommit(status);
    } catch (RuntimeException e) {
      if (StoreErrors.connectionLost(e)) {
        throw new TransactionSystemException("Could not commit JDBC transaction: the connection was lost", e);
      }
      throw e;
    }
  }
}
