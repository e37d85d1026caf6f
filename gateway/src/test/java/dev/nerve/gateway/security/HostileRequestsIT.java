package dev.nerve.gateway.security;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nerve.gateway.GatewayClient;
import dev.nerve.gateway.GraphQlSocket;
import dev.nerve.gateway.GatewayTestApplication;
import dev.nerve.gateway.identity.UserStore;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;

/**
 * Abuse limits with small settings so each can be hit, a corpus of malformed and hostile requests
 * (each must get a clear 4xx-class answer and never a server error), introspection and GraphiQL
 * off, security headers and CORS, WebSocket authentication in connection_init, and no secret in
 * the logs.
 */
@SpringBootTest(
    classes = GatewayTestApplication.class,
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {
      "nerve.targets=gateway",
      "nerve.gateway.rate-limit.per-minute=100000",
      "nerve.gateway.graphql.max-depth=4",
      "nerve.gateway.graphql.max-complexity=8",
      "nerve.gateway.graphql.max-aliases=2",
      "nerve.gateway.graphql.max-tokens=80",
      "nerve.gateway.graphql.max-document-bytes=600B",
      "nerve.gateway.graphql.introspection=false",
      "nerve.gateway.http.max-body-bytes=2KB",
      "nerve.gateway.http.cors-origins=https://app.example"
    })
@ExtendWith(OutputCaptureExtension.class)
class HostileRequestsIT {

  @LocalServerPort int port;
  @Autowired UserStore users;

  private GatewayClient client;
  private String token;

  @BeforeEach
  void login() {
    client = new GatewayClient(port);
    token = client.accessToken(GatewayClient.user(users, "hostile-" + UUID.randomUUID(), "admin"), GatewayClient.PASSWORD);
  }

  /** name, GraphQL document expected to be refused, a word the message must contain. */
  static List<Object[]> graphQlLimits() {
    return List.of(
        new Object[] {"depth", "{ installation { environment { check { checks { id } } } } }", "depth"},
        new Object[] {"complexity", "{ identity { users { id username roles disabled createdAt } apiKeys { id name prefix } } }", "complexity"},
        new Object[] {"aliases", "{ a: me { userId } b: me { userId } c: me { userId } }", "aliases"},
        new Object[] {"tokens", "{ me { " + "roles ".repeat(90) + "} }", "token"},
        new Object[] {"document size", "{ me { userId } }" + " ".repeat(700), "characters"},
        new Object[] {"introspection", "{ __schema { types { name } } }", "introspection"},
        new Object[] {"unknown field", "{ me { password } }", "password"},
        new Object[] {"wrong argument type", "{ installation { environment { check(checkIds: 5) { overall } } } }", "checkIds"},
        new Object[] {"invalid DateTime", "{ audit(filter: {since: \"yesterday\"}) { pageInfo { hasNextPage } } }", "DateTime"},
        new Object[] {"syntax", "{ me { userId ", "Invalid syntax"},
        new Object[] {"fragment cycle", "{ ...A } fragment A on Query { ...B } fragment B on Query { ...A }", "A"});
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("graphQlLimits")
  void graphQlLimitsAndMalformedDocumentsAreBadUserInput(String name, String query, String mentions) {
    JsonNode result = client.graphql(token, query);
    assertThat(result.at("/errors/0/extensions/code").asString()).as(result.toString()).isEqualTo("BAD_USER_INPUT");
    assertThat(result.at("/errors/0/message").asString()).as(result.toString()).containsIgnoringCase(mentions);
    assertThat(result.toString()).doesNotContain("Exception").doesNotContain("\tat ");
  }

  /** name, method, path, raw body, expected status. */
  static List<Object[]> hostileHttp() {
    String big = "{\"query\":\"{ me { userId } }\",\"pad\":\"" + "x".repeat(3000) + "\"}";
    return List.of(
        new Object[] {"oversized body", "POST", "/graphql", big, 413},
        new Object[] {"invalid JSON", "POST", "/graphql", "{\"query\": ", 400},
        new Object[] {"batch (array) body", "POST", "/graphql", "[{\"query\":\"{ me { userId } }\"}]", 400},
        new Object[] {"not JSON at all", "POST", "/api/v1/identity/api-keys", "<xml/>", 400},
        new Object[] {"wrong JSON type", "POST", "/api/v1/identity/api-keys", "{\"name\":\"k\",\"roles\":\"admin\"}", 400},
        new Object[] {"unknown role", "POST", "/api/v1/identity/api-keys", "{\"name\":\"k\",\"roles\":[\"root\"]}", 400},
        new Object[] {"script in username", "POST", "/api/v1/identity/users",
            "{\"username\":\"<script>alert(1)</script>\",\"password\":\"long enough password\",\"roles\":[\"viewer\"]}", 400},
        new Object[] {"SQL injection in login", "POST", "/api/v1/auth/token",
            "{\"username\":\"' OR 1=1 --\",\"password\":\"x' OR '1'='1\"}", 401},
        new Object[] {"SQL injection in path", "DELETE", "/api/v1/identity/api-keys/1%27%20OR%201=1", null, 400},
        new Object[] {"SQL injection in filter", "GET", "/api/v1/audit?actor=%27%3B%20DROP%20TABLE%20gateway.users%3B--", null, 200},
        new Object[] {"overlong username", "POST", "/api/v1/auth/token",
            "{\"username\":\"" + "u".repeat(500) + "\",\"password\":\"p\"}", 400},
        new Object[] {"login and refresh at once", "POST", "/api/v1/auth/token",
            "{\"username\":\"a\",\"password\":\"b\",\"refreshToken\":\"nrt_x\"}", 400},
        new Object[] {"bad cursor", "GET", "/api/v1/audit?cursor=%00%ff", null, 400},
        new Object[] {"unknown route", "GET", "/api/v1/../../etc/passwd", null, 404});
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("hostileHttp")
  void hostileHttpRequestsGetClear4xxAnswers(String name, String method, String path, String body, int expected) {
    GatewayClient.Response response = client.send(method, path, token, body, Map.of());
    assertThat(response.status()).as(response.text()).isEqualTo(expected);
    assertThat(response.text())
        .doesNotContain("Exception")
        .doesNotContain("\tat ")
        .doesNotContain("org.postgresql")
        .doesNotContainIgnoringCase("syntax error at or near");
    if (expected >= 400 && !response.text().isBlank()) {
      assertThat(response.json().get("code").asString()).isNotIn("INTERNAL");
    }
  }

  @Test
  void violationsNameTheFieldAndTheRule() {
    GatewayClient.Response response =
        client.post("/api/v1/identity/users", token, Map.of("username", "x", "password", "short", "roles", List.of("root")));
    assertThat(response.status()).isEqualTo(400);
    assertThat(response.json().get("violations").toString())
        .contains("\"field\":\"username\"", "\"rule\":\"format\"")
        .contains("\"field\":\"password\"", "\"rule\":\"min\"")
        .contains("\"field\":\"roles[0]\"", "\"rule\":\"known\"");
  }

  @Test
  void graphiqlIsOffAndResponsesCarrySecurityHeadersAndCors() {
    assertThat(client.get("/graphiql", null).status()).isEqualTo(404);

    GatewayClient.Response me = client.get("/api/v1/auth/me", token);
    assertThat(me.header("X-Content-Type-Options")).isEqualTo("nosniff");
    assertThat(me.header("X-Frame-Options")).isEqualTo("DENY");
    assertThat(me.header("Cache-Control")).isEqualTo("no-store");
    assertThat(me.header("Content-Security-Policy")).contains("default-src 'none'");

    GatewayClient.Response preflight =
        client.send("OPTIONS", "/api/v1/auth/me", null, null,
            Map.of("Origin", "https://app.example", "Access-Control-Request-Method", "GET",
                "Access-Control-Request-Headers", "authorization"));
    assertThat(preflight.status()).isEqualTo(200);
    assertThat(preflight.header("Access-Control-Allow-Origin")).isEqualTo("https://app.example");
    GatewayClient.Response foreign =
        client.send("OPTIONS", "/api/v1/auth/me", null, null,
            Map.of("Origin", "https://evil.example", "Access-Control-Request-Method", "GET"));
    assertThat(foreign.status()).isEqualTo(403);
    assertThat(foreign.header("Access-Control-Allow-Origin")).isNull();
  }

  @Test
  void subscriptionsAuthenticateInConnectionInit() throws Exception {
    assertThat(refusalCode(Map.of())).isEqualTo(4401);
    assertThat(refusalCode(Map.of("Authorization", "Bearer not-a-token"))).isEqualTo(4401);

    try (GraphQlSocket session = GraphQlSocket.open(port, token)) {
      session.send("{\"id\":\"1\",\"type\":\"subscribe\",\"payload\":{\"query\":\"subscription { heartbeat(intervalSeconds: 1) }\"}}");
      assertThat(session.next(10)).contains("\"next\"").contains("heartbeat");
      // Limits apply to subscriptions too (here: document size).
      session.send(
          "{\"id\":\"2\",\"type\":\"subscribe\",\"payload\":{\"query\":\"subscription { heartbeat }" + " ".repeat(700) + "\"}}");
      String refused = null;
      for (int i = 0; i < 10 && (refused == null || !refused.contains("\"2\"")); i++) {
        refused = session.next(5);
      }
      assertThat(refused).contains("BAD_USER_INPUT").contains("characters");
    }
  }

  @Test
  void secretsNeverReachTheLogs(CapturedOutput output) {
    String planted = "planted-" + UUID.randomUUID();
    String username = GatewayClient.user(users, "secrets-" + UUID.randomUUID(), "admin");
    client.post("/api/v1/auth/token", null, Map.of("username", username, "password", planted));
    client.post("/api/v1/identity/users", token, Map.of("username", "s" + UUID.randomUUID().toString().substring(0, 8), "password", planted, "roles", List.of("viewer")));
    JsonNode tokens = client.login(username, GatewayClient.PASSWORD);
    String refresh = tokens.get("refreshToken").asString();
    client.post("/api/v1/auth/token", null, Map.of("refreshToken", refresh));
    client.post("/api/v1/auth/token", null, Map.of("refreshToken", refresh)); // reuse: logged as a warning
    String apiKey = client.post("/api/v1/identity/api-keys", token, Map.of("name", "k", "roles", List.of("viewer"))).json().get("secret").asString();
    client.get("/api/v1/auth/me", apiKey + "x");

    assertThat(output.getAll())
        .contains("Refresh token reuse detected")
        .doesNotContain(planted)
        .doesNotContain(GatewayClient.PASSWORD)
        .doesNotContain(refresh)
        .doesNotContain(apiKey)
        .doesNotContain(tokens.get("accessToken").asString())
        .doesNotContain(dev.nerve.testing.TestServers.adminPassword());
  }

  /**
   * The close code of a connection the server refuses, never acknowledged. The JDK client reports
   * 1006 (abnormal closure) when the server's close frame is lost to a TCP reset that overtakes it,
   * a race of the transport on a loaded machine, so such a try is repeated.
   */
  private int refusalCode(Map<String, String> initPayload) throws Exception {
    int code = 1006;
    for (int attempt = 0; attempt < 5 && code == 1006; attempt++) {
      GraphQlSocket session = GraphQlSocket.connect(port, initPayload);
      code = session.closeCode();
      assertThat(session.pending()).noneMatch(m -> m.contains("connection_ack"));
    }
    return code;
  }
}
