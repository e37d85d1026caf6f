package dev.nerve.automation.engine;

import dev.nerve.api.automation.v1.WorkflowStep;
import dev.nerve.automation.action.Actions;
import dev.nerve.automation.workflow.Plan;
import dev.nerve.automation.workflow.StepKind;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * This replica's bounds on steps running at once: in all (its {@code threads}, shared by the
 * steps db-scheduler hands it and those it starts itself), per workflow and per action kind. A
 * step that finds a bound full is put back for a moment (or queued) instead of holding a worker.
 * The replica's slot belongs to the execution a worker holds, so a chain keeps it from step to
 * step; the workflow's and kind's slots belong to each step.
 */
final class ConcurrencyLimits {

  private final Semaphore replica;
  private final int perReplica;
  private final int perWorkflow;
  private final int perKind;
  private final Map<String, Semaphore> workflows = new ConcurrentHashMap<>();
  private final Map<String, Semaphore> kinds = new ConcurrentHashMap<>();

  ConcurrencyLimits(int perReplica, int perWorkflow, int perKind) {
    // Fair: an execution db-scheduler handed over and waiting for a slot goes before new starts.
    this.replica = new Semaphore(perReplica, true);
    this.perReplica = perReplica;
    this.perWorkflow = perWorkflow;
    this.perKind = perKind;
  }

  /** Steps this replica runs at once: the size of db-scheduler's pool and of the local starts' pool. */
  int replicaSlots() {
    return perReplica;
  }

  /**
   * Takes one of the replica's slots for an execution a worker is to hold, waiting up to {@code
   * wait} behind those already waiting (with no wait: only if one is free and nobody waits);
   * false when none frees up in time.
   */
  boolean enterReplica(Duration wait) {
    try {
      return replica.tryAcquire(wait.toNanos(), TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** Gives back a slot taken with {@link #enterReplica}. */
  void leaveReplica() {
    replica.release();
  }

  /** Takes the slots of a step of {@code plan} (its workflow's and its kind's); null when one is full. */
  Runnable tryAcquire(Plan plan, Plan.StepPlan sp) {
    return tryAcquire(plan.tenantId() + "/" + plan.workflowId(), kindOf(sp));
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

  private static String kindOf(Plan.StepPlan sp) {
    if (sp == null) {
      return "unknown";
    }
    WorkflowStep step = sp.step();
    if (sp.kind() == StepKind.FOR_EACH) {
      return step.getForEach().hasCall() ? String.valueOf(Actions.kindId(step.getForEach().getCall().getKind())) : step.getForEach().getActionId();
    }
    return step.hasCall() ? String.valueOf(Actions.kindId(step.getCall().getKind())) : step.getActionId();
  }
}
