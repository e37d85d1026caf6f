package dev.nerve.platform.observability;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.function.BooleanSupplier;
import javax.sql.DataSource;
import org.springframework.jdbc.datasource.DelegatingDataSource;

/**
 * Hands out connections wrapped by datasource-micrometer's proxy only while a sampled trace is
 * current, and the pool's own connections otherwise. The proxy intercepts every call on a
 * connection, statement and result set, whether or not its spans are kept: for engine workers,
 * relays and unsampled requests that cost up to 40% of the automation engine's CPU for spans
 * nobody exports (docs/benchmarks.md, Automation). A connection keeps the kind it was handed out
 * as for its whole use (a transaction begun outside a trace stays unobserved).
 */
public final class TracedOnlyDataSource extends DelegatingDataSource implements AutoCloseable {

  private final DataSource traced;
  private final BooleanSupplier sampled;

  /**
   * @param traced the proxy that observes every JDBC call
   * @param plain the data source it wraps (everything else is delegated to it)
   * @param sampled whether the current trace is sampled
   */
  public TracedOnlyDataSource(DataSource traced, DataSource plain, BooleanSupplier sampled) {
    super(plain);
    this.traced = traced;
    this.sampled = sampled;
  }

  /** The data source a connection taken now comes from. */
  DataSource current() {
    return sampled.getAsBoolean() ? traced : obtainTargetDataSource();
  }

  @Override
  public Connection getConnection() throws SQLException {
    return current().getConnection();
  }

  @Override
  public Connection getConnection(String username, String password) throws SQLException {
    return current().getConnection(username, password);
  }

  /** Closes the pool (through the proxy, which closes what it wraps). */
  @Override
  public void close() throws java.io.IOException {
    try {
      if (traced instanceof AutoCloseable closeable) {
        closeable.close();
      } else if (obtainTargetDataSource() instanceof AutoCloseable closeable) {
        closeable.close();
      }
    } catch (java.io.IOException | RuntimeException e) {
      throw e;
    } catch (Exception e) {
      throw new java.io.IOException("cannot close the data source", e);
    }
  }
}
