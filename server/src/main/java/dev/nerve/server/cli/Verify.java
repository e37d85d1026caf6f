package dev.nerve.server.cli;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.Durations;
import com.google.protobuf.util.JsonFormat;
import dev.nerve.api.installation.v1.CheckStatus;
import dev.nerve.api.installation.v1.EnvironmentCheck;
import dev.nerve.api.installation.v1.VerificationResult;
import dev.nerve.api.installation.v1.VerifyEnvironmentRequest;
import dev.nerve.platform.identity.Identity;
import io.grpc.StatusRuntimeException;
import java.io.PrintStream;
import java.util.Set;

/**
 * {@code nerve verify}: the installation system's live verification (every environment check plus
 * write-and-read-back round trips) as a terminal report with timings, exiting non-zero when
 * anything failed, so deploy scripts can gate on it.
 */
public final class Verify {

  /** The operator running the verification: an installation reader, nothing else. */
  private static final Identity VERIFIER = new Identity("default", "nerve-verify", Set.of("viewer"));

  private Verify() {}

  /** Runs the verification (here, or on {@code --server}) and prints it; returns the exit code. */
  public static int run(CommandLine line, PrintStream out) {
    if (!InstallationCall.canSign(line, out)) {
      return 1;
    }
    VerificationResult result;
    try {
      result = InstallationCall.call(line, VERIFIER, 60, stub -> stub.verify(VerifyEnvironmentRequest.getDefaultInstance()));
    } catch (StatusRuntimeException e) {
      out.println("[XX] Nerve did not answer: " + e.getStatus());
      return 1;
    } catch (RuntimeException e) {
      out.println("[XX] Nerve cannot start here: " + InstallationCall.rootMessage(e));
      out.println("    -> check NERVE_DATABASE_URL / NERVE_REDIS_URL and the data directory");
      return 1;
    }
    if (line.flag("--json")) {
      try {
        out.println(JsonFormat.printer().print(result));
      } catch (InvalidProtocolBufferException e) {
        throw new IllegalStateException(e);
      }
    } else {
      print(result, out);
    }
    return result.getOk() ? 0 : 1;
  }

  static void print(VerificationResult result, PrintStream out) {
    out.println("Nerve verify");
    int failed = 0;
    for (EnvironmentCheck check : result.getChecksList()) {
      if (check.getStatus() == CheckStatus.CHECK_STATUS_FAIL) {
        failed++;
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
            : "! Verification failed: " + failed + " of " + result.getChecksCount() + " checks failed");
  }
}
