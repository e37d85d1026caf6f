package dev.nerve.sdk.support;

import com.google.protobuf.util.Durations;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;

/** Conversions between protobuf timestamps and durations, Java time and JDBC values. */
public final class Times {

  private Times() {}

  public static com.google.protobuf.Timestamp proto(Instant instant) {
    return com.google.protobuf.Timestamp.newBuilder()
        .setSeconds(instant.getEpochSecond())
        .setNanos(instant.getNano())
        .build();
  }

  public static com.google.protobuf.Duration proto(Duration duration) {
    return com.google.protobuf.Duration.newBuilder()
        .setSeconds(duration.getSeconds())
        .setNanos(duration.getNano())
        .build();
  }

  public static Instant instant(com.google.protobuf.Timestamp timestamp) {
    return Instant.ofEpochSecond(timestamp.getSeconds(), timestamp.getNanos());
  }

  /** The current time at PostgreSQL's precision (microseconds), so values read back compare equal. */
  public static Instant now() {
    return Instant.now().truncatedTo(ChronoUnit.MICROS);
  }

  /** A protobuf duration as Java time; an invalid one is null. */
  public static Duration duration(com.google.protobuf.Duration duration) {
    try {
      Durations.checkValid(duration);
    } catch (IllegalArgumentException e) {
      return null;
    }
    return Duration.ofSeconds(duration.getSeconds(), duration.getNanos());
  }

  public static OffsetDateTime sql(Instant instant) {
    return instant == null ? null : instant.atOffset(ZoneOffset.UTC);
  }

  public static Instant read(ResultSet rs, String column) throws SQLException {
    Timestamp value = rs.getTimestamp(column);
    return value == null ? null : value.toInstant();
  }
}
