package dev.nerve.extension.api;

import java.time.Instant;
import java.util.Map;

/** One run of an action: what to do, with which input, for whom, and until when. */
public interface ActionInvocation {

  /** Name of the action, one of {@link NerveExtension#actions()}. */
  String action();

  /** The input, already validated against the action's schema (JSON-shaped values). */
  Map<String, Object> input();

  /** Tenant the action runs for; a plugin that keeps state keeps it per tenant. */
  String tenantId();

  /** The caller's idempotency key, or an empty string; a retry of the same run repeats it. */
  String idempotencyKey();

  /** When the caller stops waiting; work past it is wasted. */
  Instant deadline();

  /** Adds a line to the run's log, returned to the caller (at most 100 lines of 1000 characters). */
  void log(String line);
}
