package dev.nerve.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nerve.testing.TestServers;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** {@code nerve verify}, {@code nerve doctor} and {@code nerve setup} from the packaged executable, as an operator runs them. */
class PackagedCommandsIT {

  private static final Duration TIMEOUT = Duration.ofMinutes(2);

  @Test
  void verifyFromThePackagedJarPrintsJsonAndExitsZeroOnAHealthyInstallation() {
    List<String> args = new ArrayList<>(TestServers.applicationArguments());
    args.add("--json");
    NerveProcess.Finished run = NerveProcess.runPackaged("verify", args, TIMEOUT);

    assertThat(run.exitCode()).as(run.output()).isZero();
    JsonNode result = JsonMapper.builder().build().readTree(run.output().substring(run.output().indexOf('{')));
    assertThat(result.get("ok").asBoolean()).isTrue();
    assertThat(result.get("checks").findValuesAsString("id")).contains("postgres.roundtrip", "redis.roundtrip", "clock.skew");
  }

  @Test
  void setupFromThePackagedJarCreatesOnceAndReportsUnchangedTheSecondTime(@TempDir Path dir) throws IOException {
    String suffix = java.util.UUID.randomUUID().toString().substring(0, 8);
    Path passwordFile = dir.resolve("admin-password");
    Files.writeString(passwordFile, "packaged password " + suffix + "\n");
    List<String> args = new ArrayList<>(TestServers.applicationArguments());
    args.addAll(List.of(
        "--non-interactive", "--json", "--tenant=Packaged " + suffix, "--admin-username=packaged-" + suffix,
        "--admin-password-file=" + passwordFile));

    NerveProcess.Finished first = NerveProcess.runPackaged("setup", args, TIMEOUT);
    assertThat(first.exitCode()).as(first.output()).isZero();
    JsonNode created = JsonMapper.builder().build().readTree(first.output().substring(first.output().indexOf('{')));
    assertThat(created.get("tenantId").asString()).isEqualTo("packaged-" + suffix);
    assertThat(created.get("steps").findValuesAsString("detail")).contains("created: tenant 'packaged-" + suffix + "' (\"Packaged " + suffix + "\")");
    assertThat(first.output()).doesNotContain("packaged password");

    NerveProcess.Finished second = NerveProcess.runPackaged("setup", args, TIMEOUT);
    assertThat(second.exitCode()).as(second.output()).isZero();
    JsonNode unchanged = JsonMapper.builder().build().readTree(second.output().substring(second.output().indexOf('{')));
    assertThat(unchanged.get("alreadySetUp").asBoolean()).isTrue();
    assertThat(unchanged.get("steps").findValuesAsString("detail")).allMatch(detail -> detail.startsWith("unchanged: "));
  }

  @Test
  void verifyAndDoctorExitOneWhenNerveCannotBeReached() {
    String secret = "--nerve.internal.secret=" + "s".repeat(32);
    NerveProcess.Finished verify = NerveProcess.runPackaged("verify", List.of("--server=127.0.0.1:1", secret), TIMEOUT);
    assertThat(verify.exitCode()).as(verify.output()).isEqualTo(1);
    assertThat(verify.output()).contains("[XX] Nerve did not answer");

    NerveProcess.Finished doctor = NerveProcess.runPackaged("doctor", List.of("--server=127.0.0.1:1", secret), TIMEOUT);
    assertThat(doctor.exitCode()).as(doctor.output()).isEqualTo(1);
    assertThat(doctor.output()).contains("[XX] Nerve did not answer");
  }
}
