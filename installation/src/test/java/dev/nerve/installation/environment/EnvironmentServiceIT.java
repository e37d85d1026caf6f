package dev.nerve.installation.environment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nerve.api.installation.v1.CheckEnvironmentRequest;
import dev.nerve.api.installation.v1.CheckStatus;
import dev.nerve.api.installation.v1.EnvironmentCheck;
import dev.nerve.api.installation.v1.EnvironmentServiceGrpc;
import dev.nerve.api.installation.v1.EnvironmentStatus;
import dev.nerve.api.installation.v1.VerificationResult;
import dev.nerve.api.installation.v1.VerifyEnvironmentRequest;
import dev.nerve.installation.InstallationTestApplication;
import dev.nerve.platform.error.ErrorCode;
import dev.nerve.platform.error.GrpcErrors;
import dev.nerve.platform.error.NerveException;
import dev.nerve.platform.grpc.ChannelFactory;
import dev.nerve.platform.target.Target;
import dev.nerve.platform.identity.Identity;
import dev.nerve.platform.identity.IdentityContext;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.ClientInterceptors;
import io.grpc.MethodDescriptor;
import io.grpc.StatusRuntimeException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.simple.JdbcClient;

@SpringBootTest(
    classes = InstallationTestApplication.class,
    webEnvironment = SpringBootTest.WebEnvironment.NONE,
    properties = {
      "nerve.targets=installation",
      // A configured target that is down: its health check must fail, nothing else.
      "nerve.services.memory.address=127.0.0.1:1"
    })
class EnvironmentServiceIT {

  @Autowired ChannelFactory channels;
  @Autowired JdbcClient jdbc;

  /** Services accept only signed identities: every call here is made as an operator. */
  private static final Identity OPERATOR = new Identity("default", "environment-it", Set.of("operator"));

  private EnvironmentServiceGrpc.EnvironmentServiceBlockingStub stub() {
    return EnvironmentServiceGrpc.newBlockingStub(
        ClientInterceptors.intercept(
            channels.channel(Target.INSTALLATION),
            new ClientInterceptor() {
              @Override
              public <Q, R> ClientCall<Q, R> interceptCall(
                  MethodDescriptor<Q, R> method, CallOptions options, Channel next) {
                return IdentityContext.callAs(OPERATOR, () -> next.newCall(method, options));
              }
            }));
  }

  /** Check statuses by id, in the order the service returned them. */
  private static Map<String, CheckStatus> statusById(List<EnvironmentCheck> checks) {
    return checks.stream()
        .collect(
            Collectors.toMap(
                EnvironmentCheck::getId, EnvironmentCheck::getStatus, (a, b) -> a, LinkedHashMap::new));
  }

  private long recordedRuns() {
    return jdbc.sql("SELECT count(*) FROM installation.check_run").query(Long.class).single();
  }

  /** The database's clock, to count the runs recorded after a moment (the history is trimmed). */
  private java.sql.Timestamp databaseNow() {
    return jdbc.sql("SELECT clock_timestamp()").query(java.sql.Timestamp.class).single();
  }

  private long runsSince(java.sql.Timestamp since) {
    return jdbc.sql("SELECT count(*) FROM installation.check_run WHERE ran_at >= ?")
        .param(since)
        .query(Long.class)
        .single();
  }

  @Test
  void checkReportsEveryRequirementAndFailsOnlyTheUnreachableTarget() {
    java.sql.Timestamp before = databaseNow();

    EnvironmentStatus status = stub().check(CheckEnvironmentRequest.getDefaultInstance());

    Map<String, CheckStatus> byId = statusById(status.getChecksList());
    assertThat(byId.keySet())
        .containsExactly(
            "java.version",
            "postgres.reachable",
            "postgres.migrations",
            "redis.reachable",
            "disk.free",
            "clock.skew",
            "security.master-key",
            "security.signing-keys",
            "memory.embedding",
            "sdk.extensions",
            "configuration.valid",
            "grpc.health.memory",
            "grpc.health.installation");
    // memory is configured but down: its health and its embedding model fail, nothing else.
    assertThat(byId.get("grpc.health.memory")).isEqualTo(CheckStatus.CHECK_STATUS_FAIL);
    assertThat(byId.get("memory.embedding")).isEqualTo(CheckStatus.CHECK_STATUS_FAIL);
    // No gateway in this process: its signing keys are checked where it runs.
    assertThat(byId.get("security.signing-keys")).isEqualTo(CheckStatus.CHECK_STATUS_SKIPPED);
    // No sdk system configured: no extensions to look at.
    assertThat(byId.get("sdk.extensions")).isEqualTo(CheckStatus.CHECK_STATUS_SKIPPED);
    byId.forEach(
        (id, s) -> {
          if (!List.of("grpc.health.memory", "memory.embedding", "security.signing-keys", "sdk.extensions", "disk.free").contains(id)) {
            assertThat(s).as(id).isEqualTo(CheckStatus.CHECK_STATUS_OK);
          }
        });
    assertThat(status.getOverall()).isEqualTo(CheckStatus.CHECK_STATUS_FAIL);
    Map<String, EnvironmentCheck> checks =
        status.getChecksList().stream().collect(Collectors.toMap(EnvironmentCheck::getId, c -> c));
    EnvironmentCheck memory = checks.get("grpc.health.memory");
    assertThat(memory.getGroup()).isEqualTo("services");
    assertThat(status.getChecks(0).getGroup()).isEqualTo("runtime");
    assertThat(checks.get("security.master-key").getGroup()).isEqualTo("security");
    assertThat(memory.getRemedy()).contains("nerve.services.memory.address");
    assertThat(memory.getDetail()).contains("reached at 127.0.0.1:1");
    assertThat(checks.get("grpc.health.installation").getDetail()).isEqualTo("installation is SERVING, reached in this process");
    assertThat(checks.get("memory.embedding").getDetail()).contains("at 127.0.0.1:1").contains("could not embed");
    assertThat(checks.get("memory.embedding").getRemedy()).contains("nerve.memory.embedding");
    assertThat(checks.get("security.signing-keys").getDetail()).contains("gateway does not run in this process");
    assertThat(status.getChecks(1).getDetail()).startsWith("PostgreSQL ");
    // memory's schema is in use (it is reached elsewhere) but its migrations are not in this build.
    assertThat(checks.get("postgres.migrations").getDetail())
        .containsPattern("installation v\\d+")
        .contains("memory (migrations not in this build; its own process checks them)");
    assertThat(status.getTargetsList()).containsExactly("installation");
    assertThat(runsSince(before)).isEqualTo(1);
  }

  @Test
  void aProcessWithAnotherMasterKeyFailsTheMasterKeyCheck() {
    stub().check(CheckEnvironmentRequest.newBuilder().addCheckIds("security.master-key").build());
    byte[] otherKey = new byte[32];
    new java.security.SecureRandom().nextBytes(otherKey);

    Finding finding = new MasterKeyProbe(new dev.nerve.platform.secrets.SecretBox(otherKey), jdbc, true).run();

    assertThat(finding.status()).isEqualTo(CheckStatus.CHECK_STATUS_FAIL);
    assertThat(finding.detail()).contains("not the key that sealed");
    assertThat(finding.remedy()).contains("NERVE_MASTER_KEY");
    assertThat(stub().check(CheckEnvironmentRequest.newBuilder().addCheckIds("security.master-key").build())
            .getChecks(0).getStatus())
        .isEqualTo(CheckStatus.CHECK_STATUS_OK);
  }

  @Test
  void checkRunsOnlyTheRequestedIds() {
    EnvironmentStatus status =
        stub().check(CheckEnvironmentRequest.newBuilder().addCheckIds("redis.reachable").build());

    assertThat(status.getChecksList()).extracting(EnvironmentCheck::getId).containsExactly("redis.reachable");
    assertThat(status.getOverall()).isEqualTo(CheckStatus.CHECK_STATUS_OK);
    assertThat(status.getChecks(0).getDetail()).startsWith("Redis ");
  }

  @Test
  void unknownCheckIdIsBadInputNamingTheFieldAndRecordsNothing() {
    java.sql.Timestamp before = databaseNow();

    assertThatThrownBy(
            () ->
                stub().check(
                        CheckEnvironmentRequest.newBuilder()
                            .addCheckIds("java.version")
                            .addCheckIds("no.such.check")
                            .build()))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> {
              NerveException error = GrpcErrors.fromStatus(e);
              assertThat(error.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT);
              assertThat(error.violations()).extracting("field").containsExactly("checkIds[1]");
            });
    assertThat(runsSince(before)).isZero();
  }

  @Test
  void tooManyCheckIdsAreRejected() {
    CheckEnvironmentRequest.Builder request = CheckEnvironmentRequest.newBuilder();
    for (int i = 0; i <= EnvironmentGrpcService.MAX_CHECK_IDS; i++) {
      request.addCheckIds("java.version");
    }

    assertThatThrownBy(() -> stub().check(request.build()))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> assertThat(GrpcErrors.fromStatus(e).violations()).extracting("rule").containsExactly("max"));
  }

  @Test
  void watchStreamsEachCheckInOrder() {
    Iterator<EnvironmentCheck> stream =
        stub().watchCheck(
                CheckEnvironmentRequest.newBuilder()
                    .addCheckIds("java.version")
                    .addCheckIds("postgres.reachable")
                    .build());
    List<String> ids = new ArrayList<>();
    stream.forEachRemaining(check -> ids.add(check.getId()));

    assertThat(ids).containsExactly("java.version", "postgres.reachable");
  }

  @Test
  void verifyWritesAndReadsBackWithoutLeavingProbes() {
    VerificationResult result = stub().verify(VerifyEnvironmentRequest.getDefaultInstance());

    Map<String, CheckStatus> byId = statusById(result.getChecksList());
    assertThat(byId)
        .containsEntry("postgres.roundtrip", CheckStatus.CHECK_STATUS_OK)
        .containsEntry("redis.roundtrip", CheckStatus.CHECK_STATUS_OK)
        // memory is configured but down: its smokes fail, naming the step and the address.
        .containsEntry("smoke.memory", CheckStatus.CHECK_STATUS_FAIL)
        .containsEntry("smoke.memory.context", CheckStatus.CHECK_STATUS_FAIL)
        // the other systems do not run: skipped, not failed.
        .containsEntry("smoke.automation", CheckStatus.CHECK_STATUS_SKIPPED)
        .containsEntry("smoke.sdk", CheckStatus.CHECK_STATUS_SKIPPED)
        .containsEntry("smoke.learning", CheckStatus.CHECK_STATUS_SKIPPED);
    List<String> ids = new ArrayList<>(byId.keySet());
    assertThat(ids.subList(ids.indexOf("postgres.roundtrip"), ids.size()))
        .containsExactly(
            "postgres.roundtrip", "redis.roundtrip", "smoke.memory", "smoke.memory.context", "smoke.automation",
            "smoke.sdk", "smoke.learning");
    EnvironmentCheck memory =
        result.getChecksList().stream().filter(c -> c.getId().equals("smoke.memory")).findFirst().orElseThrow();
    assertThat(memory.getDetail())
        .startsWith("the smoke did not run: memory at 127.0.0.1:1 is not answering (UNAVAILABLE)")
        .contains("grpc.health.memory");
    assertThat(memory.getRemedy()).contains("nerve.services.memory.address");
    assertThat(result.getOk()).isFalse(); // memory is configured but down
    assertThat(
            jdbc.sql("SELECT count(*) FROM installation.check_run WHERE overall = 'PROBE'")
                .query(Long.class)
                .single())
        .isZero();
  }

  @Test
  void verifyWithoutRoundTripsRunsOnlyTheChecks() {
    VerificationResult result =
        stub().verify(VerifyEnvironmentRequest.newBuilder().setSkipRoundTrip(true).build());

    assertThat(result.getChecksList())
        .extracting(EnvironmentCheck::getId)
        .contains("postgres.reachable")
        .noneMatch(id -> id.startsWith("smoke.") || id.endsWith(".roundtrip"));
  }

  @Test
  void concurrentChecksAllSucceedAndTheHistoryStaysTrimmed() throws Exception {
    CheckEnvironmentRequest request = CheckEnvironmentRequest.newBuilder().addCheckIds("java.version").build();
    // Fill the history past its limit first, so every run below also trims.
    for (int i = 0; i < CheckRunLog.KEEP; i++) {
      stub().check(request);
    }
    int callers = 8;
    java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(callers);
    try {
      List<java.util.concurrent.Future<?>> runs = new ArrayList<>();
      for (int c = 0; c < callers; c++) {
        runs.add(
            pool.submit(
                () -> {
                  for (int i = 0; i < 150; i++) {
                    stub().check(request);
                  }
                }));
      }
      for (java.util.concurrent.Future<?> run : runs) {
        run.get(); // a deadlock between two trims would surface here as INTERNAL
      }
    } finally {
      pool.shutdownNow();
    }
    stub().check(request);
    assertThat(recordedRuns()).isBetween((long) CheckRunLog.KEEP, (long) CheckRunLog.KEEP + callers);
  }
}
