package dev.nerve.server.cli;

import dev.nerve.api.installation.v1.CheckEnvironmentRequest;
import dev.nerve.api.installation.v1.CheckStatus;
import dev.nerve.api.installation.v1.EnvironmentCheck;
import dev.nerve.api.installation.v1.EnvironmentStatus;
import dev.nerve.platform.identity.Identity;
import java.io.PrintStream;
import java.util.Set;

/**
 * {@code nerve doctor}: the environment checks as a terminal report, one line per check and a
 * summary, exiting non-zero when anything failed.
 */
public final class Doctor {

  /** The operator running the doctor: reads environment checks, nothing else. */
  private static final Identity DOCTOR = new Identity("default", "nerve-doctor", Set.of("viewer"));

  private Doctor() {}

  /** Runs the checks (here, or on {@code --server}) and prints them; returns the exit code. */
  public static int run(CommandLine line, PrintStream out) {
    return InstallationCall.report(
        line,
        out,
        DOCTOR,
        30,
        stub -> stub.check(CheckEnvironmentRequest.getDefaultInstance()),
        Doctor::print,
        status -> status.getOverall() == CheckStatus.CHECK_STATUS_FAIL);
  }

  static void print(EnvironmentStatus status, PrintStream out) {
    out.println(
        "Nerve doctor (version " + status.getNerveVersion() + ", targets: "
            + String.join(",", status.getTargetsList()) + ")");
    int ok = 0;
    int warn = 0;
    int fail = 0;
    int skipped = 0;
    for (EnvironmentCheck check : status.getChecksList()) {
      switch (check.getStatus()) {
        case CHECK_STATUS_OK -> ok++;
        case CHECK_STATUS_WARN -> warn++;
        case CHECK_STATUS_SKIPPED -> skipped++;
        default -> fail++;
      }
      out.println(mark(check.getStatus()) + " " + check.getTitle() + ": " + check.getDetail());
      if (!check.getRemedy().isEmpty()) {
        out.println("    -> " + check.getRemedy());
      }
    }
    out.println();
    out.println(
        (fail > 0 ? "! Doctor found issues: " : "Doctor summary: ")
            + ok + " ok, " + warn + " warning" + (warn == 1 ? "" : "s") + ", " + fail + " failed"
            + (skipped > 0 ? ", " + skipped + " skipped" : ""));
  }

  static String mark(CheckStatus status) {
    return switch (status) {
      case CHECK_STATUS_OK -> "[ok]";
      case CHECK_STATUS_WARN -> "[!!]";
      case CHECK_STATUS_SKIPPED -> "[--]";
      default -> "[XX]";
    };
  }
}
