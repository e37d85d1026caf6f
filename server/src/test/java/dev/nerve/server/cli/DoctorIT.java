package dev.nerve.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nerve.platform.grpc.GrpcServers;
import dev.nerve.server.NerveApplication;
import dev.nerve.testing.TestServers;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** {@code nerve doctor}: one line per check, a summary, and an exit code scripts can trust. */
class DoctorIT {

  private record Run(int exitCode, String output) {}

  private static Run doctor(String... extra) {
    List<String> args = new ArrayList<>(List.of("doctor"));
    args.addAll(TestServers.applicationArguments());
    args.addAll(List.of(extra));
    ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    int code =
        Doctor.run(
            CommandLine.parse(args.toArray(String[]::new)),
            new PrintStream(buffer, true, StandardCharsets.UTF_8));
    return new Run(code, buffer.toString(StandardCharsets.UTF_8));
  }

  @Test
  void healthyEnvironmentPrintsOneLinePerCheckAndExitsZero() {
    Run run = doctor();

    assertThat(run.exitCode()).as(run.output()).isZero();
    assertThat(run.output())
        .contains("[ok] Java runtime: Java ")
        .contains("[ok] PostgreSQL reachable: PostgreSQL ")
        .contains("[ok] Redis reachable: Redis ")
        .contains("[ok] gRPC health of installation")
        .contains("Doctor summary: ")
        .contains(" 0 failed");
  }

  @Test
  void jsonOutputIsMachineReadable() {
    Run run = doctor("--json");

    JsonNode status = JsonMapper.builder().build().readTree(run.output());
    assertThat(run.exitCode()).isZero();
    assertThat(status.get("overall").asString()).isEqualTo("CHECK_STATUS_OK");
    assertThat(status.get("checks").size()).isGreaterThanOrEqualTo(6);
  }

  @Test
  void unreachableTargetFailsWithARemedyAndExitCodeOne() {
    Run run = doctor("--nerve.services.memory.address=127.0.0.1:1");

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.output())
        .contains("[XX] gRPC health of memory")
        .contains("-> start the memory target or fix nerve.services.memory.address")
        .contains("Doctor found issues");
  }

  @Test
  void unreachableDatabaseIsReportedNotThrown() {
    Run run = doctor("--nerve.database.url=jdbc:postgresql://127.0.0.1:1/nerve?connectTimeout=2");

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.output()).contains("[XX] Nerve cannot start here").contains("NERVE_DATABASE_URL");
  }

  @Test
  void asksARunningServerWhenGivenItsAddress() {
    List<String> args = new ArrayList<>(TestServers.applicationArguments());
    args.add("--nerve.targets=installation");
    try (ConfigurableApplicationContext server =
        new SpringApplicationBuilder(NerveApplication.class)
            .web(WebApplicationType.NONE)
            .run(args.toArray(String[]::new))) {
      int port = server.getBean(GrpcServers.class).port();
      ByteArrayOutputStream buffer = new ByteArrayOutputStream();

      int code =
          Doctor.run(
              CommandLine.parse(new String[] {"doctor", "--server=localhost:" + port}),
              new PrintStream(buffer, true, StandardCharsets.UTF_8));

      assertThat(code).isZero();
      assertThat(buffer.toString(StandardCharsets.UTF_8)).contains("targets: installation)");
    }
  }
}
