package dev.nerve.installation.setup;

import dev.nerve.api.installation.v1.DependencyPlan;
import dev.nerve.api.installation.v1.DependencyRequirement;
import dev.nerve.api.installation.v1.PackageSource;
import dev.nerve.api.installation.v1.PackageSourceKind;
import dev.nerve.api.installation.v1.PlanAction;
import dev.nerve.api.installation.v1.PlannedChange;
import dev.nerve.installation.dependency.TenantPackages;
import dev.nerve.installation.dependency.resolve.Version;
import dev.nerve.installation.dependency.resolve.VersionRange;
import dev.nerve.installation.setup.SetupProperties.DefaultExtension;
import dev.nerve.installation.setup.SetupProperties.DefaultSource;
import dev.nerve.platform.error.NerveException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The deployment's default extensions ({@link SetupProperties}) for a set-up tenant: adds the
 * default sources it lacks, then installs the default packages it lacks (or has outside their
 * range) in one all-or-nothing install; a dry run resolves the same install without writing.
 */
final class DefaultExtensions {

  private static final String REMEDY =
      "; check nerve.installation.setup.default-extensions and default-sources against the package sources";

  private final TenantPackages packages;
  private final SetupProperties properties;

  DefaultExtensions(TenantPackages packages, SetupProperties properties) {
    this.packages = packages;
    this.properties = properties;
  }

  /** What the step did (or would do) and whether it changed anything. */
  record Outcome(boolean changed, String detail) {}

  /** Ensures the defaults for {@code tenant}; a failure of the sources or packages is a {@link StepFailure}. */
  Outcome ensure(String tenant, boolean dryRun) {
    if (properties.defaultSources().isEmpty() && properties.defaultExtensions().isEmpty()) {
      return new Outcome(false, "no default extensions configured");
    }
    Set<String> present = packages.sourceNames(tenant);
    List<PackageSource> added = properties.defaultSources().stream()
        .filter(s -> !present.contains(s.name()))
        .map(DefaultExtensions::proto)
        .toList();
    Map<String, String> installed = packages.installed(tenant);
    List<DependencyRequirement> wanted = new ArrayList<>();
    for (DefaultExtension e : properties.defaultExtensions()) {
      String version = installed.get(e.name());
      if (version == null || !VersionRange.parse(e.versionRange()).matches(Version.parse(version))) {
        wanted.add(DependencyRequirement.newBuilder().setName(e.name()).setVersionRange(e.versionRange()).build());
      }
    }
    String of = " of tenant '" + tenant + "'";
    if (added.isEmpty() && wanted.isEmpty()) {
      return new Outcome(false, "default extensions" + of + " installed ("
          + properties.defaultExtensions().stream().map(e -> e.name() + " " + installed.get(e.name())).collect(Collectors.joining(", "))
          + ")");
    }
    DependencyPlan plan;
    try {
      plan = packages.install(tenant, added, wanted, dryRun);
    } catch (NerveException e) {
      throw new StepFailure("default extensions" + of + ": " + e.getMessage() + REMEDY, e);
    }
    List<String> parts = new ArrayList<>();
    List<String> changes = plan.getChangesList().stream()
        .filter(c -> c.getAction() != PlanAction.PLAN_ACTION_KEEP && c.getAction() != PlanAction.PLAN_ACTION_UNSPECIFIED)
        .map(DefaultExtensions::change)
        .toList();
    if (!changes.isEmpty() || added.isEmpty()) {
      parts.add(changes.isEmpty()
          ? "requested " + wanted.stream().map(DependencyRequirement::getName).collect(Collectors.joining(", "))
          : String.join(", ", changes));
    }
    if (!added.isEmpty()) {
      parts.add("package source" + (added.size() == 1 ? " " : "s ") + added.stream().map(PackageSource::getName).collect(Collectors.joining(", ")));
    }
    return new Outcome(true, String.join(" and ", parts) + of);
  }

  private static String change(PlannedChange c) {
    return c.getName() + " " + c.getToVersion();
  }

  private static PackageSource proto(DefaultSource s) {
    return PackageSource.newBuilder()
        .setName(s.name())
        .setKind(s.kind() == SetupProperties.Kind.HTTP ? PackageSourceKind.PACKAGE_SOURCE_KIND_HTTP : PackageSourceKind.PACKAGE_SOURCE_KIND_DIRECTORY)
        .setLocation(s.location())
        .build();
  }
}
