package dev.nerve.installation.dependency;

import dev.nerve.api.installation.v1.PlanAction;
import dev.nerve.api.installation.v1.PlannedChange;
import dev.nerve.installation.dependency.resolve.Candidate;
import java.util.List;

/**
 * One package in a plan: what is installed ({@code from}, null when nothing), what will be
 * ({@code to}, null when removed) and the range it is requested with afterwards (null when only a
 * dependency).
 */
record PlanStep(String name, PlanAction action, LockedPackage from, Candidate to, String requestedRange, List<String> requiredBy) {

  PlanStep {
    requiredBy = List.copyOf(requiredBy);
  }

  boolean loads() {
    return action == PlanAction.PLAN_ACTION_INSTALL
        || action == PlanAction.PLAN_ACTION_UPGRADE
        || action == PlanAction.PLAN_ACTION_DOWNGRADE;
  }

  String label() {
    return to != null ? to.label() : from.name() + " " + from.version();
  }

  PlannedChange proto() {
    PlannedChange.Builder change = PlannedChange.newBuilder().setName(name).setAction(action).addAllRequiredBy(requiredBy);
    if (from != null) {
      change.setFromVersion(from.version());
    }
    if (to != null) {
      change.setToVersion(to.version().text()).setSource(to.source()).setChecksumSha256(to.sha256());
    }
    return change.build();
  }
}
