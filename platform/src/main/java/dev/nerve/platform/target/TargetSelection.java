package dev.nerve.platform.target;

import java.util.Arrays;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/** The targets this process runs, parsed from {@code nerve.targets} ("all" or a comma list). */
public record TargetSelection(Set<Target> targets) {

  public TargetSelection {
    if (targets.isEmpty()) {
      throw new IllegalArgumentException("at least one target must be selected");
    }
    targets = Collections.unmodifiableSet(EnumSet.copyOf(targets));
  }

  /** Parses "all", "gateway,memory" or a blank value (meaning all). */
  public static TargetSelection parse(String value) {
    if (value == null || value.isBlank()) {
      return all();
    }
    EnumSet<Target> selected = EnumSet.noneOf(Target.class);
    for (String part : value.split(",")) {
      if (part.isBlank()) {
        continue;
      }
      if (part.trim().equalsIgnoreCase(Target.ALL)) {
        selected.addAll(EnumSet.allOf(Target.class));
        continue;
      }
      selected.add(
          Target.fromId(part)
              .orElseThrow(
                  () ->
                      new IllegalArgumentException(
                          "unknown target '"
                              + part.trim()
                              + "'; known targets: all, "
                              + Arrays.stream(Target.values())
                                  .map(Target::id)
                                  .collect(Collectors.joining(", ")))));
    }
    return new TargetSelection(selected);
  }

  /** Every target in one process. */
  public static TargetSelection all() {
    return new TargetSelection(EnumSet.allOf(Target.class));
  }

  /** Whether the target runs in this process. */
  public boolean runs(Target target) {
    return targets.contains(target);
  }

  /** Target names in declaration order, for logs and status output. */
  public List<String> ids() {
    return targets.stream().map(Target::id).toList();
  }

  /** Whether any target that serves gRPC (every target but the gateway) runs here. */
  public boolean servesGrpc() {
    return targets.stream().anyMatch(t -> t != Target.GATEWAY);
  }
}
