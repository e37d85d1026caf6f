package dev.nerve.installation.dependency;

import dev.nerve.api.installation.v1.DependencyProgressPhase;
import dev.nerve.api.installation.v1.PlanAction;
import dev.nerve.installation.dependency.resolve.Candidate;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Carries out a prepared plan: loads the changed packages through the SDK system in dependency
 * order, unloads the removed ones dependents first, then writes the lock. Each SDK change pushes
 * its inverse (unload a new package, load the previous version from the archive read from the
 * lock before anything started); when a step fails, the inverses run newest first and the error
 * is rethrown, so the caller's transaction leaves the lock as it was.
 */
final class PlanApplier {

  private static final Logger log = LoggerFactory.getLogger(PlanApplier.class);

  private final LockStore lock;
  private final ExtensionLoader loader;
  private final PackagePreparer preparer;
  private final Path workDir;

  PlanApplier(LockStore lock, ExtensionLoader loader, PackagePreparer preparer, Path workDir) {
    this.lock = lock;
    this.loader = loader;
    this.preparer = preparer;
    this.workDir = workDir;
  }

  void apply(String tenant, List<PlanStep> steps, Map<String, PackagePreparer.Prepared> prepared, Progress progress) {
    Deque<Runnable> undo = new ArrayDeque<>();
    Path restore = workDir.resolve("restore-" + UUID.randomUUID());
    // Read before anything changes, so an undo does not depend on the database still answering.
    Map<String, byte[]> previous = new HashMap<>();
    for (PlanStep step : steps) {
      if (step.from() != null && step.action() != PlanAction.PLAN_ACTION_KEEP) {
        previous.put(step.name(), lock.archive(tenant, step.name()));
      }
    }
    try {
      for (PlanStep step : steps) {
        if (step.loads()) {
          loader.load(step.label(), prepared.get(step.name()).extension());
          LockedPackage from = step.from();
          undo.push(from == null ? () -> loader.unload(step.name()) : () -> reload(from, previous.get(from.name()), restore));
          progress.report(PackagePreparer.event(DependencyProgressPhase.DEPENDENCY_PROGRESS_PHASE_LOADED, step.to(), 0,
              "loaded " + step.label()));
        }
      }
      for (PlanStep step : steps) {
        if (step.action() == PlanAction.PLAN_ACTION_REMOVE) {
          loader.unload(step.name());
          undo.push(() -> reload(step.from(), previous.get(step.name()), restore));
        }
      }
      steps.forEach(step -> record(tenant, step, prepared));
    } catch (RuntimeException failure) {
      while (!undo.isEmpty()) {
        try {
          undo.pop().run();
        } catch (RuntimeException e) {
          log.error("could not undo a package change of tenant {} after a failed change; the SDK system may differ from the lock", tenant, e);
          failure.addSuppressed(e);
        }
      }
      throw failure;
    } finally {
      PackagePreparer.delete(restore);
    }
  }

  private void record(String tenant, PlanStep step, Map<String, PackagePreparer.Prepared> prepared) {
    switch (step.action()) {
      case PLAN_ACTION_REMOVE -> lock.delete(tenant, step.name());
      case PLAN_ACTION_KEEP -> {
        if (!Objects.equals(step.requestedRange(), step.from().requestedRange())) {
          lock.requestedRange(tenant, step.name(), step.requestedRange());
        }
      }
      default -> {
        Candidate to = step.to();
        Map<String, String> requires = new LinkedHashMap<>();
        to.dependencies().forEach((k, v) -> requires.put(k, v.toString()));
        lock.put(tenant, new LockedPackage(to.name(), to.version().text(), to.sha256(), to.source(), step.requestedRange(),
            requires, null), prepared.get(to.name()).archive());
      }
    }
  }

  private void reload(LockedPackage previous, byte[] archive, Path restore) {
    loader.load(previous.name() + " " + previous.version(),
        preparer.unpack(archive, restore, previous.name(), previous.version()));
  }
}
