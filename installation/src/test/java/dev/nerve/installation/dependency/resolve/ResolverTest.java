package dev.nerve.installation.dependency.resolve;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ResolverTest {

  /** A catalog written as "name version [dep range]... [@nerve range]" lines. */
  private static final class Catalog {
    final Map<String, List<Candidate>> byName = new HashMap<>();

    Catalog add(String name, String version, String... deps) {
      Map<String, VersionRange> ranges = new LinkedHashMap<>();
      String nerve = "";
      for (String dep : deps) {
        if (dep.startsWith("@")) {
          nerve = dep.substring(1);
        } else {
          String[] parts = dep.split(" ", 2);
          ranges.put(parts[0], VersionRange.parse(parts[1]));
        }
      }
      byName.computeIfAbsent(name, k -> new ArrayList<>())
          .add(new Candidate(name, Version.parse(version), ranges, VersionRange.parse(nerve), "0".repeat(64), name + ".zip", "test"));
      return this;
    }

    Resolver resolver() {
      return new Resolver(n -> byName.getOrDefault(n, List.of()), Version.parse("1.5.0"), 100_000);
    }
  }

  private static Requirement want(String name, String range) {
    return new Requirement(name, VersionRange.parse(range), "request");
  }

  private static Map<String, String> versions(Resolution resolution) {
    Map<String, String> out = new LinkedHashMap<>();
    resolution.ordered().forEach(c -> out.put(c.name(), c.version().text()));
    return out;
  }

  @Test
  void diamondPicksTheNewestSharedVersionAndOrdersDependenciesFirst() {
    Catalog catalog = new Catalog()
        .add("app", "1.0.0", "left ^1.0", "right ^1.0")
        .add("left", "1.0.0", "base >=1.1.0")
        .add("right", "1.0.0", "base <1.3.0")
        .add("base", "1.0.0").add("base", "1.1.0").add("base", "1.2.5").add("base", "1.3.0");
    Resolution resolution = catalog.resolver().resolve(List.of(want("app", "^1")), Map.of());
    assertThat(versions(resolution)).containsExactly(
        Map.entry("base", "1.2.5"), Map.entry("left", "1.0.0"), Map.entry("right", "1.0.0"), Map.entry("app", "1.0.0"));
    assertThat(resolution.requiredBy().get("base")).extracting(Requirement::by).containsExactly("left 1.0.0", "right 1.0.0");
  }

  @Test
  void backtracksToAnOlderVersionWhenTheNewestClashes() {
    Catalog catalog = new Catalog()
        .add("a", "2.0.0", "c ^2.0").add("a", "1.0.0", "c ^1.0")
        .add("b", "1.0.0", "c ^1.0")
        .add("c", "1.4.0").add("c", "2.0.0");
    Resolution resolution = catalog.resolver().resolve(List.of(want("a", "*"), want("b", "*")), Map.of());
    assertThat(versions(resolution)).containsEntry("a", "1.0.0").containsEntry("c", "1.4.0");
  }

  @Test
  void conflictNamesBothRequirements() {
    Catalog catalog = new Catalog()
        .add("a", "1.0.0", "c ^1.0")
        .add("b", "1.0.0", "c ^2.0")
        .add("c", "1.4.0").add("c", "2.0.0");
    assertThatThrownBy(() -> catalog.resolver().resolve(List.of(want("a", "^1"), want("b", "^1")), Map.of()))
        .isInstanceOf(ResolutionException.class)
        .hasMessageContaining("'c'")
        .hasMessageContaining("a 1.0.0 requires ^1.0")
        .hasMessageContaining("b 1.0.0 requires ^2.0");
  }

  @Test
  void missingPackageAndMissingVersionAreExplained() {
    Catalog catalog = new Catalog().add("a", "1.0.0", "ghost ^1.0").add("b", "1.0.0").add("b", "1.1.0");
    assertThatThrownBy(() -> catalog.resolver().resolve(List.of(want("a", "*")), Map.of()))
        .hasMessage("no package source offers 'ghost' (a 1.0.0 requires ^1.0)");
    assertThatThrownBy(() -> catalog.resolver().resolve(List.of(want("b", "^2.0")), Map.of()))
        .hasMessage("no version of 'b' satisfies request requires ^2.0; available: 1.0.0, 1.1.0");
  }

  @Test
  void nerveVersionExcludesCandidatesAndSaysSo() {
    Catalog catalog = new Catalog().add("a", "1.0.0", "@<1.0.0").add("a", "2.0.0", "@>=2.0.0");
    assertThatThrownBy(() -> catalog.resolver().resolve(List.of(want("a", "*")), Map.of()))
        .hasMessageContaining("excluded by the Nerve version 1.5.0")
        .hasMessageContaining("2.0.0 needs Nerve >=2.0.0")
        .hasMessageContaining("1.0.0 needs Nerve <1.0.0");
    catalog.add("a", "1.5.0", "@^1.0");
    assertThat(versions(catalog.resolver().resolve(List.of(want("a", "*")), Map.of()))).containsEntry("a", "1.5.0");
  }

  @Test
  void cyclesAreRefusedAndNamed() {
    Catalog catalog = new Catalog().add("a", "1.0.0", "b ^1").add("b", "1.0.0", "a ^1").add("s", "1.0.0", "s ^1");
    assertThatThrownBy(() -> catalog.resolver().resolve(List.of(want("a", "*")), Map.of()))
        .hasMessage("dependency cycle: a 1.0.0 -> b 1.0.0 -> a 1.0.0");
    assertThatThrownBy(() -> catalog.resolver().resolve(List.of(want("s", "*")), Map.of()))
        .hasMessage("dependency cycle: s 1.0.0 -> s 1.0.0");
    catalog.add("b", "1.1.0");
    assertThat(versions(catalog.resolver().resolve(List.of(want("a", "*")), Map.of()))).containsEntry("b", "1.1.0");
  }

  @Test
  void preferredVersionIsKeptWhileItSatisfies() {
    Catalog catalog = new Catalog().add("a", "1.0.0").add("a", "1.2.0");
    assertThat(versions(catalog.resolver().resolve(List.of(want("a", "^1")), Map.of("a", Version.parse("1.0.0")))))
        .containsEntry("a", "1.0.0");
    assertThat(versions(catalog.resolver().resolve(List.of(want("a", "^1.1")), Map.of("a", Version.parse("1.0.0")))))
        .containsEntry("a", "1.2.0");
  }

  @Test
  void aHostileCatalogHitsTheStepLimit() {
    Catalog catalog = new Catalog();
    for (int p = 0; p < 12; p++) {
      for (int v = 0; v < 6; v++) {
        catalog.add("p" + p, v + ".0.0", p < 11 ? "p" + (p + 1) + " *" : "never ^9");
      }
    }
    Resolver small = new Resolver(n -> catalog.byName.getOrDefault(n, List.of()), Version.parse("1.0.0"), 500);
    assertThatThrownBy(() -> small.resolve(List.of(want("p0", "*")), Map.of())).hasMessageContaining("gave up after 500");
  }

  /** Seeded random catalogs: the resolver succeeds exactly when brute force finds a valid set. */
  @Test
  void agreesWithBruteForce() {
    String[] names = {"a", "b", "c", "d"};
    String[] ranges = {"*", "^1.0", "^2.0", ">=1.1.0", "<1.1.0", "1.0.0", "~2.1.0", ">=1.0.0 <2.1.0"};
    String[] versions = {"1.0.0", "1.1.0", "2.0.0", "2.1.0"};
    String[] nerve = {"", "", "", ">=2.0.0"};
    int solvable = 0;
    for (int seed = 0; seed < 3000; seed++) {
      Random random = new Random(seed);
      Catalog catalog = new Catalog();
      for (String name : names) {
        int count = random.nextInt(4);
        List<String> picked = new ArrayList<>(List.of(versions));
        java.util.Collections.shuffle(picked, random);
        for (String version : picked.subList(0, count)) {
          List<String> deps = new ArrayList<>();
          for (String other : names) {
            if (random.nextInt(4) == 0) {
              deps.add(other + " " + ranges[random.nextInt(ranges.length)]);
            }
          }
          deps.add("@" + nerve[random.nextInt(nerve.length)]);
          catalog.add(name, version, deps.toArray(String[]::new));
        }
      }
      List<Requirement> roots = new ArrayList<>();
      roots.add(want(names[random.nextInt(4)], ranges[random.nextInt(ranges.length)]));
      if (random.nextBoolean()) {
        roots.add(want(names[random.nextInt(4)], ranges[random.nextInt(ranges.length)]));
      }
      boolean exists = bruteForce(catalog, names, roots);
      Resolution found = null;
      try {
        found = catalog.resolver().resolve(roots, Map.of());
      } catch (ResolutionException e) {
        assertThat(e.getMessage()).isNotBlank();
      }
      assertThat(found != null).as("seed %d roots %s", seed, roots).isEqualTo(exists);
      solvable += exists ? 1 : 0;
      if (found != null) {
        Map<String, Candidate> chosen = new HashMap<>();
        found.ordered().forEach(c -> chosen.put(c.name(), c));
        assertThat(valid(chosen, roots)).as("seed %d", seed).isTrue();
      }
    }
    // Both outcomes are common, so the comparison proves something either way.
    assertThat(solvable).isBetween(300, 2700);
  }

  private static boolean bruteForce(Catalog catalog, String[] names, List<Requirement> roots) {
    int[] choice = new int[names.length];
    while (true) {
      Map<String, Candidate> chosen = new HashMap<>();
      for (int i = 0; i < names.length; i++) {
        if (choice[i] > 0) {
          chosen.put(names[i], catalog.byName.get(names[i]).get(choice[i] - 1));
        }
      }
      if (valid(chosen, roots)) {
        return true;
      }
      int i = 0;
      while (i < names.length) {
        choice[i]++;
        if (choice[i] <= catalog.byName.getOrDefault(names[i], List.of()).size()) {
          break;
        }
        choice[i] = 0;
        i++;
      }
      if (i == names.length) {
        return false;
      }
    }
  }

  private static boolean valid(Map<String, Candidate> chosen, List<Requirement> roots) {
    Version nerve = Version.parse("1.5.0");
    for (Requirement root : roots) {
      Candidate c = chosen.get(root.name());
      if (c == null || !root.range().matches(c.version())) {
        return false;
      }
    }
    for (Candidate c : chosen.values()) {
      if (!c.nerveRange().matches(nerve)) {
        return false;
      }
      for (Map.Entry<String, VersionRange> dep : c.dependencies().entrySet()) {
        Candidate d = chosen.get(dep.getKey());
        if (d == null || !dep.getValue().matches(d.version())) {
          return false;
        }
      }
    }
    return Resolver.cycle(chosen).isEmpty();
  }
}
