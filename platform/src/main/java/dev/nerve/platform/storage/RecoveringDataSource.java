package dev.nerve.platform.storage;

import com.zaxxer.hikari.HikariDataSource;
import dev.nerve.platform.concurrent.DaemonThreads;
import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.logging.Logger;
import javax.sql.DataSource;
import org.slf4j.LoggerFactory;

/**
 * The process's connection pool, replaced by a fresh one as soon as PostgreSQL answers again after
 * an outage. HikariCP retries a lost database with a back-off that doubles up to 5 s, so after a
 * longer outage the first connection could come seconds after the server is back; here a watcher
 * that notices the pool has lost every connection probes the server every {@code probeInterval}
 * and, once it answers, swaps in a new pool (which connects at once) and closes the old one.
 */
public final class RecoveringDataSource implements DataSource, AutoCloseable {

  private static final org.slf4j.Logger log = LoggerFactory.getLogger(RecoveringDataSource.class);

  private final Supplier<HikariDataSource> pools;
  private final String url;
  private final Properties login;
  private final ScheduledExecutorService watcher;
  private volatile HikariDataSource pool;
  private volatile long failedAtNanos;

  /**
   * @param pools makes a new, configured pool
   * @param probeInterval how often the watcher looks while connections fail
   */
  public RecoveringDataSource(Supplier<HikariDataSource> pools, Duration probeInterval) {
    this.pools = pools;
    this.pool = pools.get();
    this.url = pool.getJdbcUrl();
    this.login = new Properties();
    if (pool.getUsername() != null) {
      login.setProperty("user", pool.getUsername());
    }
    if (pool.getPassword() != null) {
      login.setProperty("password", pool.getPassword());
    }
    pool.getDataSourceProperties().forEach((k, v) -> login.setProperty(String.valueOf(k), String.valueOf(v)));
    this.watcher =
        Executors.newSingleThreadScheduledExecutor(
            DaemonThreads.named("database-recovery"));
    watcher.scheduleWithFixedDelay(this::watch, probeInterval.toMillis(), probeInterval.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** The pool in use now. */
  public HikariDataSource pool() {
    return pool;
  }

  @Override
  public Connection getConnection() throws SQLException {
    try {
      return pool.getConnection();
    } catch (SQLException e) {
      failedAtNanos = System.nanoTime();
      throw e;
    }
  }

  @Override
  public Connection getConnection(String username, String password) throws SQLException {
    throw new SQLFeatureNotSupportedException("the pool's own login is used");
  }

  /** While connections fail and the pool has none, probe the server; once it answers, renew the pool. */
  private void watch() {
    HikariDataSource current = pool;
    long failed = failedAtNanos;
    if (failed == 0 || System.nanoTime() - failed > TimeUnit.MINUTES.toNanos(1)) {
      return;
    }
    var state = current.getHikariPoolMXBean();
    if (state == null || state.getTotalConnections() > 0) {
      return;
    }
    try (Connection probe = DriverManager.getConnection(url, login)) {
      if (!probe.isValid(1)) {
        return;
      }
    } catch (SQLException | RuntimeException e) {
      return;
    }
    try {
      pool = pools.get();
      failedAtNanos = 0;
      log.info("PostgreSQL answers again; connection pool renewed");
      current.close();
    } catch (RuntimeException e) {
      log.warn("could not renew the connection pool: {}", e.toString());
    }
  }

  @Override
  public void close() {
    watcher.shutdownNow();
    pool.close();
  }

  @Override
  public PrintWriter getLogWriter() throws SQLException {
    return pool.getLogWriter();
  }

  @Override
  public void setLogWriter(PrintWriter out) throws SQLException {
    pool.setLogWriter(out);
  }

  @Override
  public void setLoginTimeout(int seconds) throws SQLException {
    pool.setLoginTimeout(seconds);
  }

  @Override
  public int getLoginTimeout() throws SQLException {
    return pool.getLoginTimeout();
  }

  @Override
  public Logger getParentLogger() throws SQLFeatureNotSupportedException {
    return pool.getParentLogger();
  }

  @Override
  public <T> T unwrap(Class<T> type) throws SQLException {
    return type.isInstance(this) ? type.cast(this) : pool.unwrap(type);
  }

  @Override
  public boolean isWrapperFor(Class<?> type) throws SQLException {
    return type.isInstance(this) || pool.isWrapperFor(type);
  }
}
