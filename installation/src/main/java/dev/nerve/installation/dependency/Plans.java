package dev.nerve.installation.dependency;

import dev.nerve.api.installation.v1.DependencyPlan;
import dev.nerve.api.installation.v1.PlanAction;
import dev.nerve.installation.dependency.resolve.Candidate;
import dev.nerve.installation.dependency.resolve.Resolution;
import dev.nerve.installation.dependency.resolve.Version;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Turns a resolution into the steps that reach it from the lock: packages in dependency order
 * (install, upgrade, downgrade or keep), then packages no longer needed, dependents first.
 */
final class Plans {

  private Plans() {}

  static List<PlanStep> of(Map<String, LockedPackage> current, Resolution resolution, Map<String, String> requested) {
    List<PlanStep> steps = new ArrayList<>();
    for (Candidate to : resolution.ordered()) {
      LockedPackage from = current.get(to.name());
      PlanAction action;
      if (from == null) {
        action = PlanAction.PLAN_ACTION_INSTALL;
      } else {
        int c = to.version().compareTo(Version.parse(from.version()));
        action = c > 0 ? PlanAction.PLAN_ACTION_UPGRADE
            : c < 0 ? PlanAction.PLAN_ACTION_DOWNGRADE
            : to.sha256().equals(from.sha256()) ? PlanAction.PLAN_ACTION_KEEP : PlanAction.PLAN_ACTION_UPGRADE;
      }
      List<String> by = resolution.requiredBy().getOrDefault(to.name(), List.of()).stream()
          .map(r -> r.by().equals("request") ? "request (" + r.range() + ")" : r.by() + " (" + r.range() + ")")
          .toList();
      steps.add(new PlanStep(to.name(), action, from, to, requested.get(to.name()), by));
    }
    List<LockedPackage> gone = new ArrayList<>(
        current.values().stream().filter(p -> resolution.chosen(p.name()) == null).toList());
    steps.addAll(removals(current, gone.stream().map(LockedPackage::name).toList(), List.of()));
    return steps;
  }

  /** Removal steps for {@code names}, every dependent before what it depends on. */
  static List<PlanStep> removals(Map<String, LockedPackage> current, List<String> names, List<String> reasons) {
    List<PlanStep> steps = new ArrayList<>();
    List<String> left = new ArrayList<>(names.stream().sorted().toList());
    while (!left.isEmpty()) {
      String next = left.stream()
          .filter(n -> left.stream().noneMatch(o -> !o.equals(n) && current.get(o).requires().containsKey(n)))
          .findFirst()
          .orElse(left.get(0));
      left.remove(next);
      steps.add(new PlanStep(next, PlanAction.PLAN_ACTION_REMOVE, current.get(next), null, null, reasons));
    }
    return steps;
  }

  static DependencyPlan proto(List<PlanStep> steps, boolean dryRun) {
    return DependencyPlan.newBuilder().addAllChanges(steps.stream().map(PlanStep::proto).toList()).setDryRun(dryRun).build();
  }
}
