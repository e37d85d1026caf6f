package dev.nerve.platform.observability;

import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.function.BooleanSupplier;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * Hands out connections wrapped by datasource-micrometer's proxy only while a sampled trace is
 * current, and the pool's own connections otherwise. The proxy intercepts every call on a
 * connection, statement and result set, whether or not its spans are kept: for engine workers,
 * relays and unsampled requests that cost up to 40% of the automation engine's CPU for spans
 * nobody exports (docs/benchmarks.md, Automation). A connection keeps the kind it was handed out
 * as for its whole use (a transaction begun outside a trace stays unobserved).
 */
public final class TracedOnlyDataSource implements DataSource, AutoCloseable {

  private final DataSource traced;
  private final DataSource plain;
  private final BooleanSupplier sampled;

  /**
   * @param traced the proxy that observes every JDBC call
   * @param plain the data source it wraps
   * @param sampled whether the current trace is sampled
   */
  public TracedOnlyDataSource(DataSource traced, DataSource plain, BooleanSupplier sampled) {
    this.traced = traced;
    this.plain = plain;
    this.sampled = sampled;
  }

  /** The data source a connection taken now comes from. */
  DataSource current() {
    return sampled.getAsBoolean() ? traced : plain;
  }

  @Override
  public Connection getConnection() throws SQLException {
    return current().getConnection();
  }

  @Override
  public Connection getConnection(String username, String password) throws SQLException {
    return current().getConnection(username, password);
  }

  @Override
  public PrintWriter getLogWriter() throws SQLException {
    return plain.getLogWriter();
  }

  @Override
  public void setLogWriter(PrintWriter out) throws SQLException {
    plain.setLogWriter(out);
  }

  @Override
  public void setLoginTimeout(int seconds) throws SQLException {
    plain.setLoginTimeout(seconds);
  }

  @Override
  public int getLoginTimeout() throws SQLException {
    return plain.getLoginTimeout();
  }

  @Override
  public Logger getParentLogger() throws SQLFeatureNotSupportedException {
    return plain.getParentLogger();
  }

  @Override
  public <T> T unwrap(Class<T> type) throws SQLException {
    return type.isInstance(this) ? type.cast(this) : plain.unwrap(type);
  }

  @Override
  public boolean isWrapperFor(Class<?> type) throws SQLException {
    return type.isInstance(this) || plain.isWrapperFor(type);
  }

  /** Closes the pool (through the proxy, which closes what it wraps). */
  @Override
  public void close() throws java.io.IOException {
    try {
      if (traced instanceof AutoCloseable closeable) {
        closeable.close();
      } else if (plain instanceof AutoCloseable closeable) {
        closeable.close();
      }
    } catch (java.io.IOException | RuntimeException e) {
      throw e;
    } catch (Exception e) {
      throw new java.io.IOException("cannot close the data source", e);
    }
  }
}
