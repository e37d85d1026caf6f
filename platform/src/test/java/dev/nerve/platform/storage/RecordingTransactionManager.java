package dev.nerve.platform.storage;

import java.util.List;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.AbstractPlatformTransactionManager;
import org.springframework.transaction.support.DefaultTransactionStatus;

/** Spring's transaction life cycle without a resource: records when it commits or rolls back. */
final class RecordingTransactionManager extends AbstractPlatformTransactionManager {

  private final List<String> log;

  RecordingTransactionManager(List<String> log) {
    this.log = log;
  }

  @Override
  protected Object doGetTransaction() {
    return new Object();
  }

  @Override
  protected void doBegin(Object transaction, TransactionDefinition definition) {}

  @Override
  protected void doCommit(DefaultTransactionStatus status) {
    log.add("commit");
  }

  @Override
  protected void doRollback(DefaultTransactionStatus status) {
    log.add("rollback");
  }
}
