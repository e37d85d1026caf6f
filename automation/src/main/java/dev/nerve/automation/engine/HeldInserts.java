package dev.nerve.automation.engine;

import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.UUID;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * New executions, steps and attempts of one transaction held back and written together, one JDBC
 * batch per table, so that the executions a batch of starts creates cost three statements instead
 * of three each. Changes to a held row (an execution that ends, a step that changes, in the same
 * transaction) change it in place. The holder writes everything before any other statement of
 * {@link RunRepository} runs, so the transaction always reads what it wrote.
 */
final class HeldInserts {

  static final String RUN_INSERT =
      "INSERT INTO automation.run (id, tenant_id, workflow_id, workflow_version, status, input, trigger,"
          + " parent_run_id, parent_step_key, user_id, roles, idempotency_key, deadline_at, seq, created_at, output, error,"
          + " finished_at) VALUES (?, ?, ?, ?, ?, ?::jsonb, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?::jsonb, ?, ?)";
  /** Positions of the columns a held execution's end changes. */
  private static final int RUN_STATUS = 4;
  private static final int RUN_SEQ = 13;
  private static final int RUN_OUTPUT = 15;
  private static final int RUN_ERROR = 16;
  private static final int RUN_FINISHED = 17;

  static final String STEP_INSERT =
      "INSERT INTO automation.step (run_id, step_key, step_id, item_index, status, attempts, attempt_base, output,"
          + " error, child_run_id, started_at, finished_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?::jsonb, ?, ?, ?, ?)";

  static final String ATTEMPT_INSERT =
      "INSERT INTO automation.step_attempt (run_id, step_key, attempt, status, worker, input, output, error,"
          + " started_at, finished_at) VALUES (?, ?, ?, ?, ?, ?::jsonb, ?::jsonb, ?, ?, ?)";

  private final Map<UUID, Object[]> runs = new LinkedHashMap<>();
  private final Map<StepKey, Object[]> steps = new LinkedHashMap<>();
  private final List<Object[]> attempts = new ArrayList<>();

  private record StepKey(UUID runId, String key) {}

  void run(UUID id, Object[] row) {
    runs.put(id, row);
  }

  void step(UUID runId, String key, Object[] row) {
    steps.put(new StepKey(runId, key), row);
  }

  void attempt(Object[] row) {
    attempts.add(row);
  }

  /** Replaces a held step's row; false when the step is not held. */
  boolean replaceStep(UUID runId, String key, Object[] row) {
    return steps.replace(new StepKey(runId, key), row) != null;
  }

  /**
   * Ends a held execution that has not ended; empty when it is not held, else whether it ended now
   * (like {@code UPDATE ... WHERE finished_at IS NULL}).
   */
  Optional<Boolean> finish(UUID id, String status, String output, String error, OffsetDateTime at) {
    Object[] row = runs.get(id);
    if (row == null) {
      return Optional.empty();
    }
    if (row[RUN_FINISHED] != null) {
      return Optional.of(false);
    }
    row[RUN_STATUS] = status;
    row[RUN_OUTPUT] = output;
    row[RUN_ERROR] = error;
    row[RUN_FINISHED] = at;
    return Optional.of(true);
  }

  /** Adds to a held execution's sequence; empty when it is not held, else the new value. */
  OptionalLong bumpSeq(UUID id, int n) {
    Object[] row = runs.get(id);
    if (row == null) {
      return OptionalLong.empty();
    }
    long seq = (Long) row[RUN_SEQ] + n;
    row[RUN_SEQ] = seq;
    return OptionalLong.of(seq);
  }

  /** Writes what is held, executions before their steps before their attempts, and forgets it. */
  void write(JdbcTemplate jdbc) {
    if (!runs.isEmpty()) {
      jdbc.batchUpdate(RUN_INSERT, new ArrayList<>(runs.values()));
      runs.clear();
    }
    if (!steps.isEmpty()) {
      jdbc.batchUpdate(STEP_INSERT, new ArrayList<>(steps.values()));
      steps.clear();
    }
    if (!attempts.isEmpty()) {
      jdbc.batchUpdate(ATTEMPT_INSERT, new ArrayList<>(attempts));
      attempts.clear();
    }
  }
}
