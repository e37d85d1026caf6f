package dev.nerve.installation.dependency;

import dev.nerve.api.installation.v1.DependencyPlan;
import dev.nerve.api.installation.v1.DependencyProgress;
import dev.nerve.api.installation.v1.DependencyProgressPhase;
import dev.nerve.api.installation.v1.DependencyRequirement;
import dev.nerve.api.installation.v1.PlanAction;
import dev.nerve.api.sdk.v1.Extension;
import dev.nerve.installation.dependency.archive.ArchiveExtractor;
import dev.nerve.installation.dependency.resolve.Candidate;
import dev.nerve.installation.dependency.resolve.Requirement;
import dev.nerve.installation.dependency.resolve.Resolution;
import dev.nerve.installation.dependency.resolve.ResolutionException;
import dev.nerve.installation.dependency.resolve.Resolver;
import dev.nerve.installation.dependency.resolve.Version;
import dev.nerve.installation.dependency.resolve.VersionRange;
import dev.nerve.platform.error.ErrorCode;
import dev.nerve.platform.error.NerveException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Carries out install, update and remove all or nothing. Under a per-tenant lock it resolves the
 * new set against the lock, then prepares every changed package (download, SHA-256 against the
 * index, safe unpacking, manifest) before touching anything; only then loads the changed packages
 * through the SDK system in dependency order and unloads what is no longer needed. If a load or
 * unload fails, the ones already done are undone (the previous versions loaded again from their
 * archives in the lock) and the lock is not written, so the previous set stays installed.
 * Changes of one tenant run one at a time; a second one meanwhile is refused with CONFLICT.
 */
final class PackageInstaller {

  private static final Logger log = LoggerFactory.getLogger(PackageInstaller.class);

  /** SQL of the advisory lock key of a tenant's packages (one parameter: the tenant). */
  static final String LOCK_KEY = "hashtextextended('nerve.installation.packages:' || ?, 0)";

  private final LockStore lock;
  private final SourceCatalogs catalogs;
  private final ExtensionLoader loader;
  private final ArchiveExtractor extractor;
  private final long maxArchiveBytes;
  private final Path workDir;
  private final Version nerveVersion;
  private final int maxSteps;
  private final TransactionTemplate tx;
  private final JdbcClient jdbc;

  PackageInstaller(
      LockStore lock,
      SourceCatalogs catalogs,
      ExtensionLoader loader,
      ArchiveExtractor extractor,
      long maxArchiveBytes,
      Path workDir,
      Version nerveVersion,
      int maxSteps,
      TransactionTemplate tx,
      JdbcClient jdbc) {
    this.lock = lock;
    this.catalogs = catalogs;
    this.loader = loader;
    this.extractor = extractor;
    this.maxArchiveBytes = maxArchiveBytes;
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
        apply(tenant, steps, Map.of(), Progress.NONE);
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
      Map<String, Prepared> prepared = new HashMap<>();
      Path staging = workDir.resolve("staging-" + UUID.randomUUID());
      try {
        for (PlanStep step : steps) {
          if (step.loads()) {
            prepared.put(step.name(), prepare(catalog, step.to(), staging, progress));
          }
        }
        apply(tenant, steps, prepared, progress);
      } finally {
        delete(staging);
      }
    }
    return Plans.proto(steps, dryRun);
  }

  /** A package ready to load: its verified archive and the manifest read from it. */
  private record Prepared(byte[] archive, Extension extension) {}

  private Prepared prepare(Catalog catalog, Candidate to, Path staging, Progress progress) {
    progress.report(event(DependencyProgressPhase.DEPENDENCY_PROGRESS_PHASE_DOWNLOADING, to, 0, "fetching " + to.archive()));
    byte[] archive = catalog.reader(to.source()).fetch(to, maxArchiveBytes);
    String sha = Checksums.sha256(archive);
    if (!sha.equals(to.sha256())) {
      throw new NerveException(ErrorCode.INVALID_ARGUMENT, "checksum of " + to.label() + " from source '" + to.source()
          + "' is " + sha + ", but its index says " + to.sha256() + "; nothing was changed");
    }
    Extension extension = unpack(archive, staging.resolve(to.name() + "-" + to.version()), to.name(), to.version().text());
    progress.report(event(DependencyProgressPhase.DEPENDENCY_PROGRESS_PHASE_VERIFIED, to, archive.length,
        "verified SHA-256 and unpacked " + archive.length + " bytes"));
    return new Prepared(archive, extension);
  }

  private Extension unpack(byte[] archive, Path dir, String name, String version) {
    try {
      extractor.extract(archive, dir, name + " " + version);
      return ExtensionPackage.read(dir, name, version);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Loads, unloads and writes the lock; undoes the SDK changes already made when one fails. */
  private void apply(String tenant, List<PlanStep> steps, Map<String, Prepared> prepared, Progress progress) {
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
        if (!step.loads()) {
          continue;
        }
        loader.load(step.label(), prepared.get(step.name()).extension());
        LockedPackage from = step.from();
        undo.push(from == null ? () -> loader.unload(step.name()) : () -> reload(from, previous.get(from.name()), restore));
        progress.report(event(DependencyProgressPhase.DEPENDENCY_PROGRESS_PHASE_LOADED, step.to(), 0, "loaded " + step.label()));
      }
      for (PlanStep step : steps) {
        if (step.action() == PlanAction.PLAN_ACTION_REMOVE) {
          loader.unload(step.name());
          undo.push(() -> reload(step.from(), previous.get(step.name()), restore));
        }
      }
      for (PlanStep step : steps) {
        switch (step.action()) {
          case PLAN_ACTION_REMOVE -> lock.delete(tenant, step.name());
          case PLAN_ACTION_KEEP -> {
            if (!java.util.Objects.equals(step.requestedRange(), step.from().requestedRange())) {
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
      delete(restore);
    }
  }

  private void reload(LockedPackage previous, byte[] archive, Path restore) {
    Path dir = restore.resolve(previous.name() + "-" + previous.version());
    loader.load(previous.name() + " " + previous.version(), unpack(archive, dir, previous.name(), previous.version()));
  }

  private static DependencyProgress event(DependencyProgressPhase phase, Candidate c, long bytes, String message) {
    return DependencyProgress.newBuilder().setPhase(phase).setName(c.name()).setVersion(c.version().text())
        .setBytes(bytes).setMessage(message).build();
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

  private static void delete(Path dir) {
    if (dir == null || !Files.exists(dir)) {
      return;
    }
    try (var paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> {
        try {
          Files.deleteIfExists(p);
        } catch (IOException e) {
          log.warn("could not delete {}", p, e);
        }
      });
    } catch (IOException e) {
      log.warn("could not delete {}", dir, e);
    }
  }
}
