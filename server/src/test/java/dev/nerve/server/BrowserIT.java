package dev.nerve.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.nerve.testing.TestServers;
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
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.json.JsonMapper;

/**
 * The browser surfaces as a user meets them, in Debian's Chromium driven by Playwright ({@code
 * tools/browser-checks/check-ui.mjs}) with every request to another origin refused, as on a
 * machine without internet access: GraphiQL loads, takes an Authorization header, runs a query and
 * shows its result and a subscription event; Swagger UI authorizes with the token and runs a REST
 * call. Needs {@code npm ci} in {@code tools/browser-checks} and {@code /usr/bin/chromium} (both
 * as {@code .ci/run} prepares them); skipped with the reason otherwise.
 */
@SpringBootTest(classes = NerveApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class BrowserIT {

  static final Path TOOLS = Path.of("..", "tools", "browser-checks").toAbsolutePath().normalize();
  static final Path CHROMIUM = Path.of("/usr/bin/chromium");

  @LocalServerPort int port;

  @BeforeAll
  static void browserInstalled() {
    assumeTrue(
        Files.isDirectory(TOOLS.resolve("node_modules/playwright-core")),
        "Playwright is not installed: run npm ci in " + TOOLS);
    assumeTrue(Files.isExecutable(CHROMIUM), "Chromium is missing: apt-get install -y chromium");
  }

  @Test
  void graphiqlAndSwaggerUiWorkInABrowserWithoutInternetAccess() throws Exception {
    HttpResponse<String> login =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/api/v1/auth/token"))
                    .header("Content-Type", "application/json")
                    .POST(
                        HttpRequest.BodyPublishers.ofString(
                            JsonMapper.builder().build().writeValueAsString(
                                java.util.Map.of(
                                    "username", TestServers.ADMIN_USERNAME,
                                    "password", TestServers.adminPassword()))))
                    .timeout(Duration.ofSeconds(30))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(login.statusCode()).as(login.body()).isEqualTo(200);
    String token = JsonMapper.builder().build().readTree(login.body()).get("accessToken").asString();

    ProcessBuilder builder =
        new ProcessBuilder(List.of("node", "check-ui.mjs")).directory(TOOLS.toFile()).redirectErrorStream(true);
    builder.environment().put("NERVE_URL", "http://localhost:" + port);
    builder.environment().put("NERVE_TOKEN", token);
    builder.environment().put("CHROMIUM", CHROMIUM.toString());
    Process process = builder.start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(5, TimeUnit.MINUTES)).as("check-ui.mjs finished").isTrue();

    assertThat(process.exitValue()).as(output).isZero();
    assertThat(output)
        .contains("check-ui: graphiql query: ok")
        .contains("check-ui: graphiql subscription: ok")
        .contains("check-ui: swagger rest call: ok")
        .contains("check-ui: ok");
  }
}
