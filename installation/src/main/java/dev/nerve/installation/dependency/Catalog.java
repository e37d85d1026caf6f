package dev.nerve.installation.dependency;

import dev.nerve.installation.dependency.resolve.Candidate;
import dev.nerve.installation.dependency.source.SourceReader;
import dev.nerve.platform.error.ErrorCode;
import dev.nerve.platform.error.NerveException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Every package version a tenant's sources offer, read once per operation in search order: when
 * two sources offer the same version of a package, the first one's entry (checksum, archive) is
 * used.
 */
final class Catalog {

  private final Map<String, List<Candidate>> byName = new LinkedHashMap<>();
  private final Map<String, SourceReader> readers = new LinkedHashMap<>();

  Catalog(List<SourceReader> sources) {
    if (sources.isEmpty()) {
      throw new NerveException(ErrorCode.FAILED_PRECONDITION,
          "no package sources are configured for this tenant; add one with DependencyService/PutSource");
    }
    Set<String> seen = new HashSet<>();
    for (SourceReader reader : sources) {
      readers.put(reader.name(), reader);
      for (Candidate candidate : reader.index()) {
        if (seen.add(candidate.name() + "@" + candidate.version())) {
          byName.computeIfAbsent(candidate.name(), k -> new ArrayList<>()).add(candidate);
        }
      }
    }
  }

  /** Every version offered of a package; empty when no source has it. */
  List<Candidate> versions(String name) {
    return byName.getOrDefault(name, List.of());
  }

  SourceReader reader(String source) {
    return readers.get(source);
  }
}
