package dev.nerve.automation.task;

import com.google.protobuf.Struct;
import dev.nerve.api.automation.v1.MisfirePolicy;
import dev.nerve.api.automation.v1.OverlapPolicy;
import dev.nerve.api.automation.v1.TaskRun;
import dev.nerve.api.automation.v1.TaskStatus;
import dev.nerve.automation.support.Json;
import dev.nerve.automation.support.Principal;
import dev.nerve.automation.support.Times;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;

/** Scheduled tasks in PostgreSQL, always scoped by tenant. */
final class TaskRepository {

  private static final String COLUMNS =
      "tenant_id, id, name, action_id, workflow_id, input::text AS input, run_at, cron, time_zone, interval_ms,"
          + " max_attempts, misfire, overlap, end_at, max_runs, run_count, status, next_run_at, last_run::text AS last_run,"
          + " active_run_id, queued_for, last_fired_for, user_id, roles, created_at, cancelled_at";

  private final JdbcClient jdbc;

  TaskRepository(JdbcClient jdbc) {
    this.jdbc = jdbc;
  }

  /** Inserts a task; false when its request id was used before. */
  boolean insert(String tenantId, TaskRow t, String requestId) {
    return jdbc.sql(
                "INSERT INTO automation.task (tenant_id, id, name, action_id, workflow_id, input, run_at, cron, time_zone,"
                    + " interval_ms, max_attempts, misfire, overlap, end_at, max_runs, status, next_run_at, user_id, roles,"
                    + " request_id, created_at) VALUES (?, ?, ?, ?, ?, ?::jsonb, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
                    + " ON CONFLICT DO NOTHING")
            .params(
                tenantId, t.id(), t.name(), t.actionId(), t.workflowId(), Json.print(t.input()), Times.sql(t.runAt()), t.cron(),
                t.timeZone(), t.interval() == null ? null : t.interval().toMillis(), t.maxAttempts(),
                TaskRow.name(t.misfire(), "MISFIRE_POLICY_"), TaskRow.name(t.overlap(), "OVERLAP_POLICY_"), Times.sql(t.endAt()),
                t.maxRuns(), TaskRow.name(t.status(), "TASK_STATUS_"), Times.sql(t.nextRunAt()), t.owner().userId(),
                t.owner().roles(), requestId, Times.sql(t.createdAt()))
            .update()
        == 1;
  }

  Optional<TaskRow> byRequest(String tenantId, String requestId) {
    return jdbc.sql("SELECT " + COLUMNS + " FROM automation.task WHERE tenant_id = ? AND request_id = ?")
        .params(tenantId, requestId)
        .query(TaskRepository::map)
        .optional();
  }

  Optional<TaskRow> find(String tenantId, String id, boolean lock) {
    return jdbc.sql("SELECT " + COLUMNS + " FROM automation.task WHERE tenant_id = ? AND id = ?" + (lock ? " FOR UPDATE" : ""))
        .params(tenantId, id)
        .query(TaskRepository::map)
        .optional();
  }

  /** Saves the mutable state of a task. */
  void update(String tenantId, TaskRow t) {
    jdbc.sql(
            "UPDATE automation.task SET status = ?, next_run_at = ?, last_run = ?::jsonb, active_run_id = ?, queued_for = ?,"
                + " last_fired_for = ?, run_count = ?, cancelled_at = ?, cron = ?, time_zone = ?, input = ?::jsonb"
                + " WHERE tenant_id = ? AND id = ?")
        .params(
            TaskRow.name(t.status(), "TASK_STATUS_"), Times.sql(t.nextRunAt()), t.lastRun() == null ? null : Json.print(t.lastRun()),
            t.activeRunId(), Times.sql(t.queuedFor()), Times.sql(t.lastFiredFor()), t.runCount(), Times.sql(t.cancelledAt()),
            t.cron(), t.timeZone(), Json.print(t.input()), tenantId, t.id())
        .update();
  }

  /** Tasks by next run (soonest first, none last), after the keyset position. */
  List<TaskRow> list(String tenantId, TaskStatus status, Instant afterNext, String afterId, boolean afterNull, int limit) {
    StringBuilder sql = new StringBuilder("SELECT " + COLUMNS + " FROM automation.task WHERE tenant_id = :t");
    if (status != TaskStatus.TASK_STATUS_UNSPECIFIED) {
      sql.append(" AND status = :s");
    }
    if (afterId != null) {
      sql.append(
          afterNull
              ? " AND next_run_at IS NULL AND id > :ai"
              : " AND ((next_run_at, id) > (:an, :ai) OR next_run_at IS NULL)");
    }
    sql.append(" ORDER BY next_run_at ASC NULLS LAST, id LIMIT :limit");
    return jdbc.sql(sql.toString())
        .param("t", tenantId)
        .param("s", status == TaskStatus.TASK_STATUS_UNSPECIFIED ? null : TaskRow.name(status, "TASK_STATUS_"))
        .param("an", Times.sql(afterNext))
        .param("ai", afterId)
        .param("limit", limit)
        .query(TaskRepository::map)
        .list();
  }

  boolean activeForWorkflow(String tenantId, String workflowId, String exceptId) {
    return jdbc.sql(
                "SELECT count(*) FROM automation.task WHERE tenant_id = ? AND workflow_id = ? AND id <> ?"
                    + " AND status IN ('SCHEDULED', 'RUNNING')")
            .params(tenantId, workflowId, exceptId)
            .query(Long.class)
            .single()
        > 0;
  }

  boolean runFinished(UUID runId) {
    return jdbc.sql("SELECT count(*) FROM automation.run WHERE id = ? AND finished_at IS NULL")
            .param(runId)
            .query(Long.class)
            .single()
        == 0;
  }

  /** Upserts the task that fires a workflow's cron trigger. */
  void upsertTrigger(String tenantId, TaskRow t) {
    jdbc.sql(
            "INSERT INTO automation.task (tenant_id, id, name, workflow_id, input, cron, time_zone, max_attempts, misfire,"
                + " overlap, max_runs, status, next_run_at, user_id, roles, created_at)"
                + " VALUES (?, ?, ?, ?, '{}'::jsonb, ?, ?, 1, 'RUN_ONCE', 'ALLOW', 0, 'SCHEDULED', ?, ?, ?, ?)"
                + " ON CONFLICT (tenant_id, id) DO UPDATE SET cron = EXCLUDED.cron, time_zone = EXCLUDED.time_zone,"
                + " status = 'SCHEDULED', next_run_at = EXCLUDED.next_run_at, cancelled_at = NULL")
        .params(tenantId, t.id(), t.name(), t.workflowId(), t.cron(), t.timeZone(), Times.sql(t.nextRunAt()),
            t.owner().userId(), t.owner().roles(), Times.sql(t.createdAt()))
        .update();
  }

  private static TaskRow map(ResultSet rs, int row) throws SQLException {
    long interval = rs.getLong("interval_ms");
    Duration every = rs.wasNull() ? null : Duration.ofMillis(interval);
    String last = rs.getString("last_run");
    TaskRun lastRun = null;
    if (last != null) {
      TaskRun.Builder builder = TaskRun.newBuilder();
      try {
        Json.merge(last, builder);
      } catch (com.google.protobuf.InvalidProtocolBufferException e) {
        throw new IllegalStateException(e);
      }
      lastRun = builder.build();
    }
    return new TaskRow(
        rs.getString("id"),
        rs.getString("name"),
        rs.getString("action_id"),
        rs.getString("workflow_id"),
        Json.struct(rs.getString("input")),
        Times.read(rs, "run_at"),
        rs.getString("cron"),
        rs.getString("time_zone"),
        every,
        rs.getInt("max_attempts"),
        MisfirePolicy.valueOf("MISFIRE_POLICY_" + rs.getString("misfire")),
        OverlapPolicy.valueOf("OVERLAP_POLICY_" + rs.getString("overlap")),
        Times.read(rs, "end_at"),
        rs.getInt("max_runs"),
        rs.getInt("run_count"),
        TaskStatus.valueOf("TASK_STATUS_" + rs.getString("status")),
        Times.read(rs, "next_run_at"),
        lastRun,
        rs.getObject("active_run_id", UUID.class),
        Times.read(rs, "queued_for"),
        Times.read(rs, "last_fired_for"),
        new Principal(rs.getString("tenant_id"), rs.getString("user_id"), rs.getString("roles")),
        Times.read(rs, "created_at"),
        Times.read(rs, "cancelled_at"));
  }

  static Struct empty() {
    return Struct.getDefaultInstance();
  }
}
