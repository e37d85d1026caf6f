package dev.nerve.memory.support;

import com.google.protobuf.util.Timestamps;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

/** Conversions between protobuf timestamps, instants and JDBC values, at microsecond precision. */
public final class Times {

  private Times() {}

  public static com.google.protobuf.Timestamp proto(Instant instant) {
    return com.google.protobuf.Timestamp.newBuilder()
        .setSeconds(instant.getEpochSecond())
        .setNanos(instant.getNano())
        .build();
  }

  public static Instant instant(com.google.protobuf.Timestamp timestamp) {
    return Instant.ofEpochSecond(timestamp.getSeconds(), timestamp.getNanos());
  }

  /** An instant as PostgreSQL stores it (microseconds), so values read back compare equal. */
  public static Instant now() {
    long micros = Timestamps.toMicros(Timestamps.now());
    return Instant.ofEpochSecond(micros / 1_000_000, (micros % 1_000_000) * 1_000);
  }

  /** JDBC parameter for a timestamptz column; null stays null. */
  public static OffsetDateTime sql(Instant instant) {
    return instant == null ? null : instant.atOffset(ZoneOffset.UTC);
  }

  /** Reads a timestamptz column; null stays null. */
  public static Instant read(java.sql.ResultSet rs, String column) throws java.sql.SQLException {
    Timestamp value = rs.getTimestamp(column);
    return value == null ? null : value.toInstant();
  }
}
