package dev.nerve.automation.engine;

import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import dev.nerve.api.automation.v1.ExecutionStatus;
import dev.nerve.automation.support.Principal;
import java.time.Instant;
import java.util.UUID;

/**
 * One execution as stored ({@code automation.run}).
 *
 * @param id execution id
 * @param tenantId tenant
 * @param workflowId workflow
 * @param version workflow version it runs
 * @param status state
 * @param input its input
 * @param output its output once succeeded, else null
 * @param error why it failed
 * @param trigger what started it
 * @param parentRunId parent execution of a sub-workflow, else null
 * @param parentStepKey step of the parent waiting for it, else null
 * @param principal on whose behalf it runs
 * @param idempotencyKey key it was started with
 * @param deadline when it times out, or null
 * @param seq latest change
 * @param retried whether RetryExecution reopened it
 * @param createdAt start
 * @param finishedAt end, or null
 */
public record RunRow(
    UUID id,
    String tenantId,
    String workflowId,
    long version,
    ExecutionStatus status,
    Struct input,
    Value output,
    String error,
    String trigger,
    UUID parentRunId,
    String parentStepKey,
    Principal principal,
    String idempotencyKey,
    Instant deadline,
    long seq,
    boolean retried,
    Instant createdAt,
    Instant finishedAt) {

  /** The key of its workflow version's plan, as step executions carry it. */
  String planKey() {
    return tenantId + "\u001f" + workflowId + "\u001f" + version;
  }

  /** The same execution with {@code seq} as its latest change. */
  RunRow withSeq(long seq) {
    return new RunRow(id, tenantId, workflowId, version, status, input, output, error, trigger, parentRunId, parentStepKey,
        principal, idempotencyKey, deadline, seq, retried, createdAt, finishedAt);
  }

  public boolean running() {
    return status == ExecutionStatus.EXECUTION_STATUS_RUNNING;
  }

  /** Stored form of a status: its name without the prefix. */
  static String name(ExecutionStatus status) {
    return status.name().substring("EXECUTION_STATUS_".length());
  }

  static ExecutionStatus status(String name) {
    return ExecutionStatus.valueOf("EXECUTION_STATUS_" + name);
  }
}
