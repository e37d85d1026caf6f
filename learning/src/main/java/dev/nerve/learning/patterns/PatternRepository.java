package dev.nerve.learning.patterns;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.nerve.api.learning.v1.Pattern;
import dev.nerve.api.learning.v1.PatternElement;
import dev.nerve.api.learning.v1.PatternKind;
import dev.nerve.learning.support.BoundStatement;
import dev.nerve.learning.support.Times;
import dev.nerve.platform.error.ErrorCode;
import dev.nerve.platform.error.NerveException;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Stored patterns in {@code learning.pattern}, one per shape (kind plus elements, and hour or
 * weekday for habits) per user: storing a pattern of a shape already stored replaces it in place.
 */
final class PatternRepository {

  private final JdbcTemplate jdbc;

  PatternRepository(JdbcTemplate jdbc) {
    this.jdbc = jdbc;
  }

  /** What identifies a pattern's shape: two patterns of one shape are the same finding. */
  static String shape(Pattern p) {
    StringBuilder shape = new StringBuilder(p.getKind().name()).append('|').append(p.getAntecedentSize());
    for (PatternElement e : p.getElementsList()) {
      shape.append('|').append(e.getEventType());
    }
    var fields = p.getMetadata().getFieldsMap();
    if (p.getKind() == PatternKind.PATTERN_KIND_TIME_OF_DAY && fields.containsKey("window_start_minute")) {
      shape.append("|@").append((long) fields.get("window_start_minute").getNumberValue());
    }
    if (p.getKind() == PatternKind.PATTERN_KIND_PERIODIC && fields.containsKey("weekday")) {
      shape.append("|@").append(fields.get("weekday").getStringValue());
    }
    return shape.toString();
  }

  /** Stores a pattern: replaces the one with its id, or with its shape, or creates one. */
  Pattern store(String tenantId, String userId, Pattern pattern) {
    Instant now = Times.now();
    String shape = shape(pattern);
    if (!pattern.getId().isEmpty()) {
      Pattern stored = pattern.toBuilder().setUpdatedAt(Times.proto(now)).build();
      int updated;
      try {
        updated =
            jdbc.update(
                "update learning.pattern set kind = ?, shape = ?, description = ?, items = ?, score = ?, confidence = ?,"
                    + " last_seen = ?, body = ?, updated_at = ? where tenant_id = ? and user_id = ? and id = ?",
                ps -> {
                  bind(ps, 1, stored, shape, now);
                  ps.setString(10, tenantId);
                  ps.setString(11, userId);
                  ps.setObject(12, UUID.fromString(pattern.getId()));
                });
      } catch (DuplicateKeyException e) {
        throw new NerveException(ErrorCode.ALREADY_EXISTS, "another stored pattern has the same kind and elements");
      }
      if (updated == 0) {
        throw NerveException.notFound("pattern", pattern.getId());
      }
      return stored;
    }
    UUID id =
        jdbc.query(
                "select id from learning.pattern where tenant_id = ? and user_id = ? and shape = ?",
                (rs, n) -> rs.getObject(1, UUID.class),
                tenantId,
                userId,
                shape)
            .stream()
            .findFirst()
            .orElseGet(UUID::randomUUID);
    Pattern stored = pattern.toBuilder().setId(id.toString()).setUpdatedAt(Times.proto(now)).build();
    jdbc.update(
        "insert into learning.pattern (kind, shape, description, items, score, confidence, last_seen, body, updated_at,"
            + " tenant_id, user_id, id) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
            + " on conflict (tenant_id, user_id, shape) do update set description = excluded.description,"
            + " items = excluded.items, score = excluded.score, confidence = excluded.confidence,"
            + " last_seen = excluded.last_seen, body = excluded.body, updated_at = excluded.updated_at",
        ps -> {
          bind(ps, 1, stored, shape, now);
          ps.setString(10, tenantId);
          ps.setString(11, userId);
          ps.setObject(12, id);
        });
    return get(tenantId, userId, id.toString()).orElseThrow();
  }

  private static void bind(PreparedStatement ps, int i, Pattern p, String shape, Instant now) throws SQLException {
    ps.setString(i, p.getKind().name());
    ps.setString(i + 1, shape);
    ps.setString(i + 2, p.getDescription());
    ps.setArray(
        i + 3,
        ps.getConnection()
            .createArrayOf("text", p.getElementsList().stream().map(e -> e.getEventType().toLowerCase(Locale.ROOT)).toArray()));
    ps.setDouble(i + 4, p.getScore());
    ps.setDouble(i + 5, p.getConfidence());
    ps.setObject(i + 6, Times.sql(p.hasLastSeen() ? Times.instant(p.getLastSeen()) : now));
    ps.setBytes(i + 7, p.toByteArray());
    ps.setObject(i + 8, Times.sql(now));
  }

  Optional<Pattern> get(String tenantId, String userId, String id) {
    UUID uuid = uuid(id);
    if (uuid == null) {
      return Optional.empty();
    }
    return jdbc.query(
            "select body from learning.pattern where tenant_id = ? and user_id = ? and id = ?",
            PatternRepository::row,
            tenantId,
            userId,
            uuid)
        .stream()
        .findFirst();
  }

  boolean delete(String tenantId, String userId, String id) {
    UUID uuid = uuid(id);
    return uuid != null
        && jdbc.update("delete from learning.pattern where tenant_id = ? and user_id = ? and id = ?", tenantId, userId, uuid) > 0;
  }

  /** Patterns most recently seen first, after the cursor (last_seen micros, id). */
  List<Pattern> list(String tenantId, String userId, PatternKind kind, Instant afterSeen, String afterId, int limit) {
    StringBuilder sql = new StringBuilder("select body from learning.pattern where tenant_id = ? and user_id = ?");
    List<Object> params = new ArrayList<>(List.of(tenantId, userId));
    if (kind != PatternKind.PATTERN_KIND_UNSPECIFIED) {
      sql.append(" and kind = ?");
      params.add(kind.name());
    }
    if (afterSeen != null) {
      sql.append(" and (last_seen, id) < (?, ?)");
      params.add(Times.sql(afterSeen));
      params.add(uuidOrZero(afterId));
    }
    sql.append(" order by last_seen desc, id desc limit ?");
    params.add(limit);
    return jdbc.query(sql.toString(), PatternRepository::row, params.toArray());
  }

  /** Filters of a retrieval. */
  record Search(List<String> words, List<PatternKind> kinds, List<String> items, double minConfidence, double minScore) {}

  /** Matching patterns, highest score first, after the cursor (score, id). */
  List<Pattern> search(String tenantId, String userId, Search search, Double afterScore, String afterId, int limit) {
    StringBuilder sql = new StringBuilder("select body from learning.pattern where tenant_id = ? and user_id = ?");
    List<Object> params = new ArrayList<>(List.of(tenantId, userId));
    for (String word : search.words()) {
      String like = "%" + word.toLowerCase(Locale.ROOT).replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%";
      sql.append(" and (lower(description) like ? or exists (select 1 from unnest(items) i where i like ?))");
      params.add(like);
      params.add(like);
    }
    if (!search.kinds().isEmpty()) {
      sql.append(" and kind = any(?)");
      params.add(search.kinds().stream().map(Enum::name).toArray(String[]::new));
    }
    if (!search.items().isEmpty()) {
      sql.append(" and items @> ?");
      params.add(search.items().stream().map(i -> i.toLowerCase(Locale.ROOT)).toArray(String[]::new));
    }
    if (search.minConfidence() > 0) {
      sql.append(" and confidence >= ?");
      params.add(search.minConfidence());
    }
    if (search.minScore() > 0) {
      sql.append(" and score >= ?");
      params.add(search.minScore());
    }
    if (afterScore != null) {
      sql.append(" and (score < ? or (score = ? and id > ?))");
      params.add(afterScore);
      params.add(afterScore);
      params.add(uuidOrZero(afterId));
    }
    sql.append(" order by score desc, id limit ?");
    params.add(limit);
    return jdbc.query(new BoundStatement(sql.toString(), params), PatternRepository::row);
  }

  private static Pattern row(ResultSet rs, int n) throws SQLException {
    try {
      return Pattern.parseFrom(rs.getBytes("body"));
    } catch (InvalidProtocolBufferException e) {
      throw new SQLException("unreadable pattern", e);
    }
  }

  static UUID uuid(String id) {
    try {
      return UUID.fromString(id);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  private static UUID uuidOrZero(String id) {
    UUID uuid = uuid(id);
    if (uuid == null) {
      throw NerveException.invalid("page.cursor", "format", "is not a cursor returned by this service");
    }
    return uuid;
  }
}
