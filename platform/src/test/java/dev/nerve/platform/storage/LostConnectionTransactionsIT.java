package dev.nerve.platform.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.zaxxer.hikari.HikariDataSource;
import dev.nerve.platform.error.ErrorCode;
import dev.nerve.platform.error.NerveException;
import dev.nerve.platform.error.StoreErrors;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * What a caller is told when the database connection of its transaction is lost, on a real
 * PostgreSQL whose backend is terminated mid-transaction and through the pool every target uses:
 * lost while committing is "outcome unknown", lost before the commit is "nothing done", and neither
 * is ever an internal error.
 */
class LostConnectionTransactionsIT {

  @TempDir static Path dir;

  private static EmbeddedPostgresServer postgres;
  private static HikariDataSource pool;
  private static JdbcTemplate jdbc;
  private static TransactionTemplate tx;

  @BeforeAll
  static void start() {
    postgres = EmbeddedPostgresServer.start(dir.resolve("postgres"));
    DatabaseEndpoint endpoint = postgres.endpoint();
    pool = new HikariDataSource();
    pool.setJdbcUrl(endpoint.jdbcUrl());
    pool.setUsername(endpoint.username());
    pool.setPassword(endpoint.password());
    pool.setMaximumPoolSize(2);
    jdbc = new JdbcTemplate(pool);
    tx = new TransactionTemplate(new DeadlineTransactionManager(pool));
  }

  @AfterAll
  static void stop() {
    if (pool != null) {
      pool.close();
    }
    if (postgres != null) {
      postgres.close();
    }
  }

  @BeforeEach
  void table() {
    jdbc.execute("CREATE TABLE IF NOT EXISTS notes (text text)");
    jdbc.execute("TRUNCATE notes");
  }

  @Test
  void aConnectionLostAtCommitIsReportedAsAnUnknownOutcome() {
    Throwable failure = catchThrowable(() -> tx.executeWithoutResult(status -> {
      jdbc.update("INSERT INTO notes VALUES ('at commit')");
      terminateOwnBackend();
    }));

    assertThat(codeOf(failure)).as("%s", failure).isEqualTo(ErrorCode.DEADLINE_EXCEEDED);
    assertThat(notes()).as("the server discarded the transaction").isZero();
  }

  @Test
  void aConnectionLostBeforeCommitIsUnavailable() {
    Throwable failure = catchThrowable(() -> tx.executeWithoutResult(status -> {
      jdbc.update("INSERT INTO notes VALUES ('before commit')");
      terminateOwnBackend();
      jdbc.update("INSERT INTO notes VALUES ('after the loss')");
    }));

    assertThat(codeOf(failure)).as("%s", failure).isEqualTo(ErrorCode.UNAVAILABLE);
    assertThat(notes()).isZero();
  }

  @Test
  void aConnectionLostInABeforeCommitStepIsUnavailable() {
    Throwable failure = catchThrowable(() -> tx.executeWithoutResult(status -> {
      jdbc.update("INSERT INTO notes VALUES ('main work')");
      TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
        @Override
        public void beforeCommit(boolean readOnly) {
          terminateOwnBackend();
          jdbc.update("INSERT INTO notes VALUES ('outbox row')");
        }
      });
    }));

    assertThat(codeOf(failure)).as("%s", failure).isEqualTo(ErrorCode.UNAVAILABLE);
    assertThat(notes()).isZero();
  }

  /** Ends the transaction's server process from another connection, as a crash or failover would. */
  private static void terminateOwnBackend() {
    Integer pid = jdbc.queryForObject("SELECT pg_backend_pid()", Integer.class);
    DatabaseEndpoint endpoint = postgres.endpoint();
    try (Connection other = DriverManager.getConnection(endpoint.jdbcUrl(), endpoint.username(), endpoint.password());
        PreparedStatement terminate = other.prepareStatement("SELECT pg_terminate_backend(?, 5000)")) {
      terminate.setInt(1, pid);
      terminate.execute();
    } catch (java.sql.SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  private static ErrorCode codeOf(Throwable failure) {
    assertThat(failure).isNotNull();
    return StoreErrors.classify(failure).map(NerveException::code).orElse(ErrorCode.INTERNAL);
  }

  private static long notes() {
    return jdbc.queryForObject("SELECT count(*) FROM notes", Long.class);
  }
}
