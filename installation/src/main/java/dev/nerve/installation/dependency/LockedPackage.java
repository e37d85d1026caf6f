package dev.nerve.installation.dependency;

import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;

/**
 * One row of the lock: a package as installed.
 *
 * @param requestedRange the range it was requested with, or null when installed only as a
 *     dependency
 * @param requires its own dependencies, name to range
 */
record LockedPackage(
    String name,
    String version,
    String sha256,
    String source,
    String requestedRange,
    Map<String, String> requires,
    Instant installedAt) {

  LockedPackage {
    requires = java.util.Collections.unmodifiableMap(new TreeMap<>(requires));
  }

  boolean requested() {
    return requestedRange != null;
  }
}
