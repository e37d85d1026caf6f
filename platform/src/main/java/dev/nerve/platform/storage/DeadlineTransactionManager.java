package dev.nerve.platform.storage;

import dev.nerve.platform.grpc.CallDeadline;
import javax.sql.DataSource;
import org.springframework.jdbc.support.JdbcTransactionManager;
import org.springframework.transaction.support.DefaultTransactionStatus;

/**
 * The transaction manager of every target: Spring's JDBC one, plus a last check before each commit
 * that the gRPC call it serves is still within its deadline ({@link CallDeadline}). A call whose
 * caller has given up rolls back instead of committing behind its back.
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
}
