package dev.nerve.gateway.installation;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.nerve.gateway.GatewayClient;
import dev.nerve.gateway.GraphQlSocket;
import dev.nerve.gateway.GatewayTestApplication;
import dev.nerve.gateway.identity.UserStore;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * Extension packages through the public surfaces, with gateway, installation and the real SDK
 * system in one process: every DependencyService operation on GraphQL (the install progress
 * subscription over WebSocket included) and on REST, packages served by a loopback HTTP index the
 * outbound guard allows and by a directory, each installed package loaded as an SDK extension,
 * and the operations refused to a non-admin.
 */
@SpringBootTest(
    classes = GatewayTestApplication.class,
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {
      "nerve.targets=gateway,installation,sdk",
      "nerve.gateway.rate-limit.per-minute=100000",
      "nerve.outbound.allow-cidrs=127.0.0.1/32",
      "nerve.database.max-pool-size=3"
    })
class DependenciesGatewayIT {

  static final Path ROOT;
  static final HttpServer HTTP;

  static {
    try {
      ROOT = Files.createTempDirectory("nerve-gateway-packages");
      HTTP = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
      HTTP.createContext("/", exchange -> {
        Path file = ROOT.resolve(exchange.getRequestURI().getPath().substring(1)).normalize();
        if (!file.startsWith(ROOT) || !Files.isRegularFile(file)) {
          exchange.sendResponseHeaders(404, -1);
          exchange.close();
          return;
        }
        byte[] body = Files.readAllBytes(file);
        exchange.sendResponseHeaders(200, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
          out.write(body);
        }
      });
      HTTP.start();
    } catch (IOException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  @DynamicPropertySource
  static void properties(DynamicPropertyRegistry registry) {
    registry.add("nerve.installation.packages.directory-root", ROOT::toString);
  }

  @AfterAll
  static void stop() {
    HTTP.stop(0);
  }

  @LocalServerPort int port;
  @Autowired UserStore users;

  GatewayClient client;
  String token;
  String s;
  String repo;
  List<String> index;

  @BeforeEach
  void start() {
    client = new GatewayClient(port);
    token = client.adminToken();
    s = UUID.randomUUID().toString().substring(0, 6);
    repo = "repo-" + s;
    index = new ArrayList<>();
  }

  /** Adds a workflow-pack package to this test's repository and rewrites its index. */
  private void publish(String name, String version, String... deps) {
    StringBuilder manifestDeps = new StringBuilder();
    StringBuilder indexDeps = new StringBuilder();
    for (String dep : deps) {
      String[] p = dep.split(" ", 2);
      manifestDeps.append(manifestDeps.length() > 0 ? "," : "").append("{\"id\":\"").append(p[0]).append("\",\"versionRange\":\"").append(p[1]).append("\"}");
      indexDeps.append(indexDeps.length() > 0 ? "," : "").append('"').append(p[0]).append("\":\"").append(p[1]).append('"');
    }
    String manifest = "{\"id\":\"" + name + "\",\"name\":\"" + name + "\",\"version\":\"" + version
        + "\",\"kind\":\"EXTENSION_KIND_WORKFLOW_PACK\",\"dependencies\":[" + manifestDeps + "]}";
    try {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      try (ZipOutputStream zip = new ZipOutputStream(out)) {
        zip.putNextEntry(new ZipEntry("extension.json"));
        zip.write(manifest.getBytes(StandardCharsets.UTF_8));
        zip.closeEntry();
      }
      Path dir = Files.createDirectories(ROOT.resolve(repo));
      String file = name + "-" + version + ".zip";
      Files.write(dir.resolve(file), out.toByteArray());
      String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(out.toByteArray()));
      index.add("{\"name\":\"" + name + "\",\"versions\":[{\"version\":\"" + version + "\",\"sha256\":\"" + sha
          + "\",\"dependencies\":{" + indexDeps + "},\"archive\":\"" + file + "\"}]}");
      Files.writeString(dir.resolve("index.json"), "{\"packages\":[" + String.join(",", index) + "]}");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private String indexUrl() {
    return "http://127.0.0.1:" + HTTP.getAddress().getPort() + "/" + repo + "/index.json";
  }

  private JsonNode gql(String query, Map<String, Object> variables) {
    JsonNode answer = client.graphql(token, query, variables);
    assertThat(answer.path("errors").isMissingNode() || answer.path("errors").isEmpty()).as(answer.toString()).isTrue();
    return answer.path("data");
  }

  private void removeSources() {
    for (JsonNode source : client.get("/api/v1/dependencies/sources", token).json().path("sources")) {
      client.send("DELETE", "/api/v1/dependencies/sources/" + source.path("name").asString(), token, null, Map.of());
    }
  }

  @Test
  void everyOperationOnGraphQl() throws Exception {
    String lib = "glib-" + s;
    String tool = "gtool-" + s;
    publish(lib, "1.0.0");
    publish(tool, "1.0.0", lib + " ^1");
    removeSources();
    JsonNode source = gql("mutation($input: InstallationDependenciesPutSourceInput!) { installationDependenciesPutSource(input: $input) { name kind location priority updatedAt } }",
        Map.of("input", Map.of("name", "gql", "kind", "HTTP", "location", indexUrl(), "priority", 1)));
    assertThat(source.at("/installationDependenciesPutSource/kind").asString()).isEqualTo("HTTP");
    assertThat(gql("{ installation { dependencies { sources { name location } } } }", Map.of())
        .at("/installation/dependencies/sources/0/location").asString()).isEqualTo(indexUrl());

    JsonNode dry = gql("mutation($input: InstallationDependenciesInstallInput!) { installationDependenciesInstall(input: $input) { dryRun changes { name action toVersion source checksumSha256 requiredBy } } }",
        Map.of("input", Map.of("dependencies", List.of(Map.of("name", tool, "versionRange", "^1")), "dryRun", true)));
    assertThat(dry.at("/installationDependenciesInstall/dryRun").asBoolean()).isTrue();
    assertThat(dry.at("/installationDependenciesInstall/changes/0/name").asString()).isEqualTo(lib);
    assertThat(dry.at("/installationDependenciesInstall/changes/1/action").asString()).isEqualTo("INSTALL");

    List<String> events = subscribe(
        "subscription($input: InstallationDependenciesInstallInput!) { installationDependenciesInstallProgress(input: $input) { phase name version bytes message plan { changes { name action } } } }",
        Map.of("input", Map.of("dependencies", List.of(Map.of("name", tool, "versionRange", "^1")))));
    String all = String.join("\n", events);
    assertThat(all).contains("\"phase\":\"RESOLVED\"").contains("\"phase\":\"DOWNLOADING\"").contains("\"phase\":\"VERIFIED\"")
        .contains("\"phase\":\"LOADED\"").contains("\"phase\":\"COMPLETED\"").contains("\"complete\"");

    assertThat(gql("{ sdk { extensions { get(id: \"" + tool + "\") { version status } } } }", Map.of())
        .at("/sdk/extensions/get/status").asString()).isEqualTo("LOADED");
    JsonNode got = gql("query($n: ID!) { installation { dependencies { get(name: $n) { name version checksumSha256 source requested requestedRange requires { name versionRange } installedAt } } } }",
        Map.of("n", tool));
    assertThat(got.at("/installation/dependencies/get/requires/0/name").asString()).isEqualTo(lib);
    assertThat(got.at("/installation/dependencies/get/source").asString()).isEqualTo("gql");
    assertThat(gql("{ installation { dependencies { list(first: 500) { edges { cursor node { name version requested } } pageInfo { hasNextPage } } } } }", Map.of())
        .at("/installation/dependencies/list/edges").toString()).contains(tool).contains(lib);

    publish(lib, "1.2.0");
    JsonNode updates = gql("{ installation { dependencies { updates { name installedVersion newestAllowed newestAvailable requestedRange } } } }", Map.of());
    assertThat(updates.at("/installation/dependencies/updates").toString()).contains("\"newestAllowed\":\"1.2.0\"");
    JsonNode update = gql("mutation($input: InstallationDependenciesUpdateInput!) { installationDependenciesUpdate(input: $input) { dryRun changes { name action fromVersion toVersion } } }",
        Map.of("input", Map.of("dependencies", List.of(Map.of("name", lib)))));
    assertThat(update.at("/installationDependenciesUpdate/changes/0/action").asString()).isEqualTo("UPGRADE");
    assertThat(gql("{ sdk { extensions { get(id: \"" + lib + "\") { version } } } }", Map.of())
        .at("/sdk/extensions/get/version").asString()).isEqualTo("1.2.0");

    JsonNode refused = client.graphql(token, "mutation($input: InstallationDependenciesRemoveInput!) { installationDependenciesRemove(input: $input) { dryRun } }",
        Map.of("input", Map.of("names", List.of(lib))));
    assertThat(refused.at("/errors/0/extensions/code").asString()).isEqualTo("CONFLICT");
    assertThat(refused.at("/errors/0/message").asString()).contains(tool + " 1.0.0 requires " + lib);
    JsonNode removed = gql("mutation($input: InstallationDependenciesRemoveInput!) { installationDependenciesRemove(input: $input) { changes { name action } } }",
        Map.of("input", Map.of("names", List.of(lib), "cascade", true)));
    assertThat(removed.at("/installationDependenciesRemove/changes/0/name").asString()).isEqualTo(tool);
    assertThat(client.graphql(token, "{ sdk { extensions { get(id: \"" + tool + "\") { status } } } }", Map.of()).toString())
        .containsAnyOf("UNLOADED", "NOT_FOUND");
    assertThat(gql("mutation { installationDependenciesRemoveSource(name: \"gql\") }", Map.of())
        .at("/installationDependenciesRemoveSource").asString()).isEqualTo("gql");
  }

  @Test
  void everyOperationOnRest() {
    String lib = "rlib-" + s;
    String tool = "rtool-" + s;
    publish(lib, "1.0.0");
    publish(tool, "1.0.0", lib + " ^1");
    removeSources();
    GatewayClient.Response put = client.send("PUT", "/api/v1/dependencies/sources/local", token,
        Map.of("kind", "DIRECTORY", "location", repo), Map.of());
    assertThat(put.status()).as(put.text()).isEqualTo(200);
    assertThat(client.get("/api/v1/dependencies/sources", token).json().at("/sources/0/name").asString()).isEqualTo("local");
    GatewayClient.Response badSource = client.send("PUT", "/api/v1/dependencies/sources/up", token,
        Map.of("kind", "DIRECTORY", "location", "../up"), Map.of());
    assertThat(badSource.status()).isEqualTo(400);
    assertThat(badSource.text()).contains("location");

    GatewayClient.Response dry = client.post("/api/v1/dependencies/packages:install", token,
        Map.of("dependencies", List.of(Map.of("name", tool)), "dryRun", true));
    assertThat(dry.status()).as(dry.text()).isEqualTo(200);
    assertThat(dry.json().at("/changes/1/action").asString()).isEqualTo("INSTALL");
    GatewayClient.Response installed = client.post("/api/v1/dependencies/packages:install", token,
        Map.of("dependencies", List.of(Map.of("name", tool, "versionRange", "^1"))));
    assertThat(installed.status()).as(installed.text()).isEqualTo(200);
    assertThat(client.get("/api/v1/sdk/extensions/" + tool, token).json().at("/status").asString()).isEqualTo("LOADED");
    assertThat(client.get("/api/v1/dependencies/packages/" + tool, token).json().at("/version").asString()).isEqualTo("1.0.0");
    assertThat(client.get("/api/v1/dependencies/packages/nope-" + s, token).status()).isEqualTo(404);
    assertThat(client.get("/api/v1/dependencies/packages?limit=500", token).json().at("/dependencies").toString()).contains(tool);

    publish(tool, "1.1.0", lib + " ^1");
    assertThat(client.get("/api/v1/dependencies/updates", token).json().toString()).contains("\"newestAllowed\":\"1.1.0\"");
    GatewayClient.Response planned = client.post("/api/v1/dependencies/packages:update", token, Map.of("dryRun", true));
    assertThat(planned.json().toString()).contains("\"UPGRADE\"").contains("\"dryRun\":true");
    assertThat(client.post("/api/v1/dependencies/packages:update", token, Map.of()).status()).isEqualTo(200);
    assertThat(client.get("/api/v1/sdk/extensions/" + tool, token).json().at("/version").asString()).isEqualTo("1.1.0");

    GatewayClient.Response conflict = client.post("/api/v1/dependencies/packages:remove", token, Map.of("names", List.of(lib)));
    assertThat(conflict.status()).isEqualTo(409);
    GatewayClient.Response removed = client.post("/api/v1/dependencies/packages:remove", token, Map.of("names", List.of(lib), "cascade", true));
    assertThat(removed.status()).as(removed.text()).isEqualTo(200);
    assertThat(client.get("/api/v1/dependencies/packages/" + lib, token).status()).isEqualTo(404);
    assertThat(client.send("DELETE", "/api/v1/dependencies/sources/local", token, null, Map.of()).status()).isEqualTo(204);
    assertThat(client.send("DELETE", "/api/v1/dependencies/sources/local", token, null, Map.of()).status()).isEqualTo(404);
  }

  @Test
  void nonAdminsAreRefusedOnBothSurfaces() {
    String operator = client.accessToken(GatewayClient.user(users, "default", "operator"), GatewayClient.PASSWORD);
    assertThat(client.get("/api/v1/dependencies/packages", operator).status()).isEqualTo(403);
    assertThat(client.post("/api/v1/dependencies/packages:install", operator, Map.of("dependencies", List.of(Map.of("name", "x")))).status())
        .isEqualTo(403);
    assertThat(client.graphql(operator, "{ installation { dependencies { sources { name } } } }", Map.of())
        .at("/errors/0/extensions/code").asString()).isEqualTo("FORBIDDEN");
  }

  private List<String> subscribe(String query, Map<String, Object> variables) throws Exception {
    try (GraphQlSocket socket = GraphQlSocket.open(port, token)) {
      socket.subscribe("1", query, variables);
      return socket.untilDone(30);
    }
  }
}
