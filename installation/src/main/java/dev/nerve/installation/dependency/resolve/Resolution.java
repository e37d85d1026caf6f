package dev.nerve.installation.dependency.resolve;

import java.util.List;
import java.util.Map;

/**
 * The versions chosen, dependencies before their dependents (ties in name order), and who
 * requires each package.
 */
public record Resolution(List<Candidate> ordered, Map<String, List<Requirement>> requiredBy) {

  public Resolution {
    ordered = List.copyOf(ordered);
    requiredBy = Map.copyOf(requiredBy);
  }

  /** The chosen candidate of a package, or null. */
  public Candidate chosen(String name) {
    return ordered.stream().filter(c -> c.name().equals(name)).findFirst().orElse(null);
  }
}
