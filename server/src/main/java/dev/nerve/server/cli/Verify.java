package dev.nerve.server.cli;

import com.google.protobuf.util.Durations;
import dev.nerve.api.installation.v1.CheckStatus;
import dev.nerve.api.installation.v1.EnvironmentCheck;
import dev.nerve.api.installation.v1.VerificationResult;
import dev.nerve.api.installation.v1.VerifyEnvironmentRequest;
import dev.nerve.platform.identity.Identity;
import java.io.PrintStream;
import java.util.Set;

/**
 * {@code nerve verify}: the installation system's live verification (every environment check,
 * write-and-read-back round trips and a smoke of every running system) as a terminal report with
 * timings, exiting non-zero when anything failed, so deploy scripts can gate on it.
 */
public final class Verify {

  /** The operator running the verification: an installation reader, nothing else. */
  private static final Identity VERIFIER = new Identity("default", "nerve-verify", Set.of("viewer"));

  private Verify() {}

  /** Runs the verification (here, or on {@code --server}) and prints it; returns the exit code. */
  public static int run(CommandLine line, PrintStream out) {
    return InstallationCall.report(
        line,
        out,
        VERIFIER,
        60,
        stub -> stub.verify(VerifyEnvironmentRequest.getDefaultInstance()),
        Verify::print,
        result -> !result.getOk());
  }

  static void print(VerificationResult result, PrintStream out) {
    out.println("Nerve verify");
    int failed = 0;
    int skipped = 0;
    for (EnvironmentCheck check : result.getChecksList()) {
      if (check.getStatus() == CheckStatus.CHECK_STATUS_FAIL) {
        failed++;
      } else if (check.getStatus() == CheckStatus.CHECK_STATUS_SKIPPED) {
        skipped++;
      }
      out.println(
          Doctor.mark(check.getStatus()) + " " + check.getTitle() + ": " + check.getDetail() + " ("
              + Durations.toMillis(check.getDuration()) + " ms)");
      if (!check.getRemedy().isEmpty()) {
        out.println("    -> " + check.getRemedy());
      }
    }
    out.println();
    out.println(
        result.getOk()
            ? "Verified: " + result.getChecksCount() + " checks, none failed"
                + (skipped > 0 ? " (" + skipped + " skipped)" : "")
            : "! Verification failed: " + failed + " of " + result.getChecksCount() + " checks failed");
  }
}
