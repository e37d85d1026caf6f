package dev.nerve.automation.engine;

import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import dev.nerve.api.automation.v1.AttemptStatus;
import dev.nerve.api.automation.v1.ExecutionStatus;
import dev.nerve.api.automation.v1.StepStatus;
import dev.nerve.automation.support.Json;
import dev.nerve.automation.support.Principal;
import dev.nerve.automation.support.Times;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;

/** Executions, their steps, attempts, event waits and idempotency keys in PostgreSQL. */
public final class RunRepository {

  private static final String RUN =
      "id, tenant_id, workflow_id, workflow_version, status, input::text AS input, output::text AS output, error,"
          + " trigger, parent_run_id, parent_step_key, user_id, roles, idempotency_key, deadline_at, seq, retried,"
          + " created_at, finished_at";
  private static final String STEP =
      "step_key, step_id, item_index, status, attempts, attempt_base, output::text AS output, error, child_run_id,"
          + " started_at, finished_at";

  private final JdbcClient jdbc;
  private final JdbcTemplate template;
  /** The inserts held back by {@link #holdingInserts} on this thread, or none. */
  private final ThreadLocal<HeldInserts> held = new ThreadLocal<>();

  public RunRepository(JdbcClient jdbc, JdbcTemplate template) {
    this.jdbc = jdbc;
    this.template = template;
  }

  /**
   * Runs {@code work} (inside a transaction) with the inserts of executions, steps and attempts
   * held back and written together when it returns, or before any other statement of this
   * repository ({@link HeldInserts}).
   */
  <T> T holdingInserts(Supplier<T> work) {
    if (held.get() != null) {
      return work.get();
    }
    held.set(new HeldInserts());
    try {
      T result = work.get();
      writeHeld();
      return result;
    } finally {
      held.remove();
    }
  }

  private void writeHeld() {
    HeldInserts inserts = held.get();
    if (inserts != null) {
      inserts.write(template);
    }
  }

  /** A statement, after the held inserts are written (so it sees them). */
  private JdbcClient.StatementSpec sql(String sql) {
    writeHeld();
    return jdbc.sql(sql);
  }

  void insertRun(RunRow run) {
    Object[] row = {
      run.id(), run.tenantId(), run.workflowId(), run.version(), RunRow.name(run.status()), Json.print(run.input()),
      run.trigger(), run.parentRunId(), run.parentStepKey(), run.principal().userId(), run.principal().roles(),
      run.idempotencyKey(), Times.sql(run.deadline()), run.seq(), Times.sql(run.createdAt()),
      run.output() == null ? null : Json.print(run.output()), run.error(), Times.sql(run.finishedAt())
    };
    insert(HeldInserts.RUN_INSERT, row, inserts -> inserts.run(run.id(), row));
  }

  /** Inserts a row now, or hands it to the held inserts when they are held. */
  private void insert(String sql, Object[] row, Consumer<HeldInserts> hold) {
    HeldInserts inserts = held.get();
    if (inserts != null) {
      hold.accept(inserts);
    } else {
      template.update(sql, row);
    }
  }

  /** Claims an idempotency key for a run; returns the run that holds it (which may be another). */
  UUID claimKey(String tenantId, String key, UUID runId, Instant now) {
    sql("INSERT INTO automation.run_key (tenant_id, key, run_id, created_at) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING")
        .params(tenantId, key, runId, Times.sql(now))
        .update();
    return sql("SELECT run_id FROM automation.run_key WHERE tenant_id = ? AND key = ?")
        .params(tenantId, key)
        .query(UUID.class)
        .single();
  }

  Optional<UUID> keyOwner(String tenantId, String key) {
    return sql("SELECT run_id FROM automation.run_key WHERE tenant_id = ? AND key = ?")
        .params(tenantId, key)
        .query(UUID.class)
        .optional();
  }

  Optional<RunRow> run(UUID id) {
    return sql("SELECT " + RUN + " FROM automation.run WHERE id = ?").param(id).query(RunRepository::run).optional();
  }

  /** A run of the tenant; other tenants' runs are not found. */
  public Optional<RunRow> run(String tenantId, UUID id) {
    return sql("SELECT " + RUN + " FROM automation.run WHERE id = ? AND tenant_id = ?")
        .params(id, tenantId)
        .query(RunRepository::run)
        .optional();
  }

  Optional<RunRow> lockRun(UUID id) {
    return sql("SELECT " + RUN + " FROM automation.run WHERE id = ? FOR UPDATE")
        .param(id)
        .query(RunRepository::run)
        .optional();
  }

  /** Finishes a running run; false when it had already finished (its end is recorded once). */
  boolean finish(UUID id, ExecutionStatus status, Value output, String error, Instant now) {
    HeldInserts inserts = held.get();
    String printed = output == null ? null : Json.print(output);
    Optional<Boolean> ended = inserts == null ? Optional.empty()
        : inserts.finish(id, RunRow.name(status), printed, error, Times.sql(now));
    if (ended.isPresent()) {
      return ended.get();
    }
    return sql(
                "UPDATE automation.run SET status = ?, output = ?::jsonb, error = ?, finished_at = ?"
                    + " WHERE id = ? AND finished_at IS NULL")
            .params(RunRow.name(status), printed, error, Times.sql(now), id)
            .update()
        == 1;
  }

  void reopen(UUID id, Instant deadline) {
    sql("UPDATE automation.run SET status = 'RUNNING', output = NULL, error = '', finished_at = NULL, deadline_at = ?,"
            + " retried = true WHERE id = ?")
        .params(Times.sql(deadline), id)
        .update();
  }

  /** Adds {@code n} to the run's change sequence; returns the new value. */
  long bumpSeq(UUID id, int n) {
    HeldInserts inserts = held.get();
    OptionalLong seq = inserts == null ? OptionalLong.empty() : inserts.bumpSeq(id, n);
    if (seq.isPresent()) {
      return seq.getAsLong();
    }
    return sql("UPDATE automation.run SET seq = seq + ? WHERE id = ? RETURNING seq")
        .params(n, id)
        .query(Long.class)
        .single();
  }

  /** Sequence numbers a transaction reserves up front when it locks a run (unused ones are gaps). */
  static final int SEQ_BLOCK = 32;

  /**
   * A run locked for update with its steps, reserving {@link #SEQ_BLOCK} sequence numbers for the
   * changes of this transaction; empty when the run does not exist. Two statements on purpose: in
   * READ COMMITTED the steps must be read after the lock is granted, or a transaction that held
   * the lock and added steps would be missed.
   */
  Optional<Locked> lockWithSteps(UUID runId) {
    Optional<RunRow> run =
        sql("UPDATE automation.run SET seq = seq + " + SEQ_BLOCK + " WHERE id = ? RETURNING " + RUN)
            .param(runId)
            .query(RunRepository::run)
            .optional();
    return run.map(r -> new Locked(r, steps(runId), r.seq() - SEQ_BLOCK));
  }

  /**
   * A run locked with its steps.
   *
   * @param run the run (its seq already includes the reserved block)
   * @param steps its steps
   * @param seqBase the last sequence number before the reserved block
   */
  record Locked(RunRow run, List<StepRow> steps, long seqBase) {}

  /**
   * Starts an attempt in one statement: locks the running run (reserving one sequence number),
   * moves the READY (or, after a crash, RUNNING) step to RUNNING with one more attempt, marks a
   * previous running attempt abandoned and records the new one. Empty when the run is not running
   * or the step is not due.
   */
  Optional<Started> beginAttempt(UUID runId, String key, String worker, Instant now) {
    return sql(
            "WITH r AS (UPDATE automation.run SET seq = seq + 1 WHERE id = :run AND status = 'RUNNING' RETURNING " + RUN + "),"
                + " s AS (UPDATE automation.step st SET status = 'RUNNING', attempts = st.attempts + 1, error = '',"
                + " started_at = coalesce(st.started_at, :now) FROM r WHERE st.run_id = r.id AND st.step_key = :key"
                + " AND st.status IN ('READY', 'RUNNING')"
                + " RETURNING st.step_id, st.item_index, st.attempts, st.attempt_base),"
                + " x AS (UPDATE automation.step_attempt a SET status = 'ABANDONED', error = 'the worker stopped heartbeating',"
                + " finished_at = a.started_at FROM s WHERE a.run_id = :run AND a.step_key = :key AND a.status = 'RUNNING'),"
                + " i AS (INSERT INTO automation.step_attempt (run_id, step_key, attempt, status, worker, started_at)"
                + " SELECT :run, :key, s.attempt_base + s.attempts, 'RUNNING', :worker, :now FROM s)"
                + " SELECT r.*, s.step_id, s.item_index, s.attempts, s.attempt_base FROM r JOIN s ON true")
        .param("run", runId)
        .param("key", key)
        .param("worker", worker)
        .param("now", Times.sql(now))
        .query((rs, i) -> {
          int index = rs.getInt("item_index");
          Integer itemIndex = rs.wasNull() ? null : index;
          return new Started(run(rs, i), rs.getString("step_id"), itemIndex, rs.getInt("attempts"), rs.getInt("attempt_base"));
        })
        .optional();
  }

  /**
   * An attempt that started.
   *
   * @param run its run
   * @param stepId the step's id in the definition
   * @param itemIndex forEach item index, or null
   * @param attempts attempts of the step's current life, this one included
   * @param attemptBase attempts of its earlier lives
   */
  record Started(RunRow run, String stepId, Integer itemIndex, int attempts, int attemptBase) {

    int attempt() {
      return attemptBase + attempts;
    }
  }

  /**
   * Ends an attempt if this worker still holds its db-scheduler execution (the fence): deletes
   * the execution by the version the worker picked and, only then, records the attempt's end.
   * Returns {released, ended}.
   */
  boolean[] releaseAndEnd(String task, String instance, long version, UUID runId, String key, int attempt,
      AttemptStatus status, Value input, Value output, String error, Instant at) {
    return sql(
            "WITH d AS (DELETE FROM automation.scheduled_tasks WHERE task_name = :task AND task_instance = :instance"
                + " AND version = :version RETURNING 1),"
                + " u AS (UPDATE automation.step_attempt SET status = :status, input = CAST(:input AS jsonb),"
                + " output = CAST(:output AS jsonb), error = :error, finished_at = :at"
                + " WHERE run_id = :run AND step_key = :key AND attempt = :attempt AND status = 'RUNNING'"
                + " AND EXISTS (SELECT 1 FROM d) RETURNING 1)"
                + " SELECT (SELECT count(*) FROM d) AS released, (SELECT count(*) FROM u) AS ended")
        .param("task", task)
        .param("instance", instance)
        .param("version", version)
        .param("status", column(status))
        .param("input", input == null ? null : Json.print(input))
        .param("output", output == null ? null : Json.print(output))
        .param("error", error)
        .param("at", Times.sql(at))
        .param("run", runId)
        .param("key", key)
        .param("attempt", attempt)
        .query((rs, i) -> new boolean[] {rs.getLong("released") > 0, rs.getLong("ended") > 0})
        .single();
  }

  /**
   * Records a whole attempt that began and ended in the current transaction (a pure step run in
   * place): nobody else can see it running, so it is written once, ended.
   */
  void insertEndedAttempt(UUID runId, String key, int attempt, AttemptStatus status, String worker, Value input,
      Value output, String error, Instant startedAt, Instant finishedAt) {
    Object[] row = {
      runId, key, attempt, column(status), worker, input == null ? null : Json.print(input),
      output == null ? null : Json.print(output), error, Times.sql(startedAt), Times.sql(finishedAt)
    };
    insert(HeldInserts.ATTEMPT_INSERT, row, inserts -> inserts.attempt(row));
  }

  /** An attempt status as the {@code step_attempt.status} column holds it ({@code SUCCEEDED}, ...). */
  private static String column(AttemptStatus status) {
    return status.name().substring("ATTEMPT_STATUS_".length());
  }

  List<StepRow> steps(UUID runId) {
    return sql("SELECT " + STEP + " FROM automation.step WHERE run_id = ?").param(runId).query(RunRepository::step).list();
  }

  Optional<StepRow> lockStep(UUID runId, String key) {
    return sql("SELECT " + STEP + " FROM automation.step WHERE run_id = ? AND step_key = ? FOR UPDATE")
        .params(runId, key)
        .query(RunRepository::step)
        .optional();
  }

  Optional<StepRow> step(UUID runId, String key) {
    return sql("SELECT " + STEP + " FROM automation.step WHERE run_id = ? AND step_key = ?")
        .params(runId, key)
        .query(RunRepository::step)
        .optional();
  }

  void insertStep(UUID runId, StepRow step) {
    Object[] row = stepRow(runId, step);
    insert(HeldInserts.STEP_INSERT, row, inserts -> inserts.step(runId, step.key(), row));
  }

  private static Object[] stepRow(UUID runId, StepRow step) {
    return new Object[] {
      runId, step.key(), step.stepId(), step.itemIndex(), StepRow.name(step.status()), step.attempts(), step.attemptBase(),
      step.output() == null ? null : Json.print(step.output()), step.error(), step.childRunId(),
      Times.sql(step.startedAt()), Times.sql(step.finishedAt())
    };
  }

  void updateStep(UUID runId, StepRow step) {
    HeldInserts inserts = held.get();
    if (inserts != null && inserts.replaceStep(runId, step.key(), stepRow(runId, step))) {
      return;
    }
    sql(
            "UPDATE automation.step SET status = ?, attempts = ?, output = ?::jsonb, error = ?, child_run_id = ?,"
                + " started_at = ?, finished_at = ? WHERE run_id = ? AND step_key = ?")
        .params(
            StepRow.name(step.status()), step.attempts(), step.output() == null ? null : Json.print(step.output()), step.error(),
            step.childRunId(), Times.sql(step.startedAt()), Times.sql(step.finishedAt()), runId, step.key())
        .update();
  }

  /** Deletes the steps of a run that did not succeed (RetryExecution); returns their keys. */
  List<String> deleteUnsucceeded(UUID runId) {
    return sql("DELETE FROM automation.step WHERE run_id = ? AND status <> 'SUCCEEDED' RETURNING step_key")
        .param(runId)
        .query(String.class)
        .list();
  }

  int maxAttempt(UUID runId, String key) {
    return sql("SELECT coalesce(max(attempt), 0) FROM automation.step_attempt WHERE run_id = ? AND step_key = ?")
        .params(runId, key)
        .query(Integer.class)
        .single();
  }

  void startAttempt(UUID runId, String key, int attempt, Value input, String worker, Instant now) {
    sql(
            "INSERT INTO automation.step_attempt (run_id, step_key, attempt, status, input, worker, started_at)"
                + " VALUES (?, ?, ?, 'RUNNING', ?::jsonb, ?, ?)")
        .params(runId, key, attempt, input == null ? null : Json.print(input), worker, Times.sql(now))
        .update();
  }

  /** Ends a running attempt; false when it was not running any more. */
  boolean endAttempt(UUID runId, String key, int attempt, AttemptStatus status, Value output, String error, Instant at) {
    return sql(
                "UPDATE automation.step_attempt SET status = ?, output = ?::jsonb, error = ?, finished_at = ?"
                    + " WHERE run_id = ? AND step_key = ? AND attempt = ? AND status = 'RUNNING'")
            .params(
                column(status), output == null ? null : Json.print(output), error,
                Times.sql(at), runId, key, attempt)
            .update()
        == 1;
  }

  /** Marks the running attempts of a step abandoned at {@code lastHeartbeat}. */
  int abandonAttempts(UUID runId, String key, Instant lastHeartbeat) {
    return sql(
            "UPDATE automation.step_attempt SET status = 'ABANDONED', error = 'the worker stopped heartbeating',"
                + " finished_at = greatest(started_at, coalesce(?, started_at))"
                + " WHERE run_id = ? AND step_key = ? AND status = 'RUNNING'")
        .params(Times.sql(lastHeartbeat), runId, key)
        .update();
  }

  /** Ends the running attempts of a run as cancelled. */
  void cancelAttempts(UUID runId, String reason, Instant now) {
    sql(
            "UPDATE automation.step_attempt SET status = 'CANCELLED', error = ?, finished_at = ?"
                + " WHERE run_id = ? AND status = 'RUNNING'")
        .params(reason, Times.sql(now), runId)
        .update();
  }

  List<Object[]> attempts(UUID runId) {
    return sql(
            "SELECT step_key, attempt, status, input::text, output::text, error, worker, started_at, finished_at"
                + " FROM automation.step_attempt WHERE run_id = ? ORDER BY step_key, attempt")
        .param(runId)
        .query(
            (rs, i) ->
                new Object[] {
                  rs.getString(1), rs.getInt(2), rs.getString(3), rs.getString(4), rs.getString(5), rs.getString(6),
                  rs.getString(7), Times.read(rs, "started_at"), Times.read(rs, "finished_at")
                })
        .list();
  }

  void insertWait(UUID runId, String key, String tenantId, String event, String matchKey, Instant now) {
    sql(
            "INSERT INTO automation.event_wait (run_id, step_key, tenant_id, event, match_key, created_at)"
                + " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING")
        .params(runId, key, tenantId, event, matchKey, Times.sql(now))
        .update();
  }

  boolean deleteWait(UUID runId, String key) {
    return sql("DELETE FROM automation.event_wait WHERE run_id = ? AND step_key = ?").params(runId, key).update() > 0;
  }

  void deleteWaits(UUID runId) {
    sql("DELETE FROM automation.event_wait WHERE run_id = ?").param(runId).update();
  }

  /** Waits for an event, oldest first. */
  List<Object[]> waiting(String tenantId, String event, String matchKey) {
    return sql(
            "SELECT run_id, step_key FROM automation.event_wait WHERE tenant_id = ? AND event = ? AND match_key = ?"
                + " ORDER BY created_at LIMIT 1000")
        .params(tenantId, event, matchKey)
        .query((rs, i) -> new Object[] {rs.getObject(1, UUID.class), rs.getString(2)})
        .list();
  }

  /** Runs of a workflow still running. */
  List<UUID> activeRuns(String tenantId, String workflowId) {
    return sql("SELECT id FROM automation.run WHERE tenant_id = ? AND workflow_id = ? AND finished_at IS NULL")
        .params(tenantId, workflowId)
        .query(UUID.class)
        .list();
  }

  List<UUID> activeChildren(UUID parent) {
    return sql("SELECT id FROM automation.run WHERE parent_run_id = ? AND finished_at IS NULL")
        .param(parent)
        .query(UUID.class)
        .list();
  }

  /** A page of runs, newest first, after the keyset position when given. */
  public List<RunRow> list(
      String tenantId,
      String workflowId,
      ExecutionStatus status,
      Instant startedAfter,
      Instant startedBefore,
      String trigger,
      Instant afterCreated,
      UUID afterId,
      int limit) {
    StringBuilder sql = new StringBuilder("SELECT " + RUN + " FROM automation.run WHERE tenant_id = :t");
    if (!workflowId.isEmpty()) {
      sql.append(" AND workflow_id = :w");
    }
    if (status != null) {
      sql.append(" AND status = :s");
    }
    if (startedAfter != null) {
      sql.append(" AND created_at >= :from");
    }
    if (startedBefore != null) {
      sql.append(" AND created_at < :to");
    }
    if (!trigger.isEmpty()) {
      sql.append(" AND trigger = :trigger");
    }
    if (afterCreated != null) {
      sql.append(" AND (created_at, id) < (:ac, :ai)");
    }
    sql.append(" ORDER BY created_at DESC, id DESC LIMIT :limit");
    return sql(sql.toString())
        .param("t", tenantId)
        .param("w", workflowId)
        .param("s", status == null ? null : RunRow.name(status))
        .param("from", Times.sql(startedAfter))
        .param("to", Times.sql(startedBefore))
        .param("trigger", trigger)
        .param("ac", Times.sql(afterCreated))
        .param("ai", afterId)
        .param("limit", limit)
        .query(RunRepository::run)
        .list();
  }

  private static RunRow run(ResultSet rs, int row) throws SQLException {
    String output = rs.getString("output");
    return new RunRow(
        rs.getObject("id", UUID.class),
        rs.getString("tenant_id"),
        rs.getString("workflow_id"),
        rs.getLong("workflow_version"),
        RunRow.status(rs.getString("status")),
        Json.struct(rs.getString("input")),
        output == null ? null : Json.value(output),
        rs.getString("error"),
        rs.getString("trigger"),
        rs.getObject("parent_run_id", UUID.class),
        rs.getString("parent_step_key"),
        new Principal(rs.getString("tenant_id"), rs.getString("user_id"), rs.getString("roles")),
        rs.getString("idempotency_key"),
        Times.read(rs, "deadline_at"),
        rs.getLong("seq"),
        rs.getBoolean("retried"),
        Times.read(rs, "created_at"),
        Times.read(rs, "finished_at"));
  }

  private static StepRow step(ResultSet rs, int row) throws SQLException {
    int index = rs.getInt("item_index");
    Integer itemIndex = rs.wasNull() ? null : index;
    String output = rs.getString("output");
    return new StepRow(
        rs.getString("step_key"),
        rs.getString("step_id"),
        itemIndex,
        StepRow.status(rs.getString("status")),
        rs.getInt("attempts"),
        rs.getInt("attempt_base"),
        output == null ? null : Json.value(output),
        rs.getString("error"),
        rs.getObject("child_run_id", UUID.class),
        Times.read(rs, "started_at"),
        Times.read(rs, "finished_at"));
  }

  static Struct empty() {
    return Struct.getDefaultInstance();
  }

  static StepStatus ready() {
    return StepStatus.STEP_STATUS_READY;
  }
}
