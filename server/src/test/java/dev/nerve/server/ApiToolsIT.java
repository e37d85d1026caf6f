package dev.nerve.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import graphql.schema.idl.SchemaPrinter;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.graphql.execution.GraphQlSource;

/**
 * The public API documents as third-party tools see them, run against the whole server: the
 * OpenAPI document passes Redocly CLI's recommended rules with no problem and generates TypeScript
 * (openapi-typescript) that a strict client compiles against, and the GraphQL schema passes
 * graphql-schema-linter (descriptions everywhere, Relay connections). The tools live in
 * {@code tools/api-checks} ({@code npm ci} there, as {@code .ci/run} does); without them the tests
 * are skipped.
 */
@SpringBootTest(classes = NerveApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class ApiToolsIT {

  static final Path TOOLS = Path.of("..", "tools", "api-checks").toAbsolutePath().normalize();

  @LocalServerPort int port;
  @Autowired GraphQlSource graphQl;
  @TempDir Path temp;

  @BeforeAll
  static void toolsInstalled() {
    assumeTrue(
        Files.isDirectory(TOOLS.resolve("node_modules/.bin")),
        "the API tools are not installed: run npm ci in " + TOOLS);
  }

  @Test
  void openApiPassesRedoclyAndGeneratesStrictTypeScript() throws Exception {
    HttpResponse<String> docs =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/v3/api-docs"))
                    .timeout(Duration.ofSeconds(60))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(docs.statusCode()).isEqualTo(200);
    Path document = temp.resolve("openapi.json");
    Files.writeString(document, docs.body(), StandardCharsets.UTF_8);

    assertThat(run("check-openapi.sh", document)).contains("check-openapi: ok");
  }

  @Test
  void graphQlSchemaPassesTheLinter() throws Exception {
    Path schema = temp.resolve("schema.graphql");
    Files.writeString(schema, new SchemaPrinter().print(graphQl.schema()), StandardCharsets.UTF_8);

    assertThat(run("check-graphql.sh", schema)).contains("check-graphql: ok");
  }

  private static String run(String script, Path input) throws IOException, InterruptedException {
    Process process =
        new ProcessBuilder(List.of("bash", TOOLS.resolve(script).toString(), input.toString()))
            .directory(TOOLS.toFile())
            .redirectErrorStream(true)
            .start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(5, TimeUnit.MINUTES)).as("%s finished", script).isTrue();
    assertThat(process.exitValue()).as(output).isZero();
    return output;
  }
}
