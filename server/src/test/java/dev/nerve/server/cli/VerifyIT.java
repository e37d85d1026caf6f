package dev.nerve.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nerve.testing.TestServers;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** {@code nerve verify}: checks plus round trips with timings, and an exit code scripts can trust. */
class VerifyIT {

  private record Run(int exitCode, String output) {}

  private static Run verify(String... extra) {
    List<String> args = new ArrayList<>(List.of("verify"));
    args.addAll(TestServers.applicationArguments());
    args.addAll(List.of(extra));
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
        .contains("Verified: ");
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
    assertThat(run.output()).contains("[XX] gRPC health of memory").contains("! Verification failed: 1 of ");
  }

  @Test
  void anUnreachableServerIsReportedNotThrown() {
    Run run = verify("--server=127.0.0.1:1", "--nerve.internal.secret=" + "s".repeat(32));

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.output()).startsWith("[XX] Nerve did not answer: ");
  }
}
