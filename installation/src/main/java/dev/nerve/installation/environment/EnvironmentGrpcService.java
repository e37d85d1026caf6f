package dev.nerve.installation.environment;

import com.google.protobuf.util.Timestamps;
import dev.nerve.api.installation.v1.CheckEnvironmentRequest;
import dev.nerve.api.installation.v1.CheckStatus;
import dev.nerve.api.installation.v1.EnvironmentCheck;
import dev.nerve.api.installation.v1.EnvironmentServiceGrpc;
import dev.nerve.api.installation.v1.EnvironmentStatus;
import dev.nerve.api.installation.v1.SetupConfig;
import dev.nerve.api.installation.v1.SetupResult;
import dev.nerve.api.installation.v1.VerificationResult;
import dev.nerve.api.installation.v1.VerifyEnvironmentRequest;
import dev.nerve.installation.setup.FirstRunSetup;
import dev.nerve.platform.error.NerveException;
import dev.nerve.platform.target.TargetSelection;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** gRPC adapter for {@code installation.environment}: check, watch, verify, and setup ({@link FirstRunSetup}). */
final class EnvironmentGrpcService extends EnvironmentServiceGrpc.EnvironmentServiceImplBase {

  private static final Logger log = LoggerFactory.getLogger(EnvironmentGrpcService.class);
  static final int MAX_CHECK_IDS = 64;

  private final EnvironmentChecker checker;
  private final EnvironmentChecker roundTrips;
  private final CheckRunLog runLog;
  private final TargetSelection selection;
  private final String version;
  private final FirstRunSetup setup;

  EnvironmentGrpcService(
      EnvironmentChecker checker,
      EnvironmentChecker roundTrips,
      CheckRunLog runLog,
      TargetSelection selection,
      String version,
      FirstRunSetup setup) {
    this.setup = setup;
    this.checker = checker;
    this.roundTrips = roundTrips;
    this.runLog = runLog;
    this.selection = selection;
    this.version = version;
  }

  @Override
  public void check(CheckEnvironmentRequest request, StreamObserver<EnvironmentStatus> response) {
    List<String> ids = validIds(request);
    long start = System.nanoTime();
    List<EnvironmentCheck> checks = checker.run(ids, check -> {});
    EnvironmentStatus status = status(checks);
    runLog.record("check", status);
    log.info(
        "environment check finished: overall={} checks={} in {} ms",
        status.getOverall(),
        checks.size(),
        (System.nanoTime() - start) / 1_000_000);
    response.onNext(status);
    response.onCompleted();
  }

  @Override
  public void watchCheck(CheckEnvironmentRequest request, StreamObserver<EnvironmentCheck> response) {
    List<String> ids = validIds(request);
    ServerCallStreamObserver<EnvironmentCheck> stream =
        (ServerCallStreamObserver<EnvironmentCheck>) response;
    List<EnvironmentCheck> checks =
        checker.run(
            ids,
            check -> {
              if (!stream.isCancelled()) {
                stream.onNext(check);
              }
            });
    runLog.record("check", status(checks));
    if (!stream.isCancelled()) {
      stream.onCompleted();
    }
  }

  @Override
  public void setup(SetupConfig request, StreamObserver<SetupResult> response) {
    response.onNext(setup.run(request));
    response.onCompleted();
  }

  @Override
  public void verify(VerifyEnvironmentRequest request, StreamObserver<VerificationResult> response) {
    List<EnvironmentCheck> checks = new ArrayList<>(checker.run(List.of(), check -> {}));
    if (!request.getSkipRoundTrip()) {
      checks.addAll(roundTrips.run(List.of(), check -> {}));
    }
    EnvironmentStatus status = status(checks);
    runLog.record("verify", status);
    response.onNext(
        VerificationResult.newBuilder()
            .setOk(status.getOverall() != CheckStatus.CHECK_STATUS_FAIL)
            .addAllChecks(checks)
            .setVerifiedAt(status.getCheckedAt())
            .build());
    response.onCompleted();
  }

  private List<String> validIds(CheckEnvironmentRequest request) {
    List<String> ids = request.getCheckIdsList();
    if (ids.size() > MAX_CHECK_IDS) {
      throw NerveException.invalid("checkIds", "max", "at most " + MAX_CHECK_IDS + " ids");
    }
    List<String> known = checker.ids();
    for (int i = 0; i < ids.size(); i++) {
      if (!known.contains(ids.get(i))) {
        throw NerveException.invalid(
            "checkIds[" + i + "]", "known", "unknown check id; known ids: " + String.join(", ", known));
      }
    }
    return ids;
  }

  private EnvironmentStatus status(List<EnvironmentCheck> checks) {
    return EnvironmentStatus.newBuilder()
        .setOverall(EnvironmentChecker.overall(checks))
        .addAllChecks(checks)
        .setCheckedAt(Timestamps.now())
        .setNerveVersion(version)
        .addAllTargets(selection.ids())
        .build();
  }
}
