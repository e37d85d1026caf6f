package dev.nerve.installation.dependency;

import dev.nerve.api.installation.v1.DependencyPlan;
import dev.nerve.api.installation.v1.DependencyRequirement;
import dev.nerve.api.installation.v1.PackageSource;
import dev.nerve.api.installation.v1.PutPackageSourceRequest;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * A tenant's extension packages as first-run setup needs them: which sources and packages it has,
 * and one all-or-nothing change that adds sources and installs packages (or plans it without
 * writing), so setup installs default extensions without reaching into the installer.
 */
public final class TenantPackages {

  private final PackageInstaller installer;
  private final SourceStore sources;
  private final SourceCatalogs catalogs;
  private final LockStore lock;
  private final TransactionTemplate tx;

  TenantPackages(PackageInstaller installer, SourceStore sources, SourceCatalogs catalogs, LockStore lock, TransactionTemplate tx) {
    this.installer = installer;
    this.sources = sources;
    this.catalogs = catalogs;
    this.lock = lock;
    this.tx = tx;
  }

  /** DependencyService over the same installer, lock and sources. */
  DependencyGrpcService grpcService() {
    return new DependencyGrpcService(installer, lock, sources, catalogs);
  }

  /** Names of the tenant's package sources. */
  public Set<String> sourceNames(String tenant) {
    return sources.all(tenant).stream().map(PackageSource::getName).collect(Collectors.toSet());
  }

  /** The tenant's installed packages, name to version. */
  public Map<String, String> installed(String tenant) {
    Map<String, String> out = new LinkedHashMap<>();
    lock.all(tenant).values().forEach(p -> out.put(p.name(), p.version()));
    return out;
  }

  /**
   * Adds {@code added} sources (each checked as PutSource checks it), then installs {@code wanted}
   * from the tenant's sources, in one transaction: a failure leaves neither sources nor packages
   * behind. With {@code dryRun} the same resolution runs and everything is rolled back, so a
   * package that cannot be resolved fails here before anything is written.
   */
  public DependencyPlan install(String tenant, List<PackageSource> added, List<DependencyRequirement> wanted, boolean dryRun) {
    DependencyRequests.requirements(wanted, false);
    return tx.execute(status -> {
      for (PackageSource source : added) {
        DependencyRequests.source(PutPackageSourceRequest.newBuilder()
            .setName(source.getName()).setKind(source.getKind()).setLocation(source.getLocation()).setPriority(source.getPriority()).build());
        catalogs.reader(source);
        sources.put(tenant, source);
      }
      DependencyPlan plan = wanted.isEmpty()
          ? DependencyPlan.newBuilder().setDryRun(dryRun).build()
          : installer.install(tenant, wanted, dryRun, Progress.NONE);
      if (dryRun) {
        status.setRollbackOnly();
      }
      return plan;
    });
  }
}
