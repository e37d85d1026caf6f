package dev.nerve.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.nerve.testing.TestServers;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The Prometheus exposition at {@code /actuator/prometheus} after real work: Nerve's domain metrics
 * (memory search and store time by mode, embedding time and texts, index lag, context cache
 * lookups, rate-limit decisions by operation, environment check results) exist and move; a
 * depth-limit refusal is a GraphQL {@code REQUEST_ERROR}, not an internal one; every family has a
 * lower-case name and HELP text; and {@code promtool check metrics} (Debian package {@code
 * prometheus}, installed by {@code .ci/run}) finds no problem in any family but those of
 * Micrometer's JVM and system binders.
 */
@SpringBootTest(
    classes = NerveApplication.class,
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = "nerve.gateway.graphql.max-depth=4")
class MetricsIT {

  static final JsonMapper JSON = JsonMapper.builder().build();

  @LocalServerPort int port;

  private final HttpClient http = HttpClient.newHttpClient();

  @Test
  void domainMetricsMoveAndGraphQlRefusalsAreRequestErrors() throws Exception {
    String exposition = exercise();

    assertThat(value(exposition, "nerve_memory_search_seconds_count", "mode=\"hybrid\"")).isGreaterThanOrEqualTo(1);
    assertThat(value(exposition, "nerve_memory_store_seconds_count", "mode=\"exact\"")).isGreaterThanOrEqualTo(1);
    assertThat(value(exposition, "nerve_memory_embedding_seconds_count", "model=\"bge-small-en-v1.5-q\"")).isGreaterThanOrEqualTo(2);
    assertThat(value(exposition, "nerve_memory_embedding_texts_total", "model=\"bge-small-en-v1.5-q\"")).isGreaterThanOrEqualTo(2);
    assertThat(value(exposition, "nerve_memory_index_lag_changes", "")).isGreaterThanOrEqualTo(0);
    assertThat(value(exposition, "nerve_memory_context_cache_lookups_total", "result=\"hit\"")).isGreaterThanOrEqualTo(1);
    assertThat(value(exposition, "nerve_memory_context_cache_lookups_total", "result=\"miss\"")).isGreaterThanOrEqualTo(0);
    assertThat(value(exposition, "nerve_gateway_ratelimit_decisions_total", "decision=\"allowed\"")).isGreaterThanOrEqualTo(3);
    assertThat(value(exposition, "nerve_gateway_ratelimit_decisions_total", "operation=\"login\"")).isGreaterThanOrEqualTo(1);
    assertThat(value(exposition, "nerve_installation_checks_total", "status=\"ok\"")).isGreaterThanOrEqualTo(1);
    assertThat(value(exposition, "nerve_queue_depth", "queue=\"memory.embedding\"")).isGreaterThanOrEqualTo(0);

    assertThat(value(exposition, "graphql_request_seconds_count", "graphql_outcome=\"REQUEST_ERROR\"")).isGreaterThanOrEqualTo(1);
    assertThat(exposition).doesNotContain("graphql_outcome=\"INTERNAL_ERROR\"");
    assertThat(value(exposition, "graphql_request_errors_total", "error_type=\"execution_aborted\"")).isGreaterThanOrEqualTo(1);

    for (String family : families(exposition)) {
      assertThat(family).as("family names are lower case").matches("[a-z_:][a-z0-9_:]*");
      assertThat(exposition).as("HELP of %s", family).containsPattern("(?m)^# HELP " + Pattern.quote(family) + " \\S");
    }
  }

  @Test
  void promtoolFindsNoProblemInTheExposition() throws Exception {
    assumeTrue(
        new java.io.File("/usr/bin/promtool").canExecute() || onPath("promtool"),
        "promtool is missing: apt-get install -y prometheus (as .ci/run does)");
    String exposition = exercise();

    Process promtool = new ProcessBuilder("promtool", "check", "metrics").redirectErrorStream(true).start();
    promtool.getOutputStream().write(exposition.getBytes(StandardCharsets.UTF_8));
    promtool.getOutputStream().close();
    String output = new String(promtool.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(promtool.waitFor(1, TimeUnit.MINUTES)).isTrue();

    List<String> ours = new ArrayList<>();
    for (String line : output.split("\n")) {
      String trimmed = line.strip();
      // Everything but Micrometer's JVM and system binders, whose few names promtool dislikes
      // (jvm_compilation_time_ms_total, process_cpu_time_ns_total, system_cpu_count) are theirs.
      if (!trimmed.isEmpty() && !trimmed.startsWith("jvm_") && !trimmed.startsWith("process_") && !trimmed.startsWith("system_")) {
        ours.add(trimmed);
      }
    }
    assertThat(output).as("promtool parsed the exposition").doesNotContain("error while linting");
    assertThat(ours).as("promtool on Nerve's families:\n%s", output).isEmpty();
  }

  /** Does the work the domain metrics count, then scrapes. */
  private String exercise() throws Exception {
    String token =
        post("/api/v1/auth/token", null, Map.of("username", TestServers.ADMIN_USERNAME, "password", TestServers.adminPassword()))
            .get("accessToken").asString();
    String session = "metrics-" + UUID.randomUUID();
    post("/api/v1/memory/long-term", token, Map.of("scope", Map.of("sessionId", session), "text", "The metrics test stores this memory"));
    post("/api/v1/memory/long-term/search", token, Map.of("query", "what does the metrics test store", "scope", Map.of("sessionId", session)));
    send("PUT", "/api/v1/memory/contexts/ctx-" + session, token, Map.of("data", Map.of("a", 1)));
    send("GET", "/api/v1/memory/contexts/ctx-" + session, token, null);
    send("GET", "/api/v1/memory/contexts/ctx-" + session, token, null);
    send("GET", "/api/v1/environment/checks?checkIds=java.version", token, null);
    JsonNode deep = post("/graphql", token, Map.of("query", "{ installation { environment { check { checks { id } } } } }"));
    assertThat(deep.at("/errors/0/extensions/code").asString()).as(deep.toString()).isEqualTo("BAD_USER_INPUT");
    assertThat(deep.at("/errors/0/message").asString()).containsIgnoringCase("depth");
    HttpResponse<String> scrape =
        http.send(
            HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/actuator/prometheus"))
                .header("Accept", "text/plain;version=0.0.4")
                .timeout(Duration.ofSeconds(30))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(scrape.statusCode()).isEqualTo(200);
    return scrape.body();
  }

  private JsonNode post(String path, String token, Object body) throws Exception {
    return send("POST", path, token, body);
  }

  private JsonNode send(String method, String path, String token, Object body) throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
            .timeout(Duration.ofSeconds(60))
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)));
    if (body != null) {
      request.header("Content-Type", "application/json");
    }
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as(method + " " + path + ": " + response.body()).isBetween(200, 299);
    return JSON.readTree(response.body());
  }

  /** Sum of the samples of {@code name} whose labels contain {@code labels}; fails when there are none. */
  static double value(String exposition, String name, String labels) {
    double sum = 0;
    boolean found = false;
    Matcher samples = Pattern.compile("(?m)^" + Pattern.quote(name) + "(\\{[^}]*\\})? (\\S+)").matcher(exposition);
    while (samples.find()) {
      String set = samples.group(1) == null ? "" : samples.group(1);
      if (set.contains(labels)) {
        found = true;
        sum += Double.parseDouble(samples.group(2));
      }
    }
    assertThat(found).as("a sample of %s{%s} in the exposition", name, labels).isTrue();
    return sum;
  }

  static Set<String> families(String exposition) {
    Set<String> names = new LinkedHashSet<>();
    Matcher types = Pattern.compile("(?m)^# TYPE (\\S+) ").matcher(exposition);
    while (types.find()) {
      names.add(types.group(1));
    }
    return names;
  }

  private static boolean onPath(String command) {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
      if (new java.io.File(dir, command).canExecute()) {
        return true;
      }
    }
    return false;
  }
}
