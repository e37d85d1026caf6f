package dev.nerve.gateway.installation;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nerve.gateway.GatewayClient;
import dev.nerve.gateway.GatewayTestApplication;
import dev.nerve.gateway.identity.UserStore;
import dev.nerve.testing.TestServers;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;

/**
 * installation.configuration through the public surfaces, gateway and installation in one process:
 * every GraphQL operation and REST route, their permissions and audit, and a saved rate limit
 * taking effect on a second gateway replica (its own context and Redis connections) without a
 * restart.
 */
@SpringBootTest(
    classes = GatewayTestApplication.class,
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {"nerve.targets=gateway,installation"})
class ConfigurationGatewayIT {

  @LocalServerPort int port;
  @Autowired UserStore users;

  GatewayClient client;
  String tenant;
  String admin;

  @BeforeEach
  void setUp() {
    client = new GatewayClient(port);
    tenant = "cfg-" + UUID.randomUUID().toString().substring(0, 8);
    admin = client.accessToken(GatewayClient.user(users, tenant, "admin"), GatewayClient.PASSWORD);
  }

  private JsonNode gql(String token, String query, Map<String, Object> variables) {
    JsonNode result = client.graphql(token, query, variables);
    assertThat(result.path("errors").isMissingNode() || result.path("errors").isNull()).as(result.toString()).isTrue();
    return result.get("data");
  }

  @Test
  void graphQlCoversEveryConfigurationOperation() {
    JsonNode invalid = gql(admin,
        "query($d: JSON!) { installation { configuration { validate(document: $d) { valid violations { pointer rule message } } } } }",
        Map.of("d", Map.of("rateLimits", Map.of("perMinute", -1, "typo", 1))));
    assertThat(invalid.at("/installation/configuration/validate/valid").asBoolean()).isFalse();
    assertThat(invalid.at("/installation/configuration/validate/violations").findValuesAsString("pointer"))
        .containsExactlyInAnyOrder("/rateLimits/perMinute", "/rateLimits/typo");

    JsonNode saved = gql(admin,
        "mutation($i: InstallationConfigurationSaveInput!) { installationConfigurationSave(input: $i) {"
            + " unchanged appliedLive restartRequired version { version scope savedBy note changes { pointer before after restartRequired } } } }",
        Map.of("i", Map.of("document", Map.of("memory", Map.of("search", Map.of("vectorWeight", 2))), "expectedVersion", 0, "note", "tune")));
    JsonNode response = saved.get("installationConfigurationSave");
    assertThat(response.at("/version/version").asInt()).isEqualTo(1);
    assertThat(response.at("/version/scope").asString()).isEqualTo("TENANT");
    assertThat(response.at("/version/note").asString()).isEqualTo("tune");
    assertThat(response.at("/version/changes/0/pointer").asString()).isEqualTo("/memory/search/vectorWeight");
    assertThat(response.at("/version/changes/0/after").asDouble()).isEqualTo(2.0);
    assertThat(response.at("/version/changes/0/before").isNull()).isTrue();
    assertThat(response.at("/appliedLive/0").asString()).isEqualTo("/memory/search/vectorWeight");

    gql(admin,
        "mutation($i: InstallationConfigurationSaveInput!) { installationConfigurationSave(input: $i) { version { version } } }",
        Map.of("i", Map.of("document", Map.of("memory", Map.of("search", Map.of("vectorWeight", 3))))));

    JsonNode reads = gql(admin,
        "{ installation { configuration {"
            + " load { tenantId tenantVersion document settings { pointer value source live property tenantSettable } }"
            + " versions(first: 1) { edges { cursor node { version changes { pointer } } } pageInfo { hasNextPage endCursor } }"
            + " version(version: 1) { document savedAt }"
            + " diff(fromVersion: 1, toVersion: 2) { fromVersion toVersion changes { pointer before after } }"
            + " schema } } }",
        null);
    JsonNode configuration = reads.at("/installation/configuration");
    assertThat(configuration.at("/load/tenantId").asString()).isEqualTo(tenant);
    assertThat(configuration.at("/load/tenantVersion").asInt()).isEqualTo(2);
    assertThat(configuration.at("/load/document/memory/search/vectorWeight").asDouble()).isEqualTo(3.0);
    JsonNode vector = null;
    for (JsonNode setting : configuration.at("/load/settings")) {
      if (setting.get("pointer").asString().equals("/memory/search/vectorWeight")) {
        vector = setting;
      }
    }
    assertThat(vector).isNotNull();
    assertThat(vector.get("source").asString()).isEqualTo("STORED_TENANT");
    assertThat(vector.get("property").asString()).isEqualTo("nerve.memory.long-term.vector-weight");
    assertThat(configuration.at("/versions/edges/0/node/version").asInt()).isEqualTo(2);
    assertThat(configuration.at("/versions/pageInfo/hasNextPage").asBoolean()).isTrue();
    assertThat(configuration.at("/version/document/memory/search/vectorWeight").asDouble()).isEqualTo(2.0);
    assertThat(configuration.at("/diff/changes/0/before").asDouble()).isEqualTo(2.0);
    assertThat(configuration.at("/diff/changes/0/after").asDouble()).isEqualTo(3.0);
    assertThat(configuration.at("/schema/title").asString()).isEqualTo("Nerve configuration");

    JsonNode rolledBack = gql(admin,
        "mutation { installationConfigurationRollback(input: {version: 1, expectedVersion: 2}) { version { version rolledBackTo document } } }",
        null);
    assertThat(rolledBack.at("/installationConfigurationRollback/version/version").asInt()).isEqualTo(3);
    assertThat(rolledBack.at("/installationConfigurationRollback/version/rolledBackTo").asInt()).isEqualTo(1);

    // Refusals: an invalid save names the pointer; a stale version conflicts.
    JsonNode refused = client.graphql(admin,
        "mutation { installationConfigurationSave(input: {document: {rateLimits: {perMinute: 0}}}) { unchanged } }");
    assertThat(refused.at("/errors/0/extensions/code").asString()).isEqualTo("BAD_USER_INPUT");
    assertThat(refused.at("/errors/0/extensions/violations/0/field").asString()).isEqualTo("input./rateLimits/perMinute");
    JsonNode stale = client.graphql(admin,
        "mutation { installationConfigurationSave(input: {document: {}, expectedVersion: 1}) { unchanged } }");
    assertThat(stale.at("/errors/0/extensions/code").asString()).isEqualTo("CONFLICT");

    // Saves are audited as mutations.
    JsonNode audit = client.get("/api/v1/audit", admin).json().get("items");
    assertThat(audit.findValuesAsString("operation")).contains("Mutation.installationConfigurationSave", "Mutation.installationConfigurationRollback");
  }

  @Test
  void restCoversEveryConfigurationRoute() {
    GatewayClient.Response schema = client.get("/schemas/configuration.json", null);
    assertThat(schema.status()).as(schema.text()).isEqualTo(200);
    assertThat(schema.header("Content-Type")).startsWith("application/schema+json");
    assertThat(schema.json().get("$id").asString()).isEqualTo("https://nerve.dev/schemas/configuration.json");
    assertThat(client.get("/api/v1/configuration/schema", admin).json().get("$id").asString())
        .isEqualTo("https://nerve.dev/schemas/configuration.json");
    assertThat(client.get("/api/v1/configuration/schema", null).status()).isEqualTo(401);

    GatewayClient.Response invalid = client.post("/api/v1/configuration:validate", admin,
        Map.of("document", Map.of("outbound", Map.of("allowCidrs", List.of("300.1.1.1")))));
    assertThat(invalid.status()).isEqualTo(200);
    assertThat(invalid.json().at("/violations/0/pointer").asString()).isEqualTo("/outbound/allowCidrs");
    assertThat(invalid.json().at("/violations/0/rule").asString()).isEqualTo("scope");

    GatewayClient.Response refused = client.send("PUT", "/api/v1/configuration", admin,
        Map.of("document", Map.of("rateLimits", Map.of("perMinute", "ten"))), Map.of());
    assertThat(refused.status()).isEqualTo(400);
    assertThat(refused.json().at("/violations/0/field").asString()).isEqualTo("/rateLimits/perMinute");

    GatewayClient.Response saved = client.send("PUT", "/api/v1/configuration", admin,
        Map.of("document", Map.of("rateLimits", Map.of("perMinute", 5000)), "note", "rest"), Map.of());
    assertThat(saved.status()).as(saved.text()).isEqualTo(200);
    assertThat(saved.json().at("/version/version").asInt()).isEqualTo(1);
    GatewayClient.Response again = client.send("PUT", "/api/v1/configuration", admin,
        Map.of("document", Map.of("rateLimits", Map.of("perMinute", 5000))), Map.of());
    assertThat(again.json().get("unchanged").asBoolean()).isTrue();
    client.send("PUT", "/api/v1/configuration", admin, Map.of("document", Map.of("rateLimits", Map.of("perMinute", 4000))), Map.of());

    JsonNode loaded = client.get("/api/v1/configuration", admin).json();
    assertThat(loaded.at("/document/rateLimits/perMinute").asInt()).isEqualTo(4000);
    assertThat(client.get("/api/v1/configuration/versions?limit=1", admin).json().at("/versions/0/version").asInt()).isEqualTo(2);
    assertThat(client.get("/api/v1/configuration/versions/1", admin).json().at("/document/rateLimits/perMinute").asInt()).isEqualTo(5000);
    assertThat(client.get("/api/v1/configuration/versions/7", admin).status()).isEqualTo(404);
    JsonNode diff = client.get("/api/v1/configuration/diff?fromVersion=1&toVersion=2", admin).json();
    assertThat(diff.at("/changes/0/pointer").asString()).isEqualTo("/rateLimits/perMinute");
    GatewayClient.Response rolledBack = client.post("/api/v1/configuration:rollback", admin, Map.of("version", 1));
    assertThat(rolledBack.status()).isEqualTo(200);
    assertThat(rolledBack.json().at("/version/rolledBackTo").asInt()).isEqualTo(1);

    JsonNode audit = client.get("/api/v1/audit", admin).json().get("items");
    assertThat(audit.findValuesAsString("operation")).contains("PUT /api/v1/configuration", "POST /api/v1/configuration:rollback");
  }

  @Test
  void environmentChecksAndVerifyThroughBothSurfacesCarryTheirGroup() {
    JsonNode checks = gql(admin,
        "{ installation { environment { check(checkIds: [\"clock.skew\", \"configuration.valid\"]) { overall checks { id group status duration } } } } }",
        null);
    JsonNode list = checks.at("/installation/environment/check/checks");
    assertThat(list.findValuesAsString("id")).containsExactly("clock.skew", "configuration.valid");
    assertThat(list.findValuesAsString("group")).containsExactly("runtime", "configuration");
    assertThat(list.findValuesAsString("status")).containsOnly("OK");

    GatewayClient.Response rest = client.get("/api/v1/environment/checks?checkIds=security.master-key", admin);
    assertThat(rest.status()).as(rest.text()).isEqualTo(200);
    assertThat(rest.json().at("/checks/0/group").asString()).isEqualTo("security");

    GatewayClient.Response verified = client.post("/api/v1/environment/verifications", admin, Map.of());
    assertThat(verified.status()).as(verified.text()).isEqualTo(200);
    assertThat(verified.json().get("checks").findValuesAsString("id")).contains("postgres.roundtrip", "redis.roundtrip");
    assertThat(client.post("/api/v1/environment/verifications", null, Map.of()).status()).isEqualTo(401);
  }

  @Test
  void readsNeedACredentialAndChangesAnAdministrator() {
    String viewer = client.accessToken(GatewayClient.user(users, tenant, "viewer"), GatewayClient.PASSWORD);
    assertThat(client.get("/api/v1/configuration", null).status()).isEqualTo(401);
    assertThat(client.get("/api/v1/configuration", viewer).status()).isEqualTo(200);
    assertThat(client.send("PUT", "/api/v1/configuration", viewer, Map.of("document", Map.of()), Map.of()).status())
        .isEqualTo(403);
    assertThat(client.post("/api/v1/configuration:rollback", viewer, Map.of("version", 1)).status()).isEqualTo(403);
    assertThat(client.graphql(viewer, "mutation { installationConfigurationSave(input: {document: {}}) { unchanged } }")
            .at("/errors/0/extensions/code").asString())
        .isEqualTo("FORBIDDEN");
    // A tenant's administrator does not administer the installation.
    GatewayClient.Response global = client.send("PUT", "/api/v1/configuration", admin,
        Map.of("scope", "GLOBAL", "document", Map.of()), Map.of());
    assertThat(global.status()).isEqualTo(403);
    assertThat(global.text()).contains("'default'");
  }

  @Test
  void aSavedRateLimitTakesEffectOnAnotherReplicaWithoutRestart() {
    try (ConfigurableApplicationContext replica = gatewayReplica()) {
      GatewayClient second = new GatewayClient(((WebServerApplicationContext) replica).getWebServer().getPort());
      String user = client.accessToken(GatewayClient.user(users, tenant, "viewer"), GatewayClient.PASSWORD);
      for (int i = 0; i < 5; i++) {
        assertThat(second.get("/api/v1/auth/me", user).status()).isEqualTo(200);
      }

      GatewayClient.Response saved = client.send("PUT", "/api/v1/configuration", admin,
          Map.of("document", Map.of("rateLimits", Map.of("perMinute", 3))), Map.of());
      assertThat(saved.status()).as(saved.text()).isEqualTo(200);
      assertThat(saved.json().get("appliedLive").toString()).contains("/rateLimits/perMinute");

      AtomicInteger sent = new AtomicInteger();
      Awaitility.await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50))
          .until(() -> {
            sent.incrementAndGet();
            return second.get("/api/v1/auth/me", user).status() == 429;
          });
      assertThat(sent.get()).as("requests until the replica applied the new limit").isLessThan(50);
      // Another tenant keeps the process default.
      String other = client.accessToken(
          GatewayClient.user(users, "cfg-other-" + UUID.randomUUID().toString().substring(0, 8), "viewer"), GatewayClient.PASSWORD);
      for (int i = 0; i < 5; i++) {
        assertThat(second.get("/api/v1/auth/me", other).status()).isEqualTo(200);
      }
    }
  }

  /** A gateway-only replica on the same database and Redis, started after this context. */
  private static ConfigurableApplicationContext gatewayReplica() {
    Map<String, String> properties = new LinkedHashMap<>(TestServers.applicationProperties());
    properties.put("nerve.targets", "gateway");
    properties.put("server.port", "0");
    List<String> args = new ArrayList<>();
    properties.forEach((name, value) -> args.add("--" + name + "=" + value));
    return new SpringApplicationBuilder(GatewayTestApplication.class).run(args.toArray(String[]::new));
  }
}
