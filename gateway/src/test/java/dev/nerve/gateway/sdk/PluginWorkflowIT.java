package dev.nerve.gateway.sdk;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nerve.gateway.GatewayClient;
import dev.nerve.gateway.GatewayTestApplication;
import dev.nerve.testing.PluginJars;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;

/**
 * A Java plugin from jar to workflow and back, with gateway, sdk and automation in one process:
 * a jar compiled during the test is loaded (a tampered copy is refused), its action kind is
 * registered as an automation action and run as a workflow step, unloading it is refused with
 * CONFLICT while the workflow uses it, and after a forced unload the step fails cleanly.
 */
@SpringBootTest(
    classes = GatewayTestApplication.class,
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {
      "nerve.targets=gateway,sdk,automation",
      "nerve.gateway.rate-limit.per-minute=100000",
      "nerve.automation.engine.poll-interval=50ms",
      "nerve.database.max-pool-size=3"
    })
class PluginWorkflowIT {

  static final String STAMPER = """
      package acme;

      import dev.nerve.extension.api.*;
      import java.util.*;

      public class Stamper implements NerveExtension {
        @Override
        public void start(ExtensionContext context) {}

        @Override
        public List<ActionDefinition> actions() {
          return List.of(new ActionDefinition("stamp", "Stamps a name",
              "{\\"type\\":\\"object\\",\\"required\\":[\\"name\\"],\\"properties\\":{\\"name\\":{\\"type\\":\\"string\\"}}}"));
        }

        @Override
        public Object invoke(ActionInvocation run) {
          run.log("stamping " + run.input().get("name"));
          return Map.of("text", "stamped " + run.input().get("name"));
        }
      }
      """;

  @LocalServerPort int port;
  @Autowired JdbcClient jdbc;

  @Test
  void aPluginBuiltHereRunsAsAWorkflowStepAndCannotBeUnloadedFromUnderIt(@TempDir Path work) throws Exception {
    GatewayClient client = new GatewayClient(port);
    String token = client.adminToken();
    String suffix = UUID.randomUUID().toString().substring(0, 8);
    String extension = "stamper-" + suffix;
    byte[] jar = PluginJars.build("acme.Stamper", STAMPER, work);
    String sha256 = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(jar));
    byte[] tampered = jar.clone();
    tampered[tampered.length / 2] ^= 1;

    GatewayClient.Response refused = client.post("/api/v1/sdk/extensions", token, Map.of("extension", plugin(extension, tampered, sha256)));
    assertThat(refused.status()).as(refused.text()).isEqualTo(400);
    assertThat(refused.text()).contains("extension.plugin.sha256");
    assertThat(client.get("/api/v1/sdk/extensions/" + extension, token).status()).as("a refused load writes nothing").isEqualTo(404);

    GatewayClient.Response loaded = client.post("/api/v1/sdk/extensions", token, Map.of("extension", plugin(extension, jar, sha256)));
    assertThat(loaded.status()).as(loaded.text()).isEqualTo(201);
    assertThat(loaded.json().get("status").asString()).isEqualTo("LOADED");
    String kind = "ext:" + extension + ":stamp";
    assertThat(loaded.json().at("/contributions/actionKinds/0").asString()).isEqualTo(kind);

    String action = "stamp-" + suffix;
    GatewayClient.Response registered = client.post("/api/v1/automation/actions", token,
        Map.of("action", Map.of("id", action, "kindId", kind)));
    assertThat(registered.status()).as(registered.text()).isEqualTo(201);
    String workflow = "stamping-" + suffix;
    GatewayClient.Response created = client.post("/api/v1/automation/workflows", token, Map.of("workflow", Map.of("id", workflow,
        "steps", List.of(Map.of("id", "stamp", "actionId", action, "input", Map.of("name", "${input.name}"))))));
    assertThat(created.status()).as(created.text()).isEqualTo(201);

    JsonNode run = client.post("/api/v1/automation/workflows/" + workflow + "/executions", token,
        Map.of("input", Map.of("name", "Ada"), "waitTimeout", "PT30S")).json();
    assertThat(run.get("status").asString()).as(run.toString()).isEqualTo("SUCCEEDED");
    assertThat(run.at("/output/stamp/text").asString()).isEqualTo("stamped Ada");

    JsonNode usages = client.get("/api/v1/automation/action-kind-usages?kindPrefix=ext:" + extension + ":", token).json();
    assertThat(usages.get("actionIds").toString()).contains(action);
    assertThat(usages.get("workflowIds").toString()).contains(workflow);
    JsonNode viaGraphQl = client.graphql(token, "query($p: String!) { automation { actions { kindUsages(kindPrefix: $p) { workflowIds } } } }",
        Map.of("p", "ext:" + extension + ":"));
    assertThat(viaGraphQl.at("/data/automation/actions/kindUsages/workflowIds/0").asString()).as(viaGraphQl.toString()).isEqualTo(workflow);

    GatewayClient.Response inUse = client.send("DELETE", "/api/v1/sdk/extensions/" + extension, token, null, Map.of());
    assertThat(inUse.status()).as(inUse.text()).isEqualTo(409);
    assertThat(inUse.text()).contains(workflow);
    assertThat(client.get("/api/v1/sdk/extensions/" + extension, token).json().get("status").asString()).isEqualTo("LOADED");
    JsonNode stillRuns = client.post("/api/v1/automation/workflows/" + workflow + "/executions", token,
        Map.of("input", Map.of("name", "Bo"), "waitTimeout", "PT30S")).json();
    assertThat(stillRuns.at("/output/stamp/text").asString()).as(stillRuns.toString()).isEqualTo("stamped Bo");

    GatewayClient.Response forced = client.send("DELETE", "/api/v1/sdk/extensions/" + extension + "?force=true", token, null, Map.of());
    assertThat(forced.status()).as(forced.text()).isEqualTo(204);
    assertThat(client.get("/api/v1/sdk/extensions/" + extension, token).json().get("status").asString()).isEqualTo("UNLOADED");
    JsonNode afterUnload = client.post("/api/v1/automation/workflows/" + workflow + "/executions", token,
        Map.of("input", Map.of("name", "Cy"), "waitTimeout", "PT30S")).json();
    assertThat(afterUnload.get("status").asString()).as(afterUnload.toString()).isEqualTo("FAILED");
    assertThat(afterUnload.toString()).contains("not loaded");
  }

  @Test
  void theUsageReadRefusesAShortPrefix() {
    GatewayClient client = new GatewayClient(port);
    GatewayClient.Response refused = client.get("/api/v1/automation/action-kind-usages?kindPrefix=e", client.adminToken());
    assertThat(refused.status()).as(refused.text()).isEqualTo(400);
    assertThat(refused.text()).contains("kindPrefix");
  }

  private static Map<String, Object> plugin(String id, byte[] jar, String sha256) {
    return Map.of("id", id, "version", "1.0.0", "kind", "JAVA_PLUGIN",
        "plugin", Map.of("content", Base64.getEncoder().encodeToString(jar), "sha256", sha256));
  }
}
