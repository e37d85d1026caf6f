package dev.nerve.installation.configuration;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/** The versions of every configuration document in {@code installation.configuration_version}. */
final class ConfigurationStore {

  private static final String COLUMNS =
      "scope, tenant_id, version, document::text AS document, changes::text AS changes, saved_by, saved_at, note,"
          + " rolled_back_to";

  private final JdbcClient jdbc;

  ConfigurationStore(JdbcClient jdbc) {
    this.jdbc = jdbc;
  }

  /**
   * Serializes saves of one scope until the surrounding transaction ends, so the version number
   * and the diff against the previous version are always computed from the latest one.
   */
  void lock(Scope scope) {
    jdbc.sql("SELECT pg_advisory_xact_lock(hashtextextended('nerve.configuration:' || ? || ':' || ?, 0))")
        .params(scope.kind(), scope.tenantId())
        .query(Object.class)
        .single();
  }

  /** The current version of a scope, if it was ever saved. */
  Optional<StoredVersion> current(Scope scope) {
    return jdbc.sql(
            "SELECT " + COLUMNS + " FROM installation.configuration_version WHERE scope = ? AND tenant_id = ?"
                + " ORDER BY version DESC LIMIT 1")
        .params(scope.kind(), scope.tenantId())
        .query(ConfigurationStore::row)
        .optional();
  }

  /** One version of a scope. */
  Optional<StoredVersion> version(Scope scope, long version) {
    return jdbc.sql(
            "SELECT " + COLUMNS + " FROM installation.configuration_version WHERE scope = ? AND tenant_id = ?"
                + " AND version = ?")
        .params(scope.kind(), scope.tenantId(), version)
        .query(ConfigurationStore::row)
        .optional();
  }

  /** Versions of a scope older than {@code before} (all when 0), newest first, at most {@code limit}. */
  List<StoredVersion> history(Scope scope, long before, int limit) {
    return jdbc.sql(
            "SELECT " + COLUMNS + " FROM installation.configuration_version WHERE scope = ? AND tenant_id = ?"
                + " AND (? = 0 OR version < ?) ORDER BY version DESC LIMIT ?")
        .params(scope.kind(), scope.tenantId(), before, before, limit)
        .query(ConfigurationStore::row)
        .list();
  }

  /** The current version of every scope, for publishing them all. */
  List<StoredVersion> currentOfEveryScope() {
    return jdbc.sql(
            "SELECT DISTINCT ON (scope, tenant_id) " + COLUMNS + " FROM installation.configuration_version"
                + " ORDER BY scope, tenant_id, version DESC")
        .query(ConfigurationStore::row)
        .list();
  }

  /** Inserts a version; call within a transaction holding {@link #lock}. */
  void insert(StoredVersion v) {
    jdbc.sql(
            "INSERT INTO installation.configuration_version (scope, tenant_id, version, document, changes, saved_by,"
                + " saved_at, note, rolled_back_to) VALUES (?, ?, ?, ?::jsonb, ?::jsonb, ?, ?, ?, ?)")
        .params(
            v.scope().kind(),
            v.scope().tenantId(),
            v.version(),
            SettingsCatalog.JSON.writeValueAsString(v.document()),
            SettingsCatalog.JSON.writeValueAsString(changes(v.changes())),
            v.savedBy(),
            Timestamp.from(v.savedAt()),
            v.note(),
            v.rolledBackTo())
        .update();
  }

  private static ArrayNode changes(List<Change> changes) {
    ArrayNode array = SettingsCatalog.JSON.createArrayNode();
    for (Change change : changes) {
      ObjectNode item = array.addObject();
      item.put("pointer", change.pointer());
      if (change.before() != null) {
        item.set("before", change.before());
      }
      if (change.after() != null) {
        item.set("after", change.after());
      }
    }
    return array;
  }

  private static StoredVersion row(ResultSet rs, int n) throws SQLException {
    Scope scope = "global".equals(rs.getString("scope")) ? Scope.GLOBAL : Scope.tenant(rs.getString("tenant_id"));
    List<Change> changes = new ArrayList<>();
    for (JsonNode item : SettingsCatalog.JSON.readTree(rs.getString("changes"))) {
      changes.add(
          new Change(
              item.path("pointer").asString(),
              item.has("before") ? item.get("before") : null,
              item.has("after") ? item.get("after") : null));
    }
    return new StoredVersion(
        scope,
        rs.getLong("version"),
        SettingsCatalog.JSON.readTree(rs.getString("document")),
        changes,
        rs.getString("saved_by"),
        rs.getTimestamp("saved_at").toInstant(),
        rs.getString("note"),
        rs.getLong("rolled_back_to"));
  }
}
