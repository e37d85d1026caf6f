package dev.nerve.automation.workflow;

import dev.nerve.api.automation.v1.Workflow;
import dev.nerve.automation.support.Json;
import dev.nerve.automation.support.Principal;
import dev.nerve.automation.support.Times;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.springframework.jdbc.core.simple.JdbcClient;

/** Workflows and their versions in PostgreSQL, always scoped by tenant. */
public final class WorkflowRepository {

  private static final String COLUMNS =
      "w.tenant_id, w.id, w.name, w.current_version, w.created_by, w.created_roles, w.created_at, w.updated_at,"
          + " w.deleted_at, v.definition::text AS definition, v.version, v.created_at AS version_at";

  private final JdbcClient jdbc;

  public WorkflowRepository(JdbcClient jdbc) {
    this.jdbc = jdbc;
  }

  /**
   * A workflow row with one of its versions.
   *
   * @param id workflow id
   * @param name current name
   * @param currentVersion its current version
   * @param owner who created it
   * @param createdAt creation time
   * @param deletedAt deletion time, or null
   * @param definition the definition of {@code version}
   * @param version the version read
   * @param versionAt when that version was written
   */
  public record Row(
      String id,
      String name,
      long currentVersion,
      Principal owner,
      Instant createdAt,
      Instant deletedAt,
      Workflow definition,
      long version,
      Instant versionAt) {

    /** The contract's view of this version. */
    public Workflow proto() {
      Workflow.Builder w =
          definition.toBuilder()
              .setId(id)
              .setVersion(version)
              .setCreatedAt(Times.proto(createdAt))
              .setUpdatedAt(Times.proto(versionAt))
              .setFlowchart(Flowchart.render(definition));
      if (deletedAt != null) {
        w.setDeletedAt(Times.proto(deletedAt));
      }
      return w.build();
    }
  }

  /** Inserts version 1; false when the id is taken (deleted workflows included). */
  boolean insert(Principal owner, String id, Workflow definition, String eventTrigger, Set<String> actionIds, Instant now) {
    int inserted =
        jdbc.sql(
                "INSERT INTO automation.workflow (tenant_id, id, name, current_version, event_trigger, created_by,"
                    + " created_roles, created_at, updated_at) VALUES (?, ?, ?, 1, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING")
            .params(owner.tenantId(), id, definition.getName(), eventTrigger, owner.userId(), owner.roles(), Times.sql(now), Times.sql(now))
            .update();
    if (inserted == 0) {
      return false;
    }
    insertVersion(owner.tenantId(), id, 1, definition, actionIds, now);
    return true;
  }

  void insertVersion(String tenantId, String id, long version, Workflow definition, Set<String> actionIds, Instant now) {
    jdbc.sql(
            "INSERT INTO automation.workflow_version (tenant_id, workflow_id, version, definition, action_ids, created_at)"
                + " VALUES (?, ?, ?, ?::jsonb, ?::text[], ?)")
        .params(tenantId, id, version, Json.print(definition), "{" + String.join(",", actionIds.stream().map(WorkflowRepository::quote).toList()) + "}", Times.sql(now))
        .update();
  }

  private static String quote(String s) {
    return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }

  void setCurrent(String tenantId, String id, long version, String name, String eventTrigger, Instant now) {
    jdbc.sql(
            "UPDATE automation.workflow SET current_version = ?, name = ?, event_trigger = ?, updated_at = ?"
                + " WHERE tenant_id = ? AND id = ?")
        .params(version, name, eventTrigger, Times.sql(now), tenantId, id)
        .update();
  }

  void markDeleted(String tenantId, String id, Instant now) {
    jdbc.sql("UPDATE automation.workflow SET deleted_at = ? WHERE tenant_id = ? AND id = ?")
        .params(Times.sql(now), tenantId, id)
        .update();
  }

  /** The current version of a workflow that is not deleted, locked for update when asked. */
  Optional<Row> current(String tenantId, String id, boolean lock) {
    return jdbc.sql(
            "SELECT " + COLUMNS + " FROM automation.workflow w JOIN automation.workflow_version v"
                + " ON v.tenant_id = w.tenant_id AND v.workflow_id = w.id AND v.version = w.current_version"
                + " WHERE w.tenant_id = ? AND w.id = ? AND w.deleted_at IS NULL" + (lock ? " FOR UPDATE OF w" : ""))
        .params(tenantId, id)
        .query(WorkflowRepository::map)
        .optional();
  }

  /** The current version number of a workflow that is not deleted (no definition read). */
  Optional<Long> currentVersion(String tenantId, String id) {
    return jdbc.sql("SELECT current_version FROM automation.workflow WHERE tenant_id = ? AND id = ? AND deleted_at IS NULL")
        .params(tenantId, id)
        .query(Long.class)
        .optional();
  }

  /** One version, deleted workflows included (executions keep reading theirs). */
  public Optional<Row> version(String tenantId, String id, long version) {
    return jdbc.sql(
            "SELECT " + COLUMNS + " FROM automation.workflow w JOIN automation.workflow_version v"
                + " ON v.tenant_id = w.tenant_id AND v.workflow_id = w.id"
                + " WHERE w.tenant_id = ? AND w.id = ? AND v.version = ?")
        .params(tenantId, id, version)
        .query(WorkflowRepository::map)
        .optional();
  }

  boolean exists(String tenantId, String id) {
    return jdbc.sql("SELECT count(*) FROM automation.workflow WHERE tenant_id = ? AND id = ? AND deleted_at IS NULL")
            .params(tenantId, id)
            .query(Long.class)
            .single()
        > 0;
  }

  /** Current versions in name order after ({@code afterName}, {@code afterId}). */
  List<Row> list(String tenantId, String afterName, String afterId, int limit) {
    return jdbc.sql(
            "SELECT " + COLUMNS + " FROM automation.workflow w JOIN automation.workflow_version v"
                + " ON v.tenant_id = w.tenant_id AND v.workflow_id = w.id AND v.version = w.current_version"
                + " WHERE w.tenant_id = ? AND w.deleted_at IS NULL AND (w.name, w.id) > (?, ?)"
                + " ORDER BY w.name, w.id LIMIT ?")
        .params(tenantId, afterName, afterId, limit)
        .query(WorkflowRepository::map)
        .list();
  }

  /** Versions below {@code before}, newest first. */
  List<Row> versions(String tenantId, String id, long before, int limit) {
    return jdbc.sql(
            "SELECT " + COLUMNS + " FROM automation.workflow w JOIN automation.workflow_version v"
                + " ON v.tenant_id = w.tenant_id AND v.workflow_id = w.id"
                + " WHERE w.tenant_id = ? AND w.id = ? AND w.deleted_at IS NULL AND v.version < ?"
                + " ORDER BY v.version DESC LIMIT ?")
        .params(tenantId, id, before, limit)
        .query(WorkflowRepository::map)
        .list();
  }

  /** Workflows whose current version's event trigger names {@code event}. */
  public List<Row> subscribers(String tenantId, String event) {
    return jdbc.sql(
            "SELECT " + COLUMNS + " FROM automation.workflow w JOIN automation.workflow_version v"
                + " ON v.tenant_id = w.tenant_id AND v.workflow_id = w.id AND v.version = w.current_version"
                + " WHERE w.tenant_id = ? AND w.event_trigger = ? AND w.deleted_at IS NULL ORDER BY w.id LIMIT 100")
        .params(tenantId, event)
        .query(WorkflowRepository::map)
        .list();
  }

  private static Row map(ResultSet rs, int row) throws SQLException {
    Workflow.Builder definition = Workflow.newBuilder();
    try {
      Json.merge(rs.getString("definition"), definition);
    } catch (com.google.protobuf.InvalidProtocolBufferException e) {
      throw new IllegalStateException("stored definition does not parse", e);
    }
    return new Row(
        rs.getString("id"),
        rs.getString("name"),
        rs.getLong("current_version"),
        new Principal(rs.getString("tenant_id"), rs.getString("created_by"), rs.getString("created_roles")),
        Times.read(rs, "created_at"),
        Times.read(rs, "deleted_at"),
        definition.build(),
        rs.getLong("version"),
        Times.read(rs, "version_at"));
  }
}
