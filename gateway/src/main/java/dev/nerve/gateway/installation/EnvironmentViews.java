package dev.nerve.gateway.installation;

import com.google.protobuf.util.Durations;
import com.google.protobuf.util.Timestamps;
import dev.nerve.api.installation.v1.CheckStatus;
import dev.nerve.api.installation.v1.EnvironmentCheck;
import dev.nerve.api.installation.v1.EnvironmentStatus;
import dev.nerve.api.installation.v1.VerificationResult;
import java.time.Instant;
import java.util.List;

/** Client-facing shapes of environment results, shared by GraphQL and REST. */
final class EnvironmentViews {

  private EnvironmentViews() {}

  /** Result of one check. */
  enum Status {
    OK,
    WARN,
    FAIL;

    static Status of(CheckStatus status) {
      return switch (status) {
        case CHECK_STATUS_OK -> OK;
        case CHECK_STATUS_WARN -> WARN;
        default -> FAIL;
      };
    }
  }

  /**
   * One environment check.
   *
   * @param id stable check id
   * @param title short title
   * @param status OK, WARN or FAIL
   * @param detail what was found
   * @param remedy what to do, null when OK
   * @param durationMs how long the check took
   */
  record Check(String id, String title, Status status, String detail, String remedy, double durationMs) {
    static Check of(EnvironmentCheck check) {
      return new Check(
          check.getId(),
          check.getTitle(),
          Status.of(check.getStatus()),
          check.getDetail(),
          check.getRemedy().isEmpty() ? null : check.getRemedy(),
          Durations.toNanos(check.getDuration()) / 1_000_000.0);
    }
  }

  /**
   * All checks and the worst of them.
   *
   * @param overall worst status
   * @param checks every check in a stable order
   * @param checkedAt when the checks ran
   * @param nerveVersion version of the answering build
   * @param targets targets of the answering process
   */
  record StatusView(
      Status overall, List<Check> checks, Instant checkedAt, String nerveVersion, List<String> targets) {
    static StatusView of(EnvironmentStatus status) {
      return new StatusView(
          Status.of(status.getOverall()),
          status.getChecksList().stream().map(Check::of).toList(),
          Instant.ofEpochMilli(Timestamps.toMillis(status.getCheckedAt())),
          status.getNerveVersion(),
          List.copyOf(status.getTargetsList()));
    }
  }

  /**
   * Whether the installation works end to end.
   *
   * @param ok true when nothing failed
   * @param checks checks and round-trip probes
   * @param verifiedAt when verification ran
   */
  record Verification(boolean ok, List<Check> checks, Instant verifiedAt) {
    static Verification of(VerificationResult result) {
      return new Verification(
          result.getOk(),
          result.getChecksList().stream().map(Check::of).toList(),
          Instant.ofEpochMilli(Timestamps.toMillis(result.getVerifiedAt())));
    }
  }
}
