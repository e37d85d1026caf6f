package dev.nerve.automation.engine;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;

/**
 * This replica's bounds on steps running at once per workflow and per action kind (the replica's
 * own bound is its worker thread count). A step that finds its bound full is put back for a
 * moment instead of holding a worker.
 */
final class ConcurrencyLimits {

  private final int perWorkflow;
  private final int perKind;
  private final Map<String, Semaphore> workflows = new ConcurrentHashMap<>();
  private final Map<String, Semaphore> kinds = new ConcurrentHashMap<>();

  ConcurrencyLimits(int perWorkflow, int perKind) {
    this.perWorkflow = perWorkflow;
    this.perKind = perKind;
  }

  /** Takes a slot for the workflow and the kind; null when either is full. */
  Runnable tryAcquire(String workflowKey, String kindId) {
    Semaphore w = perWorkflow <= 0 ? null : workflows.computeIfAbsent(workflowKey, k -> new Semaphore(perWorkflow));
    Semaphore k = perKind <= 0 ? null : kinds.computeIfAbsent(kindId, x -> new Semaphore(perKind));
    if (w != null && !w.tryAcquire()) {
      return null;
    }
    if (k != null && !k.tryAcquire()) {
      if (w != null) {
        w.release();
      }
      return null;
    }
    return () -> {
      if (w != null) {
        w.release();
      }
      if (k != null) {
        k.release();
      }
    };
  }
}
