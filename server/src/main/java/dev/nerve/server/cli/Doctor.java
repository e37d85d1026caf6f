package dev.nerve.server.cli;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import dev.nerve.api.installation.v1.CheckEnvironmentRequest;
import dev.nerve.api.installation.v1.CheckStatus;
import dev.nerve.api.installation.v1.EnvironmentCheck;
import dev.nerve.api.installation.v1.EnvironmentStatus;
import dev.nerve.platform.identity.Identity;
import io.grpc.StatusRuntimeException;
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
    if (!InstallationCall.canSign(line, out)) {
      return 1;
    }
    EnvironmentStatus status;
    try {
      status = InstallationCall.call(line, DOCTOR, 30, stub -> stub.check(CheckEnvironmentRequest.getDefaultInstance()));
    } catch (StatusRuntimeException e) {
      out.println("[XX] Nerve did not answer: " + e.getStatus());
      return 1;
    } catch (RuntimeException e) {
      // Startup itself failed (e.g. PostgreSQL unreachable): that is the finding.
      out.println("[XX] Nerve cannot start here: " + InstallationCall.rootMessage(e));
      out.println("    -> check NERVE_DATABASE_URL / NERVE_REDIS_URL and the data directory");
      return 1;
    }
    if (line.flag("--json")) {
      try {
        out.println(JsonFormat.printer().print(status));
      } catch (InvalidProtocolBufferException e) {
        throw new IllegalStateException(e);
      }
    } else {
      print(status, out);
    }
    return status.getOverall() == CheckStatus.CHECK_STATUS_FAIL ? 1 : 0;
  }

  static void print(EnvironmentStatus status, PrintStream out) {
    out.println(
        "Nerve doctor (version " + status.getNerveVersion() + ", targets: "
            + String.join(",", status.getTargetsList()) + ")");
    int ok = 0;
    int warn = 0;
    int fail = 0;
    for (EnvironmentCheck check : status.getChecksList()) {
      switch (check.getStatus()) {
        case CHECK_STATUS_OK -> ok++;
        case CHECK_STATUS_WARN -> warn++;
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
            + ok + " ok, " + warn + " warning" + (warn == 1 ? "" : "s") + ", " + fail + " failed");
  }

  static String mark(CheckStatus status) {
    return switch (status) {
      case CHECK_STATUS_OK -> "[ok]";
      case CHECK_STATUS_WARN -> "[!!]";
      default -> "[XX]";
    };
  }
}
