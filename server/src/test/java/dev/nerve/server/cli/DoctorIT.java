package dev.nerve.server.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nerve.api.installation.v1.CheckEnvironmentRequest;
import dev.nerve.api.installation.v1.EnvironmentServiceGrpc;
import dev.nerve.platform.NerveProperties;
import dev.nerve.platform.grpc.GrpcServers;
import dev.nerve.server.NerveApplication;
import dev.nerve.server.NerveMain;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.reflection.v1.ServerReflectionGrpc;
import io.grpc.reflection.v1.ServerReflectionRequest;
import io.grpc.reflection.v1.ServerReflectionResponse;
import io.grpc.stub.StreamObserver;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.concurrent.TimeUnit;
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

  /**
   * The documented policy for the network gRPC port: it is internal. {@code nerve doctor --server}
   * (run as its own JVM, as a user runs it) signs with the secret the server keeps in its data
   * directory, or with NERVE_INTERNAL_SECRET; a wrong secret or none is refused with a message that
   * says what to do; a plain grpc-java client (no Nerve interceptors) gets UNAUTHENTICATED saying
   * the port is internal, while health and server reflection v1 answer it.
   */
  @Test
  void asksARunningServerWhenGivenItsAddressAndTheNetworkPortIsInternalOnly() throws Exception {
    List<String> args = new ArrayList<>(TestServers.applicationArguments());
    args.add("--nerve.targets=installation");
    try (ConfigurableApplicationContext server =
        new SpringApplicationBuilder(NerveApplication.class)
            .web(WebApplicationType.NONE)
            .run(args.toArray(String[]::new))) {
      int port = server.getBean(GrpcServers.class).port();
      Path dataDir = server.getBean(NerveProperties.class).dataDir();
      assertThat(dataDir.resolve("internal.secret")).isRegularFile();
      if (!System.getProperty("os.name").startsWith("Windows")) {
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dataDir.resolve("internal.secret"))))
            .isEqualTo("rw-------");
      }

      Run fromDataDir = doctorProcess(Map.of(), "--server=localhost:" + port, "--nerve.data-dir=" + dataDir);
      assertThat(fromDataDir.exitCode()).as(fromDataDir.output()).isZero();
      assertThat(fromDataDir.output()).contains("targets: installation)").contains("Doctor summary: ");

      Run fromEnvironment =
          doctorProcess(
              Map.of("NERVE_DATA_DIR", dataDir.toString()), "--server=localhost:" + port, "--json");
      assertThat(fromEnvironment.exitCode()).as(fromEnvironment.output()).isZero();
      assertThat(fromEnvironment.output()).contains("\"overall\"");

      Run wrongSecret =
          doctorProcess(
              Map.of("NERVE_INTERNAL_SECRET", "not-the-secret-of-this-deployment-0123456789"),
              "--server=localhost:" + port);
      assertThat(wrongSecret.exitCode()).isEqualTo(1);
      assertThat(wrongSecret.output()).contains("UNAUTHENTICATED").contains("not signed by this deployment");

      Path empty = TestServers.tempDirectory("doctor-no-secret");
      Run noSecret = doctorProcess(Map.of(), "--server=localhost:" + port, "--nerve.data-dir=" + empty);
      assertThat(noSecret.exitCode()).isEqualTo(1);
      assertThat(noSecret.output()).contains("No internal secret").contains("NERVE_INTERNAL_SECRET").contains("internal.secret");

      ManagedChannel plain = ManagedChannelBuilder.forAddress("localhost", port).usePlaintext().build();
      try {
        assertThatThrownBy(
                () ->
                    EnvironmentServiceGrpc.newBlockingStub(plain)
                        .withDeadlineAfter(10, TimeUnit.SECONDS)
                        .check(CheckEnvironmentRequest.getDefaultInstance()))
            .isInstanceOfSatisfying(
                StatusRuntimeException.class,
                e -> {
                  assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
                  assertThat(e.getStatus().getDescription()).contains("gRPC port is internal").contains("GraphQL or REST");
                });
        assertThat(
                HealthGrpc.newBlockingStub(plain)
                    .withDeadlineAfter(10, TimeUnit.SECONDS)
                    .check(HealthCheckRequest.newBuilder().setService("installation").build())
                    .getStatus())
            .isEqualTo(HealthCheckResponse.ServingStatus.SERVING);
        assertThat(reflectedServices(plain)).contains("nerve.installation.v1.EnvironmentService", "grpc.health.v1.Health");
      } finally {
        plain.shutdownNow();
      }
    }
  }

  /** Service names a grpc reflection v1 client (as grpcurl uses) lists. */
  private static List<String> reflectedServices(ManagedChannel channel) throws InterruptedException {
    List<String> names = new java.util.concurrent.CopyOnWriteArrayList<>();
    java.util.concurrent.CountDownLatch done = new java.util.concurrent.CountDownLatch(1);
    StreamObserver<ServerReflectionRequest> requests =
        ServerReflectionGrpc.newStub(channel)
            .withDeadlineAfter(10, TimeUnit.SECONDS)
            .serverReflectionInfo(
                new StreamObserver<>() {
                  @Override
                  public void onNext(ServerReflectionResponse response) {
                    response.getListServicesResponse().getServiceList().forEach(s -> names.add(s.getName()));
                  }

                  @Override
                  public void onError(Throwable t) {
                    names.add("error: " + t);
                    done.countDown();
                  }

                  @Override
                  public void onCompleted() {
                    done.countDown();
                  }
                });
    requests.onNext(ServerReflectionRequest.newBuilder().setListServices("").build());
    requests.onCompleted();
    assertThat(done.await(15, TimeUnit.SECONDS)).isTrue();
    return names;
  }

  /** {@code nerve doctor args} as its own JVM with only {@code environment} of Nerve's variables. */
  private static Run doctorProcess(Map<String, String> environment, String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"), NerveMain.class.getName(), "doctor"));
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.environment().keySet().removeIf(key -> key.startsWith("NERVE_"));
    builder.environment().putAll(environment);
    Process process = builder.start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(2, TimeUnit.MINUTES)).as(output).isTrue();
    return new Run(process.exitValue(), output);
  }
}
