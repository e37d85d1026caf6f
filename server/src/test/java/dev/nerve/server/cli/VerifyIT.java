package dev.nerve.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nerve.platform.NerveProperties;
import dev.nerve.platform.grpc.GrpcServers;
import dev.nerve.server.NerveApplication;
import dev.nerve.testing.TestServers;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code nerve verify}: checks, round trips and the systems' smokes with timings, and an exit code
 * scripts can trust.
 */
class VerifyIT {

  private record Run(int exitCode, String output) {}

  private static Run verify(String... extra) {
    List<String> args = new ArrayList<>(TestServers.applicationArguments());
    args.addAll(List.of(extra));
    return run(args);
  }

  private static Run run(List<String> arguments) {
    List<String> args = new ArrayList<>(List.of("verify"));
    args.addAll(arguments);
    ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    int code = Verify.run(CommandLine.parse(args.toArray(String[]::new)), new PrintStream(buffer, true, StandardCharsets.UTF_8));
    return new Run(code, buffer.toString(StandardCharsets.UTF_8));
  }

  @Test
  void aHealthyInstallationVerifiesAndExitsZero() {
    Run run = verify();

    assertThat(run.exitCode()).as(run.output()).isZero();
    assertThat(run.output())
        .containsPattern("\\[ok\\] PostgreSQL write and read back: .* \\(\\d+ ms\\)")
        .containsPattern("\\[ok\\] Redis write and read back: .* \\(\\d+ ms\\)")
        // The command runs the installation target alone: every other system's smoke is skipped.
        .containsPattern("\\[--\\] Memory stores and finds a memory: the memory system does not run here.* \\(\\d+ ms\\)")
        .contains("[--] Learning trains and predicts a tiny model: the learning system does not run here")
        .containsPattern("Verified: \\d+ checks, none failed \\(\\d+ skipped\\)");
  }

  /**
   * Against a running server with every target, the smokes run there: each system's line is OK
   * with its timing (the SDK's is skipped: that server's outbound allowlist does not allow loopback).
   */
  @Test
  void aRunningServerWithEveryTargetPrintsEachSystemsSmoke() {
    List<String> args = new ArrayList<>();
    TestServers.applicationProperties(TestServers.isolatedDatabase()).forEach((k, v) -> args.add("--" + k + "=" + v));
    args.add("--nerve.targets=all");
    args.add("--server.port=0");
    try (ConfigurableApplicationContext server =
        new SpringApplicationBuilder(NerveApplication.class).run(args.toArray(String[]::new))) {
      int port = server.getBean(GrpcServers.class).port();
      Path dataDir = server.getBean(NerveProperties.class).dataDir();

      // As an operator on the server's machine: the calls are signed with the secret in its data directory.
      Run run = run(List.of("--server=localhost:" + port, "--nerve.data-dir=" + dataDir));

      assertThat(run.exitCode()).as(run.output()).isZero();
      assertThat(run.output())
          .containsPattern("\\[ok\\] Memory stores and finds a memory: stored a memory .* in this process \\(\\d+ ms\\)")
          .containsPattern("\\[ok\\] Context gets and updates: .* \\(\\d+ ms\\)")
          .containsPattern("\\[ok\\] Automation runs a one-step workflow: .* \\(\\d+ ms\\)")
          .containsPattern("\\[ok\\] Learning trains and predicts a tiny model: .* \\(\\d+ ms\\)")
          .contains("[--] SDK calls an allowlisted loopback endpoint: 127.0.0.1:")
          .contains("is not on the outbound allowlist")
          .contains("Verified: ");
    }
  }

  @Test
  void jsonOutputIsMachineReadable() {
    Run run = verify("--json");

    JsonNode result = JsonMapper.builder().build().readTree(run.output());
    assertThat(run.exitCode()).isZero();
    assertThat(result.get("ok").asBoolean()).isTrue();
    assertThat(result.get("checks").findValuesAsString("id")).contains("postgres.roundtrip", "redis.roundtrip");
  }

  @Test
  void anUnreachableConfiguredTargetFailsTheVerificationWithExitOne() {
    Run run = verify("--nerve.services.memory.address=127.0.0.1:1");

    assertThat(run.exitCode()).as(run.output()).isEqualTo(1);
    assertThat(run.output())
        .contains("[XX] gRPC health of memory")
        .contains("[XX] Memory stores and finds a memory: the smoke did not run: memory at 127.0.0.1:1 is not answering")
        .contains("[--] Automation runs a one-step workflow: the automation system does not run here")
        .contains("! Verification failed: ");
  }

  @Test
  void anUnreachableServerIsReportedNotThrown() {
    Run run = verify("--server=127.0.0.1:1", "--nerve.internal.secret=" + "s".repeat(32));

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.output()).startsWith("[XX] Nerve did not answer: ");
  }
}
