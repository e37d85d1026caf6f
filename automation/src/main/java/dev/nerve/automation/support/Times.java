package dev.nerve.automation.support;

import com.google.protobuf.Duration;
import com.google.protobuf.Timestamp;
import com.google.protobuf.util.Durations;
import com.google.protobuf.util.Timestamps;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

/** Conversions between protobuf times, java.time and JDBC values, at microsecond precision. */
public final class Times {

  private Times() {}

  public static Timestamp proto(Instant instant) {
    return Timestamp.newBuilder().setSeconds(instant.getEpochSecond()).setNanos(instant.getNano()).build();
  }

  public static Instant instant(Timestamp timestamp) {
    return Instant.ofEpochSecond(timestamp.getSeconds(), timestamp.getNanos());
  }

  public static java.time.Duration duration(Duration duration) {
    return java.time.Duration.ofSeconds(duration.getSeconds(), duration.getNanos());
  }

  public static Duration proto(java.time.Duration duration) {
    return Durations.fromNanos(duration.toNanos());
  }

  /** Now, truncated to what PostgreSQL stores (microseconds). */
  public static Instant now() {
    long micros = Timestamps.toMicros(Timestamps.now());
    return Instant.ofEpochSecond(micros / 1_000_000, (micros % 1_000_000) * 1_000);
  }

  /** JDBC parameter for a timestamptz column; null stays null. */
  public static OffsetDateTime sql(Instant instant) {
    return instant == null ? null : instant.atOffset(ZoneOffset.UTC);
  }

  /** Reads a timestamptz column; null stays null. */
  public static Instant read(ResultSet rs, String column) throws SQLException {
    java.sql.Timestamp value = rs.getTimestamp(column);
    return value == null ? null : value.toInstant();
  }

  /** Microseconds since the epoch, the precision cursors carry. */
  public static long micros(Instant instant) {
    return instant.getEpochSecond() * 1_000_000 + instant.getNano() / 1_000;
  }

  public static Instant fromMicros(long micros) {
    return Instant.ofEpochSecond(Math.floorDiv(micros, 1_000_000), Math.floorMod(micros, 1_000_000) * 1_000);
  }
}
