package dev.nerve.gateway.learning;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nerve.gateway.GatewayClient;
import dev.nerve.gateway.GatewayTestApplication;
import dev.nerve.gateway.identity.UserStore;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;

/**
 * The other services' activity reaching learning through their own outboxes: a memory stored and
 * deleted (memory.activity_outbox), a workflow run and action executions
 * (automation.activity_outbox), each relayed into learning's PostgreSQL table, with ids and
 * outcomes but never the memory's text or the action's input.
 */
@SpringBootTest(
    classes = GatewayTestApplication.class,
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {
      "nerve.targets=gateway,memory,automation,learning",
      "nerve.gateway.rate-limit.per-minute=100000",
      "nerve.automation.engine.poll-interval=50ms",
      "nerve.activity.relay-interval=200ms",
      "nerve.database.max-pool-size=4"
    })
class ServiceActivityIT {

  @LocalServerPort int port;
  @Autowired UserStore users;
  @Autowired JdbcClient jdbc;

  /** One recorded event as learning stored it. */
  record Row(String userId, String type, String operation, String outcome, String source, String attributes) {}

  private List<Row> recorded(String tenant, String type) {
    return jdbc.sql("SELECT user_id, type, operation, outcome, source, attributes::text FROM learning.activity_event"
            + " WHERE tenant_id = ? AND type = ? ORDER BY occurred_at")
        .params(tenant, type)
        .query((rs, n) -> new Row(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5), rs.getString(6)))
        .list();
  }

  @Test
  void memoryWritesWorkflowRunsAndActionExecutionsArriveInLearning() {
    GatewayClient client = new GatewayClient(port);
    String tenant = "svc-activity-" + UUID.randomUUID();
    String token = client.accessToken(GatewayClient.user(users, tenant, "admin"), GatewayClient.PASSWORD);
    String userId = client.get("/api/v1/auth/me", token).json().get("userId").asString();
    String secret = "the vault code is 7731-" + UUID.randomUUID();

    GatewayClient.Response stored = client.post("/api/v1/memory/long-term", token, Map.of("text", secret));
    assertThat(stored.status()).as(stored.text()).isIn(200, 201);
    String memoryId = stored.json().at("/memory/id").asString();
    assertThat(client.send("DELETE", "/api/v1/memory/long-term/" + memoryId, token, null, Map.of()).status()).isEqualTo(204);

    String workflow = "activity-wf";
    assertThat(client.post("/api/v1/automation/workflows", token, Map.of("workflow", Map.of("id", workflow, "steps", List.of(
        Map.of("id", "say", "actionId", "log", "input", Map.of("message", "step says " + secret)))))).status()).isEqualTo(201);
    JsonNode run = client.post("/api/v1/automation/workflows/" + workflow + "/executions", token,
        Map.of("input", Map.of("n", 1), "waitTimeout", "PT30S")).json();
    assertThat(run.get("status").asString()).as(run.toString()).isEqualTo("SUCCEEDED");
    GatewayClient.Response direct = client.post("/api/v1/automation/actions/log/executions", token,
        Map.of("params", Map.of("message", "direct " + secret)));
    assertThat(direct.status()).as(direct.text()).isEqualTo(200);

    Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).until(() ->
        recorded(tenant, "memory.deleted").size() == 1
            && recorded(tenant, "workflow.run.finished").size() == 1
            && recorded(tenant, "action.executed").size() == 2);

    Row memoryStored = recorded(tenant, "memory.stored").get(0);
    assertThat(memoryStored.userId()).isEqualTo(userId);
    assertThat(memoryStored.source()).isEqualTo("memory");
    assertThat(memoryStored.attributes()).contains(memoryId);
    assertThat(recorded(tenant, "memory.deleted").get(0).attributes()).contains(memoryId);
    Row finished = recorded(tenant, "workflow.run.finished").get(0);
    assertThat(finished).extracting(Row::userId, Row::operation, Row::outcome, Row::source)
        .containsExactly(userId, workflow, "SUCCEEDED", "automation");
    assertThat(finished.attributes()).contains(run.get("executionId").asString());
    assertThat(recorded(tenant, "action.executed")).allSatisfy(row -> {
      assertThat(row.operation()).isEqualTo("log");
      assertThat(row.outcome()).isEqualTo("SUCCEEDED");
      assertThat(row.userId()).isEqualTo(userId);
    });

    String everything = jdbc.sql("SELECT coalesce(string_agg(type || operation || outcome || attributes::text, ' '), '')"
            + " FROM learning.activity_event WHERE tenant_id = ?").param(tenant).query(String.class).single();
    assertThat(everything).as("names and ids only, never payloads").doesNotContain("7731");
    assertThat(client.get("/api/v1/learning/activities?types=memory.stored&types=action.executed", token).json().get("events").size())
        .as("the user reads them through learning").isEqualTo(3);

    Awaitility.await().atMost(Duration.ofSeconds(10)).until(() ->
        outboxRows("memory", tenant) == 0 && outboxRows("automation", tenant) == 0);
  }

  private long outboxRows(String schema, String tenant) {
    return jdbc.sql("SELECT count(*) FROM " + schema + ".activity_outbox WHERE tenant_id = ?").param(tenant).query(Long.class).single();
  }
}
