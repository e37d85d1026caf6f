package dev.nerve.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nerve.testing.TestServers;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** {@code nerve verify} and {@code nerve doctor} from the packaged executable, as an operator runs them. */
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
