package dev.nerve.learning.preferences;

import com.google.protobuf.Value;
import dev.nerve.api.learning.v1.Preference;
import dev.nerve.api.learning.v1.PreferenceSource;
import dev.nerve.api.learning.v1.PreferenceValue;
import dev.nerve.learning.support.Json;
import dev.nerve.learning.support.Times;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Preferences in {@code learning.preference} (one row per user and key) and {@code
 * learning.preference_value} (one row per candidate value with its {@link Evidence}, pin and
 * explicit flags). Reads rank the values as of now: pinned first, then explicit, then score, then
 * evidence count, then value.
 */
final class PreferenceStore {

  /** One value row, loaded for update. */
  static final class ValueRow {
    final String json;
    Evidence evidence;
    int count;
    boolean pinned;
    boolean explicit;
    Instant updatedAt;

    ValueRow(String json, Evidence evidence, int count, boolean pinned, boolean explicit, Instant updatedAt) {
      this.json = json;
      this.evidence = evidence;
      this.count = count;
      this.pinned = pinned;
      this.explicit = explicit;
      this.updatedAt = updatedAt;
    }
  }

  private final JdbcTemplate jdbc;
  private final Duration halfLife;

  PreferenceStore(JdbcTemplate jdbc, Duration halfLife) {
    this.jdbc = jdbc;
    this.halfLife = halfLife;
  }

  Duration halfLife() {
    return halfLife;
  }

  /** The id of the user's preference {@code key}, created when missing. */
  UUID idOf(String tenantId, String userId, String key) {
    jdbc.update(
        "insert into learning.preference (tenant_id, user_id, id, key) values (?, ?, ?, ?) on conflict (tenant_id, user_id, key) do nothing",
        tenantId, userId, UUID.randomUUID(), key);
    return jdbc.queryForObject(
        "select id from learning.preference where tenant_id = ? and user_id = ? and key = ?", UUID.class, tenantId, userId, key);
  }

  /** The key of a preference id of the user, if it exists. */
  Optional<String> keyOf(String tenantId, String userId, UUID id) {
    return jdbc.query(
            "select key from learning.preference where tenant_id = ? and user_id = ? and id = ?",
            (rs, n) -> rs.getString(1), tenantId, userId, id)
        .stream()
        .findFirst();
  }

  /** The value rows of a preference, locked for update, by value JSON. */
  Map<String, ValueRow> lock(String tenantId, UUID preferenceId) {
    jdbc.query("select id from learning.preference where tenant_id = ? and id = ? for update", (rs, n) -> 1, tenantId, preferenceId);
    Map<String, ValueRow> rows = new LinkedHashMap<>();
    jdbc.query(
        "select * from learning.preference_value where tenant_id = ? and preference_id = ? for update",
        rs -> {
          rows.put(
              rs.getString("value_json"),
              new ValueRow(
                  rs.getString("value_json"),
                  new Evidence(rs.getDouble("alpha"), rs.getDouble("beta"), Times.read(rs, "reference_at")),
                  rs.getInt("evidence"),
                  rs.getBoolean("pinned"),
                  rs.getBoolean("explicit"),
                  Times.read(rs, "updated_at")));
        },
        tenantId,
        preferenceId);
    return rows;
  }

  /** Writes value rows back. */
  void save(String tenantId, UUID preferenceId, Iterable<ValueRow> rows) {
    for (ValueRow row : rows) {
      jdbc.update(
          "insert into learning.preference_value (tenant_id, preference_id, value_json, alpha, beta, evidence, reference_at, pinned, explicit, updated_at)"
              + " values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) on conflict (tenant_id, preference_id, value_json) do update set"
              + " alpha = excluded.alpha, beta = excluded.beta, evidence = excluded.evidence, reference_at = excluded.reference_at,"
              + " pinned = excluded.pinned, explicit = excluded.explicit, updated_at = excluded.updated_at",
          tenantId,
          preferenceId,
          row.json,
          row.evidence.alpha(),
          row.evidence.beta(),
          row.count,
          Times.sql(row.evidence.reference()),
          row.pinned,
          row.explicit,
          Times.sql(row.updatedAt));
    }
  }

  /** A user's preferences as of {@code now}, in key order; only keys under one of {@code prefixes} when given. */
  List<Preference> read(String tenantId, String userId, List<String> prefixes, Instant now) {
    record Key(UUID id, String key) {}
    List<Key> keys =
        jdbc.query(
            "select id, key from learning.preference where tenant_id = ? and user_id = ? order by key",
            (rs, n) -> new Key(rs.getObject(1, UUID.class), rs.getString(2)), tenantId, userId);
    List<Preference> preferences = new ArrayList<>();
    for (Key key : keys) {
      if (!prefixes.isEmpty() && prefixes.stream().noneMatch(key.key()::startsWith)) {
        continue;
      }
      read(tenantId, key.id(), key.key(), now).ifPresent(preferences::add);
    }
    return preferences;
  }

  /** One preference as of {@code now}; empty when it has no value yet. */
  Optional<Preference> read(String tenantId, UUID id, String key, Instant now) {
    List<PreferenceValue> values = new ArrayList<>();
    jdbc.query(
        "select * from learning.preference_value where tenant_id = ? and preference_id = ?",
        rs -> {
          Evidence evidence =
              new Evidence(rs.getDouble("alpha"), rs.getDouble("beta"), Times.read(rs, "reference_at")).at(now, halfLife);
          boolean explicit = rs.getBoolean("explicit");
          values.add(
              PreferenceValue.newBuilder()
                  .setValue(Json.value(rs.getString("value_json")))
                  .setScore(explicit ? 1 : evidence.score())
                  .setConfidence(explicit ? 1 : evidence.confidence())
                  .setEvidenceCount(rs.getInt("evidence"))
                  .setUpdatedAt(Times.proto(Times.read(rs, "updated_at")))
                  .setPinned(rs.getBoolean("pinned"))
                  .setSource(explicit ? PreferenceSource.PREFERENCE_SOURCE_EXPLICIT : PreferenceSource.PREFERENCE_SOURCE_LEARNED)
                  .setPositiveEvidence(evidence.alpha())
                  .setNegativeEvidence(evidence.beta())
                  .build());
        },
        tenantId,
        id);
    if (values.isEmpty()) {
      return Optional.empty();
    }
    values.sort(RANKING);
    PreferenceValue top = values.get(0);
    Instant updated = values.stream().map(v -> Times.instant(v.getUpdatedAt())).max(Comparator.naturalOrder()).orElseThrow();
    return Optional.of(
        Preference.newBuilder()
            .setId(id.toString())
            .setKey(key)
            .setValue(top.getValue())
            .setConfidence(top.getConfidence())
            .setSource(top.getSource())
            .setEvidenceCount(top.getEvidenceCount())
            .setUpdatedAt(Times.proto(updated))
            .addAllValues(values)
            .setScore(top.getScore())
            .setPinned(top.getPinned())
            .build());
  }

  /** Pinned first, then explicit, then score, then evidence count, then the value's JSON. */
  static final Comparator<PreferenceValue> RANKING =
      Comparator.comparing(PreferenceValue::getPinned)
          .reversed()
          .thenComparing(Comparator.comparing((PreferenceValue v) -> v.getSource() == PreferenceSource.PREFERENCE_SOURCE_EXPLICIT).reversed())
          .thenComparing(Comparator.comparingDouble(PreferenceValue::getScore).reversed())
          .thenComparing(Comparator.comparingInt(PreferenceValue::getEvidenceCount).reversed())
          .thenComparing(v -> Json.canonical(v.getValue()));

  /** Canonical JSON of a value, its identity among a preference's values. */
  static String json(Value value) {
    return Json.canonical(value);
  }
}
