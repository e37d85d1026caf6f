package dev.nerve.gateway.installation;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nerve.api.automation.v1.ListWorkflowsRequest;
import dev.nerve.api.automation.v1.WorkflowServiceGrpc;
import dev.nerve.api.learning.v1.ListModelsRequest;
import dev.nerve.api.learning.v1.ModelServiceGrpc;
import dev.nerve.api.memory.v1.ContextServiceGrpc;
import dev.nerve.api.memory.v1.ListContextsRequest;
import dev.nerve.api.memory.v1.ListMemoriesRequest;
import dev.nerve.api.memory.v1.LongTermMemoryServiceGrpc;
import dev.nerve.api.sdk.v1.ApiEndpointServiceGrpc;
import dev.nerve.api.sdk.v1.ListEndpointsRequest;
import dev.nerve.gateway.GatewayClient;
import dev.nerve.gateway.GatewayTestApplication;
import dev.nerve.gateway.identity.UserStore;
import dev.nerve.platform.grpc.ChannelFactory;
import dev.nerve.platform.identity.Identity;
import dev.nerve.platform.identity.IdentityContext;
import dev.nerve.platform.target.Target;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;

/**
 * installation.environment.verify on a healthy server running every target, through GraphQL and
 * REST: every system's smoke passes through its gRPC contract (the SDK's through the allowlisted
 * loopback), each with its timing, and the smokes leave nothing in their tenant.
 */
@SpringBootTest(
    classes = GatewayTestApplication.class,
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {
      "nerve.targets=all",
      "nerve.outbound.allow-cidrs=127.0.0.1/32",
      "nerve.gateway.rate-limit.per-minute=100000",
      "nerve.automation.engine.poll-interval=50ms"
    })
class VerifyGatewayIT {

  static final List<String> SMOKES =
      List.of("smoke.memory", "smoke.memory.context", "smoke.automation", "smoke.sdk", "smoke.learning");
  /** The identity the smokes act as, to look at what they left. */
  static final Identity VERIFIER = new Identity("nerve-verify", "installation-verify", Set.of("admin"));

  @LocalServerPort int port;
  @Autowired UserStore users;
  @Autowired ChannelFactory channels;

  @Test
  void checkNamesAnExtensionOfTheCallersTenantThatFailedToLoad() {
    GatewayClient client = new GatewayClient(port);
    String admin = client.adminToken();
    // An MCP server nobody listens at: it is recorded as FAILED with the reason.
    String id = "broken-mcp-" + UUID.randomUUID().toString().substring(0, 8);
    GatewayClient.Response loaded = client.post("/api/v1/sdk/extensions", admin, Map.of("extension", Map.of(
        "id", id, "version", "1.0.0", "kind", "MCP_SERVER", "mcp", Map.of("url", "http://127.0.0.1:1/mcp"))));
    assertThat(loaded.status()).as(loaded.text()).isBetween(200, 201);
    assertThat(loaded.json().get("status").asString()).isEqualTo("FAILED");
    try {
      Map<String, JsonNode> checks = byId(client.get("/api/v1/environment/checks", admin).json().get("checks"));
      JsonNode extensions = checks.get("sdk.extensions");
      assertThat(extensions.get("status").asString()).as(extensions.toString()).isEqualTo("WARN");
      assertThat(extensions.get("detail").asString()).contains(id).contains("failed to load");
      assertThat(extensions.get("remedy").asString()).contains("unload");
    } finally {
      assertThat(client.send("DELETE", "/api/v1/sdk/extensions/" + id, admin, null, Map.of()).status()).isBetween(200, 204);
    }
  }

  private static Map<String, JsonNode> byId(JsonNode checks) {
    Map<String, JsonNode> found = new LinkedHashMap<>();
    checks.forEach(check -> found.put(check.get("id").asString(), check));
    return found;
  }

  @Test
  void graphQlVerifySmokesEverySystemAndLeavesNothingBehind() {
    GatewayClient client = new GatewayClient(port);
    // Verify is a read for the caller: a viewer may run it; the smokes act in their own tenant.
    String viewer =
        client.accessToken(
            GatewayClient.user(users, "vfy-" + UUID.randomUUID().toString().substring(0, 8), "viewer"),
            GatewayClient.PASSWORD);

    JsonNode result =
        client.graphql(
            viewer,
            "{ installation { environment { verify { ok verifiedAt checks { id group status title detail remedy duration } } } } }");

    assertThat(result.path("errors").isMissingNode() || result.path("errors").isNull()).as(result.toString()).isTrue();
    JsonNode verify = result.at("/data/installation/environment/verify");
    Map<String, JsonNode> checks = byId(verify.get("checks"));
    for (String smoke : SMOKES) {
      JsonNode check = checks.get(smoke);
      assertThat(check).as(smoke + " in " + checks.keySet()).isNotNull();
      assertThat(check.get("status").asString()).as(check.toString()).isEqualTo("OK");
      assertThat(check.get("group").asString()).isEqualTo("services");
      assertThat(check.get("detail").asString()).as(smoke).contains("in this process");
      assertThat(check.get("duration").asString()).as(smoke).isNotEmpty();
    }
    assertThat(checks.get("smoke.sdk").get("detail").asString()).contains("through the outbound allowlist");
    assertThat(verify.get("ok").asBoolean()).as(verify.toString()).isTrue();
    assertNothingLeft();
  }

  @Test
  void restVerifyReportsTheSmokesAndARepeatStillLeavesNothing() {
    GatewayClient client = new GatewayClient(port);
    String admin = client.adminToken();

    for (int run = 0; run < 2; run++) {
      GatewayClient.Response verified = client.post("/api/v1/environment/verifications", admin, Map.of());

      assertThat(verified.status()).as(verified.text()).isEqualTo(200);
      Map<String, JsonNode> checks = byId(verified.json().get("checks"));
      assertThat(checks.keySet()).containsAll(SMOKES).contains("postgres.roundtrip", "redis.roundtrip");
      SMOKES.forEach(id -> assertThat(checks.get(id).get("status").asString()).as(checks.get(id).toString()).isEqualTo("OK"));
      assertThat(verified.json().get("ok").asBoolean()).isTrue();
    }
    assertNothingLeft();

    GatewayClient.Response checksOnly =
        client.post("/api/v1/environment/verifications", admin, Map.of("skipRoundTrip", true));
    assertThat(checksOnly.status()).isEqualTo(200);
    assertThat(checksOnly.json().get("checks").findValuesAsString("id")).doesNotContainAnyElementsOf(SMOKES);
  }

  @Test
  void checkOnEveryTargetFindsTheSigningKeysTheEmbeddingModelAndEverySchemaMigrated() {
    GatewayClient client = new GatewayClient(port);
    String admin = client.adminToken(); // signing in makes sure the gateway has a signing key

    GatewayClient.Response checked = client.get("/api/v1/environment/checks", admin);

    assertThat(checked.status()).as(checked.text()).isEqualTo(200);
    Map<String, JsonNode> checks = byId(checked.json().get("checks"));
    assertThat(checks.get("security.signing-keys").get("status").asString()).isEqualTo("OK");
    assertThat(checks.get("security.signing-keys").get("detail").asString()).startsWith("the gateway publishes ");
    assertThat(checks.get("memory.embedding").get("status").asString()).as(checks.get("memory.embedding").toString()).isEqualTo("OK");
    assertThat(checks.get("memory.embedding").get("detail").asString()).contains("embedded a query");
    // The caller's tenant's extensions, through the SDK's contract as the caller.
    assertThat(checks.get("sdk.extensions").get("status").asString()).as(checks.get("sdk.extensions").toString()).isEqualTo("OK");
    assertThat(checks.get("sdk.extensions").get("detail").asString()).containsAnyOf("no extensions in this tenant", "none failed");
    assertThat(checks.get("postgres.migrations").get("detail").asString())
        .contains("gateway v", "memory v", "installation v", "sdk v", "automation v", "learning v")
        .doesNotContain("pending");
    assertThat(checks.get("grpc.health.learning").get("detail").asString()).isEqualTo("learning is SERVING, reached in this process");
    assertThat(checked.json().get("overall").asString()).as(checked.text()).isIn("OK", "WARN");
  }

  /** Every contract, asked as the verifier, shows its tenant empty again. */
  private void assertNothingLeft() {
    IdentityContext.callAs(
        VERIFIER,
        () -> {
          assertThat(LongTermMemoryServiceGrpc.newBlockingStub(channels.channel(Target.MEMORY)).withDeadlineAfter(10, TimeUnit.SECONDS)
                  .list(ListMemoriesRequest.newBuilder().setIncludeExpired(true).build()).getMemoriesList())
              .isEmpty();
          assertThat(ContextServiceGrpc.newBlockingStub(channels.channel(Target.MEMORY)).withDeadlineAfter(10, TimeUnit.SECONDS)
                  .list(ListContextsRequest.getDefaultInstance()).getContextsList())
              .isEmpty();
          assertThat(WorkflowServiceGrpc.newBlockingStub(channels.channel(Target.AUTOMATION)).withDeadlineAfter(10, TimeUnit.SECONDS)
                  .list(ListWorkflowsRequest.getDefaultInstance()).getWorkflowsList())
              .isEmpty();
          assertThat(ModelServiceGrpc.newBlockingStub(channels.channel(Target.LEARNING)).withDeadlineAfter(10, TimeUnit.SECONDS)
                  .list(ListModelsRequest.getDefaultInstance()).getModelsList())
              .isEmpty();
          assertThat(ApiEndpointServiceGrpc.newBlockingStub(channels.channel(Target.SDK)).withDeadlineAfter(10, TimeUnit.SECONDS)
                  .list(ListEndpointsRequest.getDefaultInstance()).getEndpointsList())
              .isEmpty();
          return null;
        });
  }
}
