package dev.nerve.installation.dependency;

import dev.nerve.api.installation.v1.DependencyPlan;
import dev.nerve.api.installation.v1.DependencyProgress;
import dev.nerve.api.installation.v1.DependencyProgressPhase;
import dev.nerve.api.installation.v1.DependencyRequirement;
import dev.nerve.installation.dependency.resolve.Requirement;
import dev.nerve.installation.dependency.resolve.Resolution;
import dev.nerve.installation.dependency.resolve.ResolutionException;
import dev.nerve.installation.dependency.resolve.Resolver;
import dev.nerve.installation.dependency.resolve.Version;
import dev.nerve.installation.dependency.resolve.VersionRange;
import dev.nerve.platform.error.ErrorCode;
import dev.nerve.platform.error.NerveException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Supplier;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Install, update and remove, all or nothing. Under a per-tenant lock it resolves the new set
 * against the lock into a plan, has {@link PackagePreparer} make every changed package ready
 * (download, SHA-256, safe unpacking, manifest) before touching anything, and only then has {@link
 * PlanApplier} load and unload through the SDK system and write the lock, undoing its SDK changes
 * if one fails, so the previous set stays installed.
 * Changes of one tenant run one at a time; a second one meanwhile is refused with CONFLICT.
 */
final class PackageInstaller {

  /** SQL of the advisory lock key of a tenant's packages (one parameter: the tenant). */
  static final String LOCK_KEY = "hashtextextended('nerve.installation.packages:' || ?, 0)";

  private final LockStore lock;
  private final SourceCatalogs catalogs;
  private final PackagePreparer preparer;
  private final PlanApplier applier;
  private final Path workDir;
  private final Version nerveVersion;
  private final int maxSteps;
  private final TransactionTemplate tx;
  private final JdbcClient jdbc;

  PackageInstaller(
      LockStore lock,
      SourceCatalogs catalogs,
      PackagePreparer preparer,
      PlanApplier applier,
      Path workDir,
      Version nerveVersion,
      int maxSteps,
      TransactionTemplate tx,
      JdbcClient jdbc) {
    this.lock = lock;
    this.catalogs = catalogs;
    this.preparer = preparer;
    this.applier = applier;
    this.workDir = workDir;
    this.nerveVersion = nerveVersion;
    this.maxSteps = maxSteps;
    this.tx = tx;
    this.jdbc = jdbc;
  }

  DependencyPlan install(String tenant, List<DependencyRequirement> wanted, boolean dryRun, Progress progress) {
    return locked(tenant, () -> {
      Map<String, LockedPackage> current = lock.all(tenant);
      Map<String, String> requested = requestedRanges(current);
      wanted.forEach(w -> requested.put(w.getName(), w.getVersionRange()));
      Map<String, Version> preferred = new HashMap<>();
      current.values().forEach(p -> preferred.put(p.name(), Version.parse(p.version())));
      return change(tenant, current, requested, preferred, dryRun, progress);
    });
  }

  DependencyPlan update(String tenant, List<DependencyRequirement> wanted, boolean dryRun, Progress progress) {
    return locked(tenant, () -> {
      Map<String, LockedPackage> current = lock.all(tenant);
      Map<String, String> requested = requestedRanges(current);
      Map<String, Version> preferred = new HashMap<>();
      current.values().forEach(p -> preferred.put(p.name(), Version.parse(p.version())));
      if (wanted.isEmpty()) {
        preferred.clear();
      }
      for (DependencyRequirement w : wanted) {
        if (!current.containsKey(w.getName())) {
          throw NerveException.notFound("package", w.getName());
        }
        preferred.remove(w.getName());
        if (!w.getVersionRange().isBlank()) {
          requested.put(w.getName(), w.getVersionRange());
        }
      }
      return change(tenant, current, requested, preferred, dryRun, progress);
    });
  }

  DependencyPlan remove(String tenant, List<String> names, boolean cascade, boolean dryRun) {
    return locked(tenant, () -> {
      Map<String, LockedPackage> current = lock.all(tenant);
      for (String name : names) {
        if (!current.containsKey(name)) {
          throw NerveException.notFound("package", name);
        }
      }
      List<String> targets = new ArrayList<>(names);
      List<String> blocked = new ArrayList<>();
      for (int i = 0; i < targets.size(); i++) {
        String target = targets.get(i);
        for (LockedPackage other : current.values()) {
          if (other.requires().containsKey(target) && !targets.contains(other.name())) {
            if (cascade) {
              targets.add(other.name());
            } else {
              blocked.add(other.name() + " " + other.version() + " requires " + target + " " + other.requires().get(target));
            }
          }
        }
      }
      if (!blocked.isEmpty()) {
        throw new NerveException(ErrorCode.FAILED_PRECONDITION,
            "cannot remove " + String.join(", ", names) + ": " + String.join("; ", blocked)
                + "; remove those too or pass cascade");
      }
      List<PlanStep> steps = Plans.removals(current, targets, List.of("request"));
      if (!dryRun) {
        applier.apply(tenant, steps, Map.of(), Progress.NONE);
      }
      return Plans.proto(steps, dryRun);
    });
  }

  private DependencyPlan change(
      String tenant,
      Map<String, LockedPackage> current,
      Map<String, String> requested,
      Map<String, Version> preferred,
      boolean dryRun,
      Progress progress) {
    Catalog catalog = catalogs.of(tenant);
    List<Requirement> roots = new ArrayList<>();
    requested.forEach((name, range) -> roots.add(new Requirement(name, VersionRange.parse(range), "request")));
    Resolution resolution;
    try {
      resolution = new Resolver(catalog::versions, nerveVersion, maxSteps).resolve(roots, preferred);
    } catch (ResolutionException e) {
      throw new NerveException(ErrorCode.FAILED_PRECONDITION, "cannot resolve the packages: " + e.getMessage());
    }
    List<PlanStep> steps = Plans.of(current, resolution, requested);
    progress.report(DependencyProgress.newBuilder()
        .setPhase(DependencyProgressPhase.DEPENDENCY_PROGRESS_PHASE_RESOLVED)
        .setMessage("resolved " + steps.size() + " packages")
        .setPlan(Plans.proto(steps, dryRun))
        .build());
    if (!dryRun) {
      Map<String, PackagePreparer.Prepared> prepared = new HashMap<>();
      Path scratch = workDir.resolve("staging-" + UUID.randomUUID());
      try {
        for (PlanStep step : steps) {
          if (step.loads()) {
            prepared.put(step.name(), preparer.prepare(catalog, step.to(), scratch, progress));
          }
        }
        applier.apply(tenant, steps, prepared, progress);
      } finally {
        PackagePreparer.delete(scratch);
      }
    }
    return Plans.proto(steps, dryRun);
  }

  private static Map<String, String> requestedRanges(Map<String, LockedPackage> current) {
    Map<String, String> requested = new LinkedHashMap<>();
    current.values().stream().filter(LockedPackage::requested).forEach(p -> requested.put(p.name(), p.requestedRange()));
    return requested;
  }

  /**
   * Runs {@code work} in a transaction holding the tenant's package lock. A second change while
   * one runs is refused at once rather than queued: a queued call would hold a pooled connection
   * that the running one may need for the SDK system's writes.
   */
  private <T> T locked(String tenant, Supplier<T> work) {
    return tx.execute(status -> {
      Boolean acquired = jdbc.sql("SELECT pg_try_advisory_xact_lock(" + LOCK_KEY + ")")
          .param(tenant)
          .query(Boolean.class)
          .single();
      if (!Boolean.TRUE.equals(acquired)) {
        throw NerveException.conflict("another package change of this tenant is running; retry when it has finished");
      }
      return work.get();
    });
  }
}
