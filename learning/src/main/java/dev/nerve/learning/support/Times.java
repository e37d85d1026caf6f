package dev.nerve.learning.support;

import com.google.protobuf.Timestamp;
import com.google.protobuf.util.Timestamps;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

/** Conversions between protobuf timestamps, instants and JDBC values, at microsecond precision. */
public final class Times {

  private Times() {}

  public static Timestamp proto(Instant instant) {
    return Timestamp.newBuilder().setSeconds(instant.getEpochSecond()).setNanos(instant.getNano()).build();
  }

  public static Instant instant(Timestamp timestamp) {
    return Instant.ofEpochSecond(timestamp.getSeconds(), timestamp.getNanos());
  }

  /** Now, as PostgreSQL stores it (microseconds), so values read back compare equal. */
  public static Instant now() {
    long micros = Timestamps.toMicros(Timestamps.now());
    return Instant.ofEpochSecond(micros / 1_000_000, (micros % 1_000_000) * 1_000);
  }

  /** {@code instant} truncated to microseconds. */
  public static Instant micros(Instant instant) {
    return instant.truncatedTo(java.time.temporal.ChronoUnit.MICROS);
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
}
