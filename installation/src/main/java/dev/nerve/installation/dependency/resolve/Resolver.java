package dev.nerve.installation.dependency.resolve;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * Chooses one version of every package the requirements reach, by a deterministic depth-first
 * search with backtracking: packages are decided in the order they are first required, each
 * trying its preferred (installed) version first, then the others newest first; a choice whose
 * dependencies clash with an earlier choice, or a complete set with a dependency cycle, is
 * undone and the next version tried. The first complete, acyclic set wins, so the newest
 * versions are picked wherever the ranges allow. When the search fails, the explanation is the
 * deepest dead end met: the package and every requirement on it (a clash of ranges, versions
 * excluded by the Nerve version, a package no source offers) or the cycle.
 */
public final class Resolver {

  private final Function<String, List<Candidate>> catalog;
  private final Version nerveVersion;
  private final int maxSteps;

  /**
   * @param catalog every version the sources offer of a package name (empty when none)
   * @param nerveVersion the running Nerve version, checked against each candidate's range
   * @param maxSteps choices tried before giving up, so a hostile index cannot make the search
   *     run for ever
   */
  public Resolver(Function<String, List<Candidate>> catalog, Version nerveVersion, int maxSteps) {
    this.catalog = catalog;
    this.nerveVersion = nerveVersion;
    this.maxSteps = maxSteps;
  }

  /**
   * Resolves {@code roots}; {@code preferred} versions (what is installed) are tried first.
   *
   * @throws ResolutionException when no set of versions satisfies every requirement
   */
  public Resolution resolve(List<Requirement> roots, Map<String, Version> preferred) {
    Search search = new Search(preferred);
    Map<String, List<Requirement>> constraints = new LinkedHashMap<>();
    List<String> queue = new ArrayList<>();
    for (Requirement root : roots) {
      constraints.computeIfAbsent(root.name(), k -> new ArrayList<>()).add(root);
      if (!queue.contains(root.name())) {
        queue.add(root.name());
      }
    }
    Map<String, Candidate> chosen = search.solve(new LinkedHashMap<>(), constraints, queue);
    if (chosen == null) {
      throw new ResolutionException(search.failure == null ? "nothing to resolve" : search.failure);
    }
    return new Resolution(order(chosen), constraints(chosen, roots));
  }

  private final class Search {
    private final Map<String, Version> preferred;
    private final Map<String, List<Candidate>> offered = new HashMap<>();
    private int steps;
    private int failureDepth = -1;
    private String failure;

    Search(Map<String, Version> preferred) {
      this.preferred = preferred;
    }

    Map<String, Candidate> solve(
        Map<String, Candidate> chosen, Map<String, List<Requirement>> constraints, List<String> queue) {
      if (++steps > maxSteps) {
        throw new ResolutionException(
            "resolution gave up after " + maxSteps + " choices; pin versions of the packages involved");
      }
      if (queue.isEmpty()) {
        List<String> cycle = cycle(chosen);
        if (cycle.isEmpty()) {
          return chosen;
        }
        fail(chosen.size() + 1, "dependency cycle: " + String.join(" -> ", cycle));
        return null;
      }
      String name = queue.get(0);
      List<Requirement> on = constraints.get(name);
      List<Candidate> all = offered.computeIfAbsent(name, catalog);
      if (all.isEmpty()) {
        fail(chosen.size(), "no package source offers '" + name + "' (" + describe(on) + ")");
        return null;
      }
      List<Candidate> candidates = new ArrayList<>();
      List<Candidate> tooNew = new ArrayList<>();
      for (Candidate c : all) {
        if (on.stream().allMatch(r -> r.range().matches(c.version()))) {
          if (c.nerveRange().matches(nerveVersion)) {
            candidates.add(c);
          } else {
            tooNew.add(c);
          }
        }
      }
      if (candidates.isEmpty()) {
        fail(chosen.size(), noVersion(name, on, all, tooNew));
        return null;
      }
      Version pick = preferred.get(name);
      candidates.sort(
          Comparator.comparing((Candidate c) -> !c.version().equals(pick))
              .thenComparing(Candidate::version, Comparator.reverseOrder()));
      for (Candidate candidate : candidates) {
        Map<String, List<Requirement>> next = copy(constraints);
        List<String> nextQueue = new ArrayList<>(queue.subList(1, queue.size()));
        String clash = null;
        for (Map.Entry<String, VersionRange> dep : candidate.dependencies().entrySet()) {
          Requirement requirement = new Requirement(dep.getKey(), dep.getValue(), candidate.label());
          next.computeIfAbsent(dep.getKey(), k -> new ArrayList<>()).add(requirement);
          Candidate already = dep.getKey().equals(name) ? candidate : chosen.get(dep.getKey());
          if (already != null && !dep.getValue().matches(already.version())) {
            clash = "'" + dep.getKey() + "' " + already.version() + " was chosen for "
                + describe(next.get(dep.getKey()).subList(0, next.get(dep.getKey()).size() - 1))
                + ", but " + requirement.describe();
            break;
          }
          if (already == null && !nextQueue.contains(dep.getKey())) {
            nextQueue.add(dep.getKey());
          }
        }
        if (clash != null) {
          fail(chosen.size() + 1, "conflict on " + clash);
          continue;
        }
        Map<String, Candidate> nextChosen = new LinkedHashMap<>(chosen);
        nextChosen.put(name, candidate);
        Map<String, Candidate> found = solve(nextChosen, next, nextQueue);
        if (found != null) {
          return found;
        }
      }
      return null;
    }

    private void fail(int depth, String message) {
      if (depth > failureDepth) {
        failureDepth = depth;
        failure = message;
      }
    }
  }

  private String noVersion(String name, List<Requirement> on, List<Candidate> all, List<Candidate> tooNew) {
    StringBuilder text = new StringBuilder();
    text.append("no version of '").append(name).append("' satisfies ").append(describe(on));
    TreeSet<Version> versions = new TreeSet<>();
    all.forEach(c -> versions.add(c.version()));
    text.append("; available: ").append(String.join(", ", versions.stream().map(Version::text).toList()));
    if (!tooNew.isEmpty()) {
      text.append("; excluded by the Nerve version ").append(nerveVersion).append(": ");
      text.append(String.join(", ", tooNew.stream().map(c -> c.version() + " needs Nerve " + c.nerveRange()).toList()));
    }
    return text.toString();
  }

  private static String describe(List<Requirement> on) {
    return String.join(" and ", on.stream().map(Requirement::describe).toList());
  }

  private static Map<String, List<Requirement>> copy(Map<String, List<Requirement>> constraints) {
    Map<String, List<Requirement>> copy = new LinkedHashMap<>();
    constraints.forEach((k, v) -> copy.put(k, new ArrayList<>(v)));
    return copy;
  }

  /** A cycle among the chosen packages as "a 1.0.0 -> b 1.0.0 -> a 1.0.0", or empty. */
  static List<String> cycle(Map<String, Candidate> chosen) {
    Map<String, Integer> state = new HashMap<>();
    for (String start : new TreeSet<>(chosen.keySet())) {
      List<String> path = new ArrayList<>();
      List<String> found = visit(start, chosen, state, path);
      if (!found.isEmpty()) {
        return found;
      }
    }
    return List.of();
  }

  private static List<String> visit(String name, Map<String, Candidate> chosen, Map<String, Integer> state, List<String> path) {
    Integer s = state.get(name);
    if (s != null && s == 2) {
      return List.of();
    }
    if (s != null && s == 1) {
      List<String> cycle = new ArrayList<>();
      for (String n : path.subList(path.indexOf(name), path.size())) {
        cycle.add(chosen.get(n).label());
      }
      cycle.add(chosen.get(name).label());
      return cycle;
    }
    state.put(name, 1);
    path.add(name);
    for (String dep : chosen.get(name).dependencies().keySet()) {
      List<String> found = visit(dep, chosen, state, path);
      if (!found.isEmpty()) {
        return found;
      }
    }
    path.remove(path.size() - 1);
    state.put(name, 2);
    return List.of();
  }

  /** Dependencies first; among packages that are ready at the same time, name order. */
  static List<Candidate> order(Map<String, Candidate> chosen) {
    List<Candidate> ordered = new ArrayList<>();
    Set<String> done = new LinkedHashSet<>();
    TreeMap<String, Candidate> left = new TreeMap<>(chosen);
    while (!left.isEmpty()) {
      String ready =
          left.values().stream()
              .filter(c -> done.containsAll(c.dependencies().keySet()))
              .map(Candidate::name)
              .findFirst()
              .orElseThrow(() -> new IllegalStateException("cycle among " + left.keySet()));
      ordered.add(left.remove(ready));
      done.add(ready);
    }
    return ordered;
  }

  private static Map<String, List<Requirement>> constraints(Map<String, Candidate> chosen, List<Requirement> roots) {
    Map<String, List<Requirement>> by = new TreeMap<>();
    roots.forEach(r -> by.computeIfAbsent(r.name(), k -> new ArrayList<>()).add(r));
    chosen.values().forEach(c -> c.dependencies().forEach((dep, range) ->
        by.computeIfAbsent(dep, k -> new ArrayList<>()).add(new Requirement(dep, range, c.label()))));
    return by;
  }
}
