package dev.nerve.automation.action;

import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import dev.nerve.automation.support.Principal;
import java.time.Instant;
import java.util.List;

/**
 * One kind of action (`http.request`, `log`, `ext:<extension>:<action>`, ...): what actually runs
 * when an action of that kind is executed, directly or as a workflow step.
 */
public interface ActionKind {

  /** Kind id, e.g. {@code memory.store}. */
  String id();

  /** The contract's coarse category for this kind. */
  dev.nerve.api.automation.v1.ActionKind category();

  /** What the built-in action of this kind does, for people and assistants. */
  String description();

  /** JSON Schema of the parameters of the built-in action; null accepts any object. */
  Struct inputSchema();

  /**
   * Runs the action; returns its output or throws {@link ActionFailure} (or any exception) when
   * it fails. Must honour thread interruption and {@code call.deadline()}.
   */
  Value run(Invocation call) throws Exception;

  /**
   * Whether the kind is a pure computation: its output depends on its parameters alone, it touches
   * nothing outside the run, and its cost is bounded (like {@code transform}, whose CEL has cost
   * limits). A workflow step of a pure kind runs in the engine's transaction that makes it due
   * instead of being queued (docs/architecture.md, Engine): running it again is always harmless.
   */
  default boolean pure() {
    return false;
  }

  /**
   * One run of an action.
   *
   * @param principal on whose behalf it runs
   * @param params parameters, merged and validated
   * @param idempotencyKey key of this attempt, to pass on to what the action calls
   * @param deadline when the run must be finished
   * @param logs lines the action logs (bounded by the runner)
   */
  record Invocation(
      Principal principal, Struct params, String idempotencyKey, Instant deadline, List<String> logs) {

    /** A string parameter, or {@code fallback} when absent. */
    public String string(String key, String fallback) {
      Value value = params.getFieldsOrDefault(key, null);
      return value == null || !value.hasStringValue() ? fallback : value.getStringValue();
    }

    /** Milliseconds left before the deadline (at least 1). */
    public long remainingMillis() {
      return Math.max(1, deadline.toEpochMilli() - System.currentTimeMillis());
    }

    /** Records a log line. */
    public void log(String line) {
      synchronized (logs) {
        if (logs.size() < 100) {
          logs.add(line.length() > 1000 ? line.substring(0, 1000) : line);
        }
      }
    }
  }
}
