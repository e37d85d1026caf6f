package dev.nerve.automation.action;

import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import dev.nerve.api.automation.v1.ActionResult;
import dev.nerve.api.automation.v1.ActionStatus;
import dev.nerve.automation.AutomationProperties;
import dev.nerve.automation.support.Inputs;
import dev.nerve.automation.support.Json;
import dev.nerve.automation.support.JsonSchemas;
import dev.nerve.automation.support.Principal;
import dev.nerve.automation.support.Times;
import dev.nerve.platform.concurrent.DaemonThreads;
import dev.nerve.platform.error.FieldViolation;
import dev.nerve.platform.error.NerveException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one action: merges its config and defaults under the parameters, validates them against
 * its input schema, runs its kind on a separate thread with a deadline (interrupting it when the
 * deadline passes), and validates the output against its output schema.
 */
public final class ActionRunner implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(ActionRunner.class);

  private final ActionRegistry registry;
  private final JsonSchemas schemas;
  private final AutomationProperties properties;
  private final ExecutorService executor;
  private final List<Executed> executed = new java.util.concurrent.CopyOnWriteArrayList<>();

  ActionRunner(ActionRegistry registry, JsonSchemas schemas, AutomationProperties properties) {
    this.registry = registry;
    this.schemas = schemas;
    this.properties = properties;
    this.executor =
        Executors.newCachedThreadPool(
            DaemonThreads.numbered("automation-action-"));
  }

  public ActionRegistry registry() {
    return registry;
  }

  /**
   * The parameters a run gets: config, then defaults, then {@code params} (later wins), checked
   * against the payload limit and the input schema. Violations name paths under {@code field}.
   */
  public Struct prepare(ActionDefinition action, Struct params, String field) {
    Inputs.payload(field, params, properties.limits().maxPayloadBytes());
    Struct merged =
        Struct.newBuilder()
            .putAllFields(action.config().getFieldsMap())
            .putAllFields(action.defaults().getFieldsMap())
            .putAllFields(params.getFieldsMap())
            .build();
    if (action.inputSchema() != null) {
      List<FieldViolation> violations =
          schemas.violations(schemas.compile(action.inputSchema()), field, Json.of(merged));
      if (!violations.isEmpty()) {
        throw NerveException.invalid(violations);
      }
    }
    return merged;
  }

  /** The deadline of a run: the requested one, else the action's, else the default; capped. */
  public Duration timeout(ActionDefinition action, Duration requested) {
    Duration own = action.timeout() == null ? properties.actions().defaultTimeout() : action.timeout();
    Duration timeout = requested == null || requested.isZero() ? own : min(requested, own);
    return min(timeout, properties.actions().maxTimeout());
  }

  private static Duration min(Duration a, Duration b) {
    return a.compareTo(b) <= 0 ? a : b;
  }

  /**
   * Runs the action with already prepared parameters, then tells the {@link #onExecuted}
   * listeners how it ended; failures are in the outcome, never thrown.
   */
  public Outcome run(
      ActionDefinition action, Principal principal, Struct params, String idempotencyKey, Duration timeout) {
    Outcome outcome = attempt(action, principal, params, idempotencyKey, timeout, f -> {}, f -> {});
    report(action, principal, idempotencyKey, outcome);
    return outcome;
  }

  /**
   * Runs the action like {@link #run(ActionDefinition, Principal, Struct, String, Duration)},
   * telling {@code started} the future of the run (cancelling it interrupts the action) and
   * {@code ended} when it is over, but tells the {@link #onExecuted} listeners nothing: the caller
   * does, with {@link #report}, in the transaction that records the outcome (one commit for both).
   */
  public Outcome runUnreported(
      ActionDefinition action,
      Principal principal,
      Struct params,
      String idempotencyKey,
      Duration timeout,
      java.util.function.Consumer<Future<?>> started,
      java.util.function.Consumer<Future<?>> ended) {
    return attempt(action, principal, params, idempotencyKey, timeout, started, ended);
  }

  /** Tells the {@link #onExecuted} listeners how a run of {@code action} ended. */
  public void report(ActionDefinition action, Principal principal, String idempotencyKey, Outcome outcome) {
    for (Executed listener : executed) {
      listener.executed(action, principal, idempotencyKey, outcome);
    }
  }

  /** Told after each run of an action, with how it ended (the activity stream listens). */
  @FunctionalInterface
  public interface Executed {

    /** The action ran on behalf of {@code principal} with {@code idempotencyKey} and ended as {@code outcome}. */
    void executed(ActionDefinition action, Principal principal, String idempotencyKey, Outcome outcome);
  }

  /** Adds a listener told after every run of an action. */
  public void onExecuted(Executed listener) {
    executed.add(listener);
  }

  private Outcome attempt(
      ActionDefinition action,
      Principal principal,
      Struct params,
      String idempotencyKey,
      Duration timeout,
      java.util.function.Consumer<Future<?>> started,
      java.util.function.Consumer<Future<?>> ended) {
    Instant began = Instant.now();
    List<String> logs = new ArrayList<>();
    ActionKind kind = registry.kind(action.kindId()).orElse(null);
    if (kind == null) {
      return Outcome.failed("action kind " + action.kindId() + " is not available", false, logs, began);
    }
    Instant deadline = began.plus(timeout);
    ActionKind.Invocation invocation = new ActionKind.Invocation(principal, params, idempotencyKey, deadline, logs);
    Future<Value> future = executor.submit(() -> kind.run(invocation));
    started.accept(future);
    Value output;
    try {
      output = future.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      future.cancel(true);
      return new Outcome(
          ActionStatus.ACTION_STATUS_TIMED_OUT, null, "timed out after " + timeout.toMillis() + " ms", true, copy(logs), Duration.between(began, Instant.now()));
    } catch (InterruptedException e) {
      future.cancel(true);
      Thread.currentThread().interrupt();
      return Outcome.failed("interrupted", true, logs, began);
    } catch (CancellationException e) {
      return Outcome.failed("cancelled", true, logs, began);
    } catch (ExecutionException e) {
      return failure(action, e.getCause(), logs, began);
    } finally {
      ended.accept(future);
    }
    return checked(action, output, logs, began);
  }

  /**
   * Runs an action of a {@link ActionKind#pure pure} kind on the calling thread (it cannot block
   * and its cost is bounded, so nothing needs interrupting); an outcome later than {@code timeout}
   * is TIMED_OUT. The caller reports it with {@link #report}. Fails for other kinds.
   */
  public Outcome runHere(ActionDefinition action, Principal principal, Struct params, String idempotencyKey,
      Duration timeout) {
    ActionKind kind = registry.kind(action.kindId()).filter(ActionKind::pure)
        .orElseThrow(() -> new IllegalArgumentException("action kind " + action.kindId() + " is not pure"));
    Instant began = Instant.now();
    List<String> logs = new ArrayList<>();
    Value output;
    try {
      output = kind.run(new ActionKind.Invocation(principal, params, idempotencyKey, began.plus(timeout), logs));
    } catch (Exception e) {
      return failure(action, e, logs, began);
    }
    Duration took = Duration.between(began, Instant.now());
    if (took.compareTo(timeout) > 0) {
      return new Outcome(ActionStatus.ACTION_STATUS_TIMED_OUT, null, "timed out after " + timeout.toMillis() + " ms", true,
          copy(logs), took);
    }
    return checked(action, output, logs, began);
  }

  /** Whether the action's kind is {@link ActionKind#pure pure} (it may run in {@link #runHere}). */
  public boolean pure(ActionDefinition action) {
    return registry.kind(action.kindId()).map(ActionKind::pure).orElse(false);
  }

  /** The outcome of an action that threw {@code cause}. */
  private static Outcome failure(ActionDefinition action, Throwable cause, List<String> logs, Instant began) {
    if (cause instanceof ActionFailure failure) {
      return Outcome.failed(failure.getMessage(), failure.retryable(), logs, began);
    }
    if (cause instanceof InterruptedException) {
      return Outcome.failed("interrupted", true, logs, began);
    }
    log.warn("action {} ({}) failed: {}", action.id(), action.kindId(), cause.toString());
    return Outcome.failed(cause.getClass().getSimpleName() + ": " + cause.getMessage(), true, logs, began);
  }

  /** The outcome of an action that returned {@code output}: checked against the payload limit and its output schema. */
  private Outcome checked(ActionDefinition action, Value output, List<String> logs, Instant began) {
    if (output == null) {
      output = Json.nullValue();
    }
    if (Json.bytes(output) > properties.limits().maxPayloadBytes()) {
      return Outcome.failed(
          "output is larger than " + properties.limits().maxPayloadBytes() + " bytes as JSON", false, logs, began);
    }
    if (action.outputSchema() != null) {
      List<FieldViolation> violations = schemas.violations(schemas.compile(action.outputSchema()), "output", output);
      if (!violations.isEmpty()) {
        FieldViolation first = violations.get(0);
        return Outcome.failed(
            "output breaks its schema: " + first.field() + ": " + first.description(), false, logs, began);
      }
    }
    return new Outcome(ActionStatus.ACTION_STATUS_SUCCEEDED, output, "", false, copy(logs), Duration.between(began, Instant.now()));
  }

  private static List<String> copy(List<String> logs) {
    synchronized (logs) {
      return List.copyOf(logs);
    }
  }

  @Override
  public void close() {
    executor.shutdownNow();
  }

  /**
   * What one run of an action did.
   *
   * @param status outcome category
   * @param output the output when it succeeded, else null
   * @param error why it failed, else empty
   * @param retryable whether another attempt could succeed
   * @param logs lines it logged
   * @param duration how long it ran
   */
  public record Outcome(
      ActionStatus status, Value output, String error, boolean retryable, List<String> logs, Duration duration) {

    static Outcome failed(String error, boolean retryable, List<String> logs, Instant began) {
      return new Outcome(ActionStatus.ACTION_STATUS_FAILED, null, error, retryable, copy(logs), Duration.between(began, Instant.now()));
    }

    public boolean ok() {
      return status == ActionStatus.ACTION_STATUS_SUCCEEDED;
    }

    /** The contract's view. */
    public ActionResult proto(String idempotencyKey) {
      ActionResult.Builder result =
          ActionResult.newBuilder()
              .setOk(ok())
              .setStatus(status)
              .setError(error)
              .setDuration(Times.proto(duration))
              .addAllLogs(logs)
              .setIdempotencyKey(idempotencyKey);
      if (output != null) {
        result.setOutput(output);
      }
      return result.build();
    }
  }
}
