package dev.nerve.installation.dependency;

import dev.nerve.api.installation.v1.DependencyUpdate;
import dev.nerve.installation.dependency.resolve.Candidate;
import dev.nerve.installation.dependency.resolve.Version;
import dev.nerve.installation.dependency.resolve.VersionRange;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Newer versions of installed packages: the newest every recorded range on a package allows
 * (its requested range and the ranges of the installed packages needing it) and the newest at
 * all.
 */
final class AvailableUpdates {

  private AvailableUpdates() {}

  static List<DependencyUpdate> of(Map<String, LockedPackage> installed, Catalog catalog) {
    List<DependencyUpdate> out = new ArrayList<>();
    for (LockedPackage p : installed.values()) {
      Version current = Version.parse(p.version());
      List<VersionRange> ranges = new ArrayList<>();
      if (p.requested()) {
        ranges.add(VersionRange.parse(p.requestedRange()));
      }
      installed.values().stream().filter(o -> o.requires().containsKey(p.name()))
          .forEach(o -> ranges.add(VersionRange.parse(o.requires().get(p.name()))));
      Version allowed = null;
      Version newest = null;
      for (Candidate c : catalog.versions(p.name())) {
        if (c.version().compareTo(current) <= 0) {
          continue;
        }
        if (newest == null || c.version().compareTo(newest) > 0) {
          newest = c.version();
        }
        if (ranges.stream().allMatch(r -> r.matches(c.version())) && (allowed == null || c.version().compareTo(allowed) > 0)) {
          allowed = c.version();
        }
      }
      if (newest != null) {
        out.add(DependencyUpdate.newBuilder()
            .setName(p.name())
            .setInstalledVersion(p.version())
            .setRequestedRange(p.requested() ? p.requestedRange() : "")
            .setNewestAllowed(allowed == null ? "" : allowed.text())
            .setNewestAvailable(newest.text())
            .build());
      }
    }
    return out;
  }
}
