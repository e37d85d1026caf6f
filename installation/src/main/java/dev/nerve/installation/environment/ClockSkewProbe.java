package dev.nerve.installation.environment;

import java.time.Duration;
import java.time.Instant;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * This process's clock agrees with PostgreSQL's. Leases, token expiry, retention and schedules
 * compare times written by different machines; a skewed clock makes them expire early or late.
 * The skew is measured against the midpoint of the query's round trip.
 */
final class ClockSkewProbe implements Probe {

  static final Duration WARN_AT = Duration.ofSeconds(1);
  static final Duration FAIL_AT = Duration.ofSeconds(30);

  private final JdbcClient jdbc;

  ClockSkewProbe(JdbcClient jdbc) {
    this.jdbc = jdbc;
  }

  @Override
  public String id() {
    return "clock.skew";
  }

  @Override
  public String group() {
    return "runtime";
  }

  @Override
  public String title() {
    return "Clock agrees with PostgreSQL";
  }

  @Override
  public Finding run() {
    Instant before = Instant.now();
    Instant database =
        jdbc.sql("SELECT clock_timestamp()").query(java.sql.Timestamp.class).single().toInstant();
    Instant after = Instant.now();
    Instant local = before.plus(Duration.between(before, after).dividedBy(2));
    return judge(Duration.between(database, local));
  }

  /** The finding for a measured skew (local minus database). */
  static Finding judge(Duration skew) {
    Duration size = skew.abs();
    String detail =
        "this process's clock is " + size.toMillis() + " ms " + (skew.isNegative() ? "behind" : "ahead of")
            + " PostgreSQL's";
    String remedy = "synchronise the clocks of this machine and the database server (NTP, chrony)";
    if (size.compareTo(FAIL_AT) >= 0) {
      return Finding.fail(detail, remedy);
    }
    return size.compareTo(WARN_AT) >= 0 ? Finding.warn(detail, remedy) : Finding.ok(detail);
  }
}
