package dev.nerve.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nerve.testing.TestPorts;
import dev.nerve.testing.TestServers;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.client.RestClient;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The split topology as Kubernetes runs it: the gateway and the installation service as two
 * separate JVMs talking Netty gRPC over loopback. The installation process runs with nothing
 * configured (embedded PostgreSQL and Redis) and JSON logs, and must leave no process behind when
 * it gets SIGTERM.
 */
class SplitTopologyIT {

  private static final JsonMapper JSON = JsonMapper.builder().build();

  @TempDir Path installationData;

  @Test
  void gatewayAndInstallationWorkAcrossProcesses() throws Exception {
    int grpcPort = TestPorts.free();
    // Both processes must share the internal secret, or the service refuses the gateway's calls.
    String secret = "split-" + java.util.UUID.randomUUID() + java.util.UUID.randomUUID();
    int httpPort = TestPorts.free();
    int gatewayGrpcPort = TestPorts.free();
    List<ProcessHandle> embeddedServers;

    try (NerveProcess installation =
        NerveProcess.start(
            List.of(
                "--targets=installation",
                "--nerve.grpc.port=" + grpcPort,
                "--server.port=0",
                "--nerve.data-dir=" + installationData,
                // Setup reaches the gateway's internal provisioning service over the network.
                "--nerve.services.gateway.address=localhost:" + gatewayGrpcPort),
            Map.of("NERVE_LOG_FORMAT", "json", "NERVE_INTERNAL_SECRET", secret))) {
      List<String> gatewayArgs = new ArrayList<>(TestServers.applicationArguments());
      gatewayArgs.removeIf(arg -> arg.startsWith("--nerve.grpc.port="));
      gatewayArgs.add("--nerve.grpc.port=" + gatewayGrpcPort);
      gatewayArgs.addAll(
          List.of(
              "--targets=gateway",
              "--server.port=" + httpPort,
              "--nerve.services.installation.address=localhost:" + grpcPort));
      try (NerveProcess gateway = NerveProcess.start(gatewayArgs, Map.of("NERVE_INTERNAL_SECRET", secret))) {
        installation.awaitStarted(Duration.ofSeconds(120));
        gateway.awaitStarted(Duration.ofSeconds(120));
        embeddedServers = installation.process().descendants().toList();

        String token =
            JSON.readTree(
                    RestClient.create("http://localhost:" + httpPort)
                        .post()
                        .uri("/api/v1/auth/token")
                        .contentType(MediaType.APPLICATION_JSON)
                        .body(Map.of("username", TestServers.ADMIN_USERNAME, "password", TestServers.adminPassword()))
                        .retrieve()
                        .body(String.class))
                .get("accessToken")
                .asString();
        RestClient http =
            RestClient.builder()
                .baseUrl("http://localhost:" + httpPort)
                .defaultHeader("Authorization", "Bearer " + token)
                .defaultStatusHandler(HttpStatusCode::isError, (request, response) -> {})
                .build();

        ResponseEntity<String> rest = http.get().uri("/api/v1/environment/checks").retrieve().toEntity(String.class);
        JsonNode status = JSON.readTree(rest.getBody());
        assertThat(rest.getStatusCode().value()).as(rest.getBody()).isEqualTo(200);
        assertThat(status.get("overall").asString()).as(rest.getBody()).isEqualTo("OK");
        // Answered by the other process: it runs only the installation target, on embedded storage.
        assertThat(status.get("targets").toString()).isEqualTo("[\"installation\"]");
        assertThat(status.toString()).contains("(embedded)");

        JsonNode graphql =
            JSON.readTree(
                http.post()
                    .uri("/graphql")
                    .contentType(MediaType.APPLICATION_JSON)
                    .body(Map.of("query", "{ installation { environment { check { overall targets } } } }"))
                    .retrieve()
                    .body(String.class));
        assertThat(graphql.at("/data/installation/environment/check/targets/0").asString()).isEqualTo("installation");

        // Setup in the installation process creates the tenant and its admin in the gateway process.
        String suffix = java.util.UUID.randomUUID().toString().substring(0, 8);
        Map<String, Object> setupInput =
            Map.of("tenantName", "Split " + suffix, "adminUsername", "split-" + suffix, "adminPassword", "split password " + suffix);
        ResponseEntity<String> setup =
            http.post().uri("/api/v1/environment/setup").contentType(MediaType.APPLICATION_JSON).body(setupInput)
                .retrieve().toEntity(String.class);
        assertThat(setup.getStatusCode().value()).as(setup.getBody()).isEqualTo(200);
        assertThat(setup.getBody()).contains("created: tenant 'split-" + suffix + "'");
        JsonNode again =
            JSON.readTree(http.post().uri("/api/v1/environment/setup").contentType(MediaType.APPLICATION_JSON).body(setupInput)
                .retrieve().body(String.class));
        assertThat(again.get("alreadySetUp").asBoolean()).as(again.toString()).isTrue();
        ResponseEntity<String> login =
            RestClient.create("http://localhost:" + httpPort).post().uri("/api/v1/auth/token")
                .contentType(MediaType.APPLICATION_JSON)
                .body(Map.of("username", "split-" + suffix, "password", "split password " + suffix))
                .retrieve().toEntity(String.class);
        assertThat(login.getStatusCode().value()).isEqualTo(200);

        JsonNode logLine = logLine(installation, "environment check finished");
        assertThat(logLine.at("/log/level").asString()).isEqualTo("INFO");
        assertThat(logLine.toString()).containsPattern("\"traceId\":\"[0-9a-f]{32}\"");
        assertThat(logLine.toString()).containsPattern("\"spanId\":\"[0-9a-f]{16}\"");
      }

      assertThat(embeddedServers).as("embedded PostgreSQL and Redis run as child processes").isNotEmpty();
      installation.process().destroy(); // SIGTERM
      assertThat(installation.process().waitFor(60, TimeUnit.SECONDS)).as("stops on SIGTERM").isTrue();
    }
    for (ProcessHandle child : embeddedServers) {
      child.onExit().get(30, TimeUnit.SECONDS);
      assertThat(child.isAlive()).as("orphan %s", child.info().command().orElse("?")).isFalse();
    }
  }

  private static JsonNode logLine(NerveProcess process, String message) {
    return process.output().stream()
        .filter(line -> line.startsWith("{") && line.contains(message))
        .map(JSON::readTree)
        .findFirst()
        .orElseThrow(() -> new AssertionError("no JSON log line with '" + message + "' in:\n" + String.join("\n", process.output())));
  }
}
