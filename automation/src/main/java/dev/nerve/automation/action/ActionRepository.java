package dev.nerve.automation.action;

import com.google.protobuf.Struct;
import dev.nerve.automation.support.Json;
import dev.nerve.automation.support.Times;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;

/** Registered actions in PostgreSQL ({@code automation.action}), always scoped by tenant. */
final class ActionRepository {

  private static final String COLUMNS =
      "id, name, description, kind_id, config::text AS config, input_schema::text AS input_schema,"
          + " output_schema::text AS output_schema, defaults::text AS defaults, timeout_ms, created_at, updated_at";

  private final JdbcClient jdbc;

  ActionRepository(JdbcClient jdbc) {
    this.jdbc = jdbc;
  }

  Optional<ActionDefinition> find(String tenantId, String id) {
    return jdbc.sql("SELECT " + COLUMNS + " FROM automation.action WHERE tenant_id = ? AND id = ?")
        .params(tenantId, id)
        .query(ActionRepository::map)
        .optional();
  }

  /** Inserts or replaces; keeps the first registration time. */
  ActionDefinition save(String tenantId, ActionDefinition action, Instant now) {
    jdbc.sql(
            "INSERT INTO automation.action (tenant_id, id, name, description, kind_id, config, input_schema,"
                + " output_schema, defaults, timeout_ms, created_at, updated_at)"
                + " VALUES (?, ?, ?, ?, ?, ?::jsonb, ?::jsonb, ?::jsonb, ?::jsonb, ?, ?, ?)"
                + " ON CONFLICT (tenant_id, id) DO UPDATE SET name = EXCLUDED.name, description = EXCLUDED.description,"
                + " kind_id = EXCLUDED.kind_id, config = EXCLUDED.config, input_schema = EXCLUDED.input_schema,"
                + " output_schema = EXCLUDED.output_schema, defaults = EXCLUDED.defaults,"
                + " timeout_ms = EXCLUDED.timeout_ms, updated_at = EXCLUDED.updated_at")
        .params(
            tenantId,
            action.id(),
            action.name(),
            action.description(),
            action.kindId(),
            Json.print(action.config()),
            action.inputSchema() == null ? null : Json.print(action.inputSchema()),
            action.outputSchema() == null ? null : Json.print(action.outputSchema()),
            Json.print(action.defaults()),
            action.timeout() == null ? null : action.timeout().toMillis(),
            Times.sql(now),
            Times.sql(now))
        .update();
    return find(tenantId, action.id()).orElseThrow();
  }

  boolean delete(String tenantId, String id) {
    return jdbc.sql("DELETE FROM automation.action WHERE tenant_id = ? AND id = ?").params(tenantId, id).update() > 0;
  }

  /** Registered actions after {@code afterId} in id order. */
  List<ActionDefinition> list(String tenantId, String afterId, int limit) {
    return jdbc.sql(
            "SELECT " + COLUMNS + " FROM automation.action WHERE tenant_id = ? AND id > ? ORDER BY id LIMIT ?")
        .params(tenantId, afterId == null ? "" : afterId, limit)
        .query(ActionRepository::map)
        .list();
  }

  /** Ids of workflows (current version, not deleted) whose steps name the action. */
  List<String> referencingWorkflows(String tenantId, String actionId) {
    return jdbc.sql(
            "SELECT w.id FROM automation.workflow w JOIN automation.workflow_version v"
                + " ON v.tenant_id = w.tenant_id AND v.workflow_id = w.id AND v.version = w.current_version"
                + " WHERE w.tenant_id = ? AND w.deleted_at IS NULL AND v.action_ids @> ARRAY[?]::text[]"
                + " ORDER BY w.id LIMIT 20")
        .params(tenantId, actionId)
        .query(String.class)
        .list();
  }

  /** Ids of the tenant's registered actions whose kind id starts with the prefix, at most 100. */
  List<String> actionsOfKinds(String tenantId, String kindPrefix) {
    return jdbc.sql(
            "SELECT id FROM automation.action WHERE tenant_id = ? AND starts_with(kind_id, ?) ORDER BY id LIMIT 100")
        .params(tenantId, kindPrefix)
        .query(String.class)
        .list();
  }

  /** Ids of workflows (current version, not deleted) whose steps name an action of those kinds, at most 100. */
  List<String> workflowsUsingKinds(String tenantId, String kindPrefix) {
    return jdbc.sql(
            "SELECT w.id FROM automation.workflow w JOIN automation.workflow_version v"
                + " ON v.tenant_id = w.tenant_id AND v.workflow_id = w.id AND v.version = w.current_version"
                + " WHERE w.tenant_id = ? AND w.deleted_at IS NULL AND v.action_ids && ARRAY("
                + "SELECT a.id FROM automation.action a WHERE a.tenant_id = ? AND starts_with(a.kind_id, ?))"
                + " ORDER BY w.id LIMIT 100")
        .params(tenantId, tenantId, kindPrefix)
        .query(String.class)
        .list();
  }

  private static ActionDefinition map(ResultSet rs, int row) throws SQLException {
    long timeout = rs.getLong("timeout_ms");
    boolean noTimeout = rs.wasNull();
    String input = rs.getString("input_schema");
    String output = rs.getString("output_schema");
    return new ActionDefinition(
        rs.getString("id"),
        rs.getString("name"),
        rs.getString("description"),
        rs.getString("kind_id"),
        Json.struct(rs.getString("config")),
        input == null ? null : Json.struct(input),
        output == null ? null : Json.struct(output),
        Json.struct(rs.getString("defaults")),
        noTimeout ? null : Duration.ofMillis(timeout),
        false,
        Times.read(rs, "created_at"),
        Times.read(rs, "updated_at"));
  }

  static Struct empty() {
    return Struct.getDefaultInstance();
  }
}
