package dev.nerve.installation.environment;

import com.google.protobuf.util.Durations;
import dev.nerve.api.installation.v1.CheckStatus;
import dev.nerve.api.installation.v1.EnvironmentCheck;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Runs probes in a stable order and turns each outcome, even a crash, into a check result. */
final class EnvironmentChecker {

  private static final Logger log = LoggerFactory.getLogger(EnvironmentChecker.class);

  private final Supplier<List<Probe>> probes;
  private final MeterRegistry meters;

  /** @param probes supplies the probes for each run (target routes may differ between runs) */
  EnvironmentChecker(Supplier<List<Probe>> probes) {
    this(probes, new SimpleMeterRegistry());
  }

  /** @param meters where {@code nerve.installation.checks} counts each result by check and status */
  EnvironmentChecker(Supplier<List<Probe>> probes, MeterRegistry meters) {
    this.probes = probes;
    this.meters = meters;
  }

  /** Runs the probes whose ids are listed (all when empty), handing each result to {@code sink}. */
  List<EnvironmentCheck> run(Collection<String> ids, Consumer<EnvironmentCheck> sink) {
    List<EnvironmentCheck> results = new ArrayList<>();
    for (Probe probe : probes.get()) {
      if (!ids.isEmpty() && !ids.contains(probe.id())) {
        continue;
      }
      EnvironmentCheck check = run(probe);
      Counter.builder("nerve.installation.checks")
          .baseUnit("checks")
          .description("Environment check results, by check and status (ok, warn, fail, skipped): failures are status=fail")
          .tag("check", check.getId())
          .tag("status", status(check.getStatus()))
          .register(meters)
          .increment();
      results.add(check);
      sink.accept(check);
    }
    return results;
  }

  /** Ids of every probe, for validating requests. */
  List<String> ids() {
    return probes.get().stream().map(Probe::id).toList();
  }

  private static EnvironmentCheck run(Probe probe) {
    long start = System.nanoTime();
    Finding finding;
    try {
      finding = probe.run();
    } catch (Exception e) {
      log.warn("environment check {} crashed", probe.id(), e);
      finding = Finding.fail(
          "the check itself failed: " + PostgresProbe.rootMessage(e), "see the server log for details");
    }
    return EnvironmentCheck.newBuilder()
        .setId(probe.id())
        .setGroup(probe.group())
        .setTitle(probe.title())
        .setStatus(finding.status())
        .setDetail(finding.detail())
        .setRemedy(finding.remedy())
        .setDuration(Durations.fromNanos(System.nanoTime() - start))
        .build();
  }

  private static String status(CheckStatus status) {
    return switch (status) {
      case CHECK_STATUS_OK -> "ok";
      case CHECK_STATUS_WARN -> "warn";
      case CHECK_STATUS_SKIPPED -> "skipped";
      default -> "fail";
    };
  }

  /** Worst status among checks (a skipped check counts as OK); OK for none. */
  static CheckStatus overall(List<EnvironmentCheck> checks) {
    CheckStatus worst = CheckStatus.CHECK_STATUS_OK;
    for (EnvironmentCheck check : checks) {
      if (check.getStatus() != CheckStatus.CHECK_STATUS_SKIPPED && check.getStatusValue() > worst.getNumber()) {
        worst = check.getStatus();
      }
    }
    return worst;
  }
}
