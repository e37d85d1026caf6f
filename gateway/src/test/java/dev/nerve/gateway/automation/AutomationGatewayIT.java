package dev.nerve.gateway.automation;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nerve.automation.trigger.WebhookSignature;
import dev.nerve.gateway.GatewayClient;
import dev.nerve.gateway.GraphQlSocket;
import dev.nerve.gateway.GatewayTestApplication;
import dev.nerve.gateway.identity.UserStore;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;

/**
 * The automation system through the public surfaces, gateway and automation in one process:
 * every GraphQL operation and REST route of nerve.automation.v1, the execution events subscription
 * over WebSocket, and the public webhook route.
 */
@SpringBootTest(
    classes = GatewayTestApplication.class,
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {
      "nerve.targets=gateway,automation",
      "nerve.gateway.rate-limit.per-minute=100000",
      "nerve.gateway.rate-limit.anonymous-per-minute=100000",
      "nerve.automation.engine.poll-interval=50ms"
    })
class AutomationGatewayIT {

  @LocalServerPort int port;
  @Autowired UserStore users;
  @Autowired JdbcClient jdbc;

  GatewayClient client;
  String token;
  String suffix;

  @BeforeEach
  void login() {
    client = new GatewayClient(port);
    token = client.adminToken();
    suffix = UUID.randomUUID().toString().substring(0, 8);
  }

  private JsonNode gql(String query, Map<String, Object> variables) {
    JsonNode result = client.graphql(token, query, variables);
    assertThat(result.path("errors").isMissingNode() || result.path("errors").isNull()).as(result.toString()).isTrue();
    return result.get("data");
  }

  private static Map<String, Object> workflow(String id, String message) {
    return Map.of("id", id, "steps", List.of(
        Map.of("id", "a", "actionId", "transform", "input", Map.of("expression", "params.n * 2.0", "n", "${input.n}")),
        Map.of("id", "b", "actionId", "log", "dependsOn", List.of("a"), "input", Map.of("message", message + " ${steps.a.output}"))));
  }

  @Test
  void graphQlCoversWorkflowsExecutionsTasksActionsAndTriggers() {
    String wf = "gql-" + suffix;
    JsonNode created = gql(
        "mutation($i: AutomationWorkflowsCreateInput!) { automationWorkflowsCreate(input: $i) { id version flowchart steps { id dependsOn } } }",
        Map.of("i", Map.of("workflow", workflow(wf, "got"))));
    assertThat(created.at("/automationWorkflowsCreate/version").asInt()).isEqualTo(1);
    assertThat(created.at("/automationWorkflowsCreate/flowchart").asString()).startsWith("flowchart TD");

    JsonNode executed = gql(
        "mutation($i: AutomationWorkflowsExecuteInput!) { automationWorkflowsExecute(input: $i) { executionId status output"
            + " steps { stepId status attemptHistory { attempt status worker } } } }",
        Map.of("i", Map.of("workflowId", wf, "input", Map.of("n", 21), "requestId", "r-" + suffix, "waitTimeout", "PT30S")));
    JsonNode run = executed.get("automationWorkflowsExecute");
    assertThat(run.at("/status").asString()).as(run.toString()).isEqualTo("SUCCEEDED");
    assertThat(run.at("/output/b/message").asString()).isEqualTo("got 42");
    assertThat(run.at("/steps/0/attemptHistory/0/status").asString()).isEqualTo("SUCCEEDED");
    String executionId = run.at("/executionId").asString();

    JsonNode updated = gql(
        "mutation($i: AutomationWorkflowsUpdateInput!) { automationWorkflowsUpdate(input: $i) { version } }",
        Map.of("i", Map.of("id", wf, "expectedVersion", 1, "definitionYaml",
            "steps:\n  - id: only\n    actionId: log\n    input: {message: v2}\n")));
    assertThat(updated.at("/automationWorkflowsUpdate/version").asInt()).isEqualTo(2);

    JsonNode reads = gql(
        "query($id: ID!, $e: ID!) { automation {"
            + " workflows { get(id: $id) { version steps { id } } list(first: 50) { edges { cursor node { id } } pageInfo { endCursor } }"
            + " versions(id: $id) { edges { cursor node { version } } }"
            + " execution(executionId: $e) { status workflowVersion }"
            + " executions(workflowId: $id, status: SUCCEEDED, first: 10) { edges { cursor node { executionId } } pageInfo { hasNextPage } }"
            + " definitionSchema { id } }"
            + " actions { get(id: \"log\") { builtin kind } list(first: 100) { edges { cursor node { id } } } } } }",
        Map.of("id", wf, "e", executionId));
    assertThat(reads.at("/automation/workflows/get/version").asInt()).isEqualTo(2);
    assertThat(reads.at("/automation/workflows/versions/edges").size()).isEqualTo(2);
    assertThat(reads.at("/automation/workflows/versions/edges/1/cursor").asString()).as("Relay edges carry cursors").isNotEmpty();
    assertThat(reads.at("/automation/workflows/list/pageInfo/endCursor").asString()).isNotEmpty();
    assertThat(reads.at("/automation/workflows/execution/workflowVersion").asInt()).isEqualTo(1);
    assertThat(reads.at("/automation/workflows/executions/edges/0/node/executionId").asString()).isEqualTo(executionId);
    assertThat(reads.at("/automation/workflows/definitionSchema/id").asString()).isEqualTo("urn:nerve:schema:automation-workflow");
    assertThat(reads.at("/automation/actions/get/kind").asString()).isEqualTo("LOG");

    String action = "greet-" + suffix;
    gql("mutation($i: AutomationActionsRegisterInput!) { automationActionsRegister(input: $i) { id kindId } }",
        Map.of("i", Map.of("action", Map.of("id", action, "kindId", "log", "defaults", Map.of("message", "hello")))));
    JsonNode ran = gql("mutation($i: AutomationActionsExecuteInput!) { automationActionsExecute(input: $i) { ok output logs } }",
        Map.of("i", Map.of("actionId", action, "params", Map.of())));
    assertThat(ran.at("/automationActionsExecute/ok").asBoolean()).isTrue();
    assertThat(ran.at("/automationActionsExecute/logs/0").asString()).isEqualTo("info: hello");
    assertThat(gql("mutation($id: ID!) { automationActionsRemove(id: $id) }", Map.of("id", action))
        .at("/automationActionsRemove").asString()).isEqualTo(action);

    JsonNode task = gql("mutation($i: AutomationTasksScheduleInput!) { automationTasksSchedule(input: $i) { id status nextRunAt } }",
        Map.of("i", Map.of("task", Map.of("workflowId", wf, "cron", Map.of("expression", "0 8 * * *", "timeZone", "Europe/Berlin")))));
    String taskId = task.at("/automationTasksSchedule/id").asString();
    assertThat(task.at("/automationTasksSchedule/status").asString()).isEqualTo("SCHEDULED");
    JsonNode tasks = gql("query($id: ID!) { automation { tasks { get(id: $id) { cron { timeZone } } list(status: SCHEDULED) { edges { cursor node { id } } } } } }",
        Map.of("id", taskId));
    assertThat(tasks.at("/automation/tasks/get/cron/timeZone").asString()).isEqualTo("Europe/Berlin");
    assertThat(gql("mutation($id: ID!) { automationTasksCancel(id: $id) { status } }", Map.of("id", taskId))
        .at("/automationTasksCancel/status").asString()).isEqualTo("CANCELLED");

    JsonNode hook = gql("mutation($i: AutomationTriggersCreateWebhookInput!) { automationTriggersCreateWebhook(input: $i) { id secret } }",
        Map.of("i", Map.of("webhook", Map.of("workflowId", wf))));
    String hookId = hook.at("/automationTriggersCreateWebhook/id").asString();
    assertThat(gql("query { automation { triggers { webhooks(first: 10) { edges { cursor node { id secret } } } } } }", Map.of())
        .at("/automation/triggers/webhooks/edges/0/node/secret").asString()).isEmpty();
    assertThat(gql("query($id: ID!) { automation { triggers { webhook(id: $id) { workflowId } } } }", Map.of("id", hookId))
        .at("/automation/triggers/webhook/workflowId").asString()).isEqualTo(wf);
    assertThat(gql("mutation($id: ID!) { automationTriggersDeleteWebhook(id: $id) }", Map.of("id", hookId))
        .at("/automationTriggersDeleteWebhook").asString()).isEqualTo(hookId);

    String waiting = "wait-" + suffix;
    gql("mutation($i: AutomationWorkflowsCreateInput!) { automationWorkflowsCreate(input: $i) { id } }",
        Map.of("i", Map.of("workflow", Map.of("id", waiting, "steps", List.of(
            Map.of("id", "hold", "waitForEvent", Map.of("event", "go", "key", "input.k")))))));
    String held = gql("mutation($i: AutomationWorkflowsExecuteInput!) { automationWorkflowsExecute(input: $i) { executionId } }",
        Map.of("i", Map.of("workflowId", waiting, "input", Map.of("k", suffix), "returnImmediately", true)))
        .at("/automationWorkflowsExecute/executionId").asString();
    JsonNode cancelled = gql("mutation($e: ID!) { automationWorkflowsCancelExecution(executionId: $e, reason: \"no\") { status } }",
        Map.of("e", held));
    assertThat(cancelled.at("/automationWorkflowsCancelExecution/status").asString()).isEqualTo("CANCELLED");
    JsonNode retried = gql("mutation($e: ID!) { automationWorkflowsRetryExecution(executionId: $e) { status } }", Map.of("e", held));
    assertThat(retried.at("/automationWorkflowsRetryExecution/status").asString()).isEqualTo("RUNNING");
    JsonNode emitted = gql("mutation($i: AutomationTriggersEmitEventInput!) { automationTriggersEmitEvent(input: $i) { resumedSteps } }",
        Map.of("i", Map.of("name", "go", "key", suffix)));
    assertThat(emitted.at("/automationTriggersEmitEvent/resumedSteps").asInt()).isEqualTo(1);
    assertThat(gql("mutation($id: ID!) { automationWorkflowsDelete(id: $id, cancelRuns: true) }", Map.of("id", waiting))
        .at("/automationWorkflowsDelete").asString()).isEqualTo(waiting);
  }

  @Test
  void badDefinitionsAndPayloadsAreRefusedWithTheClientsPaths() {
    JsonNode cyclic = client.graphql(token,
        "mutation($i: AutomationWorkflowsCreateInput!) { automationWorkflowsCreate(input: $i) { id } }",
        Map.of("i", Map.of("workflow", Map.of("id", "cyc-" + suffix, "steps", List.of(
            Map.of("id", "a", "actionId", "log", "dependsOn", List.of("b")),
            Map.of("id", "b", "actionId", "nope", "dependsOn", List.of("a")))))));
    assertThat(cyclic.at("/errors/0/extensions/code").asString()).as(cyclic.toString()).isEqualTo("BAD_USER_INPUT");
    assertThat(cyclic.at("/errors/0/extensions/violations").toString())
        .contains("input.workflow.steps[0].dependsOn").contains("input.workflow.steps[1].actionId");
    GatewayClient.Response rest = client.post("/api/v1/automation/workflows", token,
        Map.of("workflow", Map.of("id", "bad-" + suffix, "steps", List.of(Map.of("id", "a", "actionId", "log", "condition", "input.x >")))));
    assertThat(rest.status()).as(rest.text()).isEqualTo(400);
    assertThat(rest.json().at("/violations/0/field").asString()).isEqualTo("workflow.steps[0].condition");
    GatewayClient.Response unknown = client.post("/api/v1/automation/workflows", token, Map.of("workflow", Map.of("stepz", List.of())));
    assertThat(unknown.status()).isEqualTo(400);
    long written = jdbc.sql("SELECT count(*) FROM automation.workflow WHERE id LIKE ?").param("%-" + suffix).query(Long.class).single();
    assertThat(written).isZero();
  }

  @Test
  void restCoversTheAutomationRoutes() {
    String wf = "rest-" + suffix;
    GatewayClient.Response created = client.post("/api/v1/automation/workflows", token, Map.of("workflow", workflow(wf, "rest")));
    assertThat(created.status()).as(created.text()).isEqualTo(201);
    GatewayClient.Response executed = client.post("/api/v1/automation/workflows/" + wf + "/executions", token,
        Map.of("input", Map.of("n", 2), "waitTimeout", "PT30S"));
    assertThat(executed.status()).as(executed.text()).isEqualTo(201);
    assertThat(executed.json().at("/status").asString()).isEqualTo("SUCCEEDED");
    String executionId = executed.json().at("/executionId").asString();
    assertThat(client.get("/api/v1/automation/executions/" + executionId, token).json().at("/output/b/message").asString())
        .isEqualTo("rest 4");
    assertThat(client.get("/api/v1/automation/executions?workflowId=" + wf + "&limit=5", token).json().at("/executions/0/executionId").asString())
        .isEqualTo(executionId);
    assertThat(client.get("/api/v1/automation/workflows/" + wf, token).json().at("/version").asInt()).isEqualTo(1);
    assertThat(client.get("/api/v1/automation/workflows", token).status()).isEqualTo(200);
    GatewayClient.Response put = client.send("PUT", "/api/v1/automation/workflows/" + wf, token, Map.of("workflow", workflow(wf, "v2")), Map.of());
    assertThat(put.json().at("/version").asInt()).as(put.text()).isEqualTo(2);
    assertThat(client.get("/api/v1/automation/workflows/" + wf + "/versions", token).json().at("/versions").size()).isEqualTo(2);
    assertThat(client.get("/api/v1/automation/workflow-schema", token).json().at("/schema/title").asString()).isEqualTo("Nerve workflow definition");

    GatewayClient.Response action = client.post("/api/v1/automation/actions", token,
        Map.of("action", Map.of("id", "r-" + suffix, "kindId", "transform", "config", Map.of("expression", "params.a + 1.0"))));
    assertThat(action.status()).as(action.text()).isEqualTo(201);
    GatewayClient.Response ran = client.post("/api/v1/automation/actions/r-" + suffix + "/executions", token, Map.of("params", Map.of("a", 1)));
    assertThat(ran.json().at("/output").asDouble()).as(ran.text()).isEqualTo(2.0);
    assertThat(client.get("/api/v1/automation/actions/r-" + suffix, token).json().at("/kindId").asString()).isEqualTo("transform");
    assertThat(client.get("/api/v1/automation/actions?limit=3", token).json().at("/actions").size()).isEqualTo(3);
    assertThat(client.send("DELETE", "/api/v1/automation/actions/r-" + suffix, token, null, Map.of()).status()).isEqualTo(204);

    GatewayClient.Response task = client.post("/api/v1/automation/tasks", token,
        Map.of("task", Map.of("workflowId", wf, "interval", "PT1H")));
    assertThat(task.status()).as(task.text()).isEqualTo(201);
    String taskId = task.json().at("/id").asString();
    assertThat(client.get("/api/v1/automation/tasks/" + taskId, token).json().at("/status").asString()).isEqualTo("SCHEDULED");
    assertThat(client.get("/api/v1/automation/tasks", token).status()).isEqualTo(200);
    assertThat(client.post("/api/v1/automation/tasks/" + taskId + "/cancellations", token, Map.of()).json().at("/status").asString())
        .isEqualTo("CANCELLED");

    GatewayClient.Response hook = client.post("/api/v1/automation/webhooks", token, Map.of("webhook", Map.of("workflowId", wf)));
    assertThat(hook.status()).isEqualTo(201);
    String hookId = hook.json().at("/id").asString();
    assertThat(client.get("/api/v1/automation/webhooks/" + hookId, token).status()).isEqualTo(200);
    assertThat(client.get("/api/v1/automation/webhooks", token).status()).isEqualTo(200);
    assertThat(client.send("DELETE", "/api/v1/automation/webhooks/" + hookId, token, null, Map.of()).status()).isEqualTo(204);

    GatewayClient.Response emitted = client.post("/api/v1/automation/events", token, Map.of("name", "nothing.waits", "key", "k"));
    assertThat(emitted.json().at("/resumedSteps").asInt()).as(emitted.text()).isZero();

    String waiting = "rest-wait-" + suffix;
    client.post("/api/v1/automation/workflows", token, Map.of("workflow", Map.of("id", waiting, "steps", List.of(
        Map.of("id", "hold", "wait", Map.of("duration", "PT1H"))))));
    String held = client.post("/api/v1/automation/workflows/" + waiting + "/executions", token, Map.of("returnImmediately", true))
        .json().at("/executionId").asString();
    GatewayClient.Response cancel = client.post("/api/v1/automation/executions/" + held + "/cancellations", token, Map.of("reason", "stop"));
    assertThat(cancel.json().at("/status").asString()).as(cancel.text()).isEqualTo("CANCELLED");
    assertThat(client.post("/api/v1/automation/executions/" + held + "/retries", token, Map.of()).json().at("/status").asString())
        .isEqualTo("RUNNING");
    assertThat(client.send("DELETE", "/api/v1/automation/workflows/" + waiting + "?cancelRuns=true", token, null, Map.of()).status())
        .isEqualTo(204);
    assertThat(client.get("/api/v1/automation/workflows/" + waiting, token).status()).isEqualTo(404);

    String viewer = client.accessToken(GatewayClient.user(users, "default", "viewer"), GatewayClient.PASSWORD);
    assertThat(client.post("/api/v1/automation/workflows/" + wf + "/executions", viewer, Map.of()).status()).isEqualTo(403);
    assertThat(client.get("/api/v1/automation/workflows/" + wf, viewer).status()).isEqualTo(200);
  }

  @Test
  void theWebhookRouteStartsTheWorkflowOnlyForAValidSignature() {
    String wf = "hooked-" + suffix;
    client.post("/api/v1/automation/workflows", token, Map.of("workflow", Map.of("id", wf, "steps", List.of(
        Map.of("id", "b", "actionId", "log", "input", Map.of("message", "hook ${input.body.n}"))))));
    JsonNode hook = client.post("/api/v1/automation/webhooks", token, Map.of("webhook", Map.of("workflowId", wf))).json();
    String id = hook.at("/id").asString();
    String secret = hook.at("/secret").asString();
    String body = "{\"n\": 5}";
    long now = Instant.now().getEpochSecond();
    String good = WebhookSignature.sign(secret, now, body.getBytes(StandardCharsets.UTF_8));

    GatewayClient.Response unsigned = client.send("POST", "/api/v1/hooks/" + id, null, body, Map.of("Content-Type", "application/json"));
    GatewayClient.Response forged = client.send("POST", "/api/v1/hooks/" + id, null, body,
        Map.of("Content-Type", "application/json", "X-Nerve-Signature", WebhookSignature.sign("guess", now, body.getBytes(StandardCharsets.UTF_8))));
    GatewayClient.Response stale = client.send("POST", "/api/v1/hooks/" + id, null, body,
        Map.of("Content-Type", "application/json", "X-Nerve-Signature", WebhookSignature.sign(secret, now - 7200, body.getBytes(StandardCharsets.UTF_8))));
    assertThat(unsigned.status()).as(unsigned.text()).isEqualTo(401);
    assertThat(forged.status()).isEqualTo(401);
    assertThat(stale.status()).isEqualTo(401);
    assertThat(executionsOf(wf)).as("refused deliveries start nothing").isZero();

    GatewayClient.Response accepted = client.send("POST", "/api/v1/hooks/" + id, null, body,
        Map.of("Content-Type", "application/json", "X-Nerve-Signature", good));
    assertThat(accepted.status()).as(accepted.text()).isEqualTo(202);
    String executionId = accepted.json().at("/executionId").asString();
    Awaitility.await().atMost(Duration.ofSeconds(30)).until(() ->
        "SUCCEEDED".equals(client.get("/api/v1/automation/executions/" + executionId, token).json().at("/status").asString()));
    assertThat(client.get("/api/v1/automation/executions/" + executionId, token).json().at("/output/b/message").asString()).isEqualTo("hook 5");
    GatewayClient.Response replay = client.send("POST", "/api/v1/hooks/" + id, null, body,
        Map.of("Content-Type", "application/json", "X-Nerve-Signature", good));
    assertThat(replay.status()).isEqualTo(401);
    assertThat(executionsOf(wf)).isEqualTo(1);
  }

  private long executionsOf(String workflowId) {
    return jdbc.sql("SELECT count(*) FROM automation.run WHERE workflow_id = ?").param(workflowId).query(Long.class).single();
  }

  @Test
  void executionEventsStreamOverTheWebSocketSubscription() throws Exception {
    String wf = "ws-" + suffix;
    client.post("/api/v1/automation/workflows", token, Map.of("workflow", Map.of("id", wf, "steps", List.of(
        Map.of("id", "hold", "waitForEvent", Map.of("event", "ws.go", "key", "'" + suffix + "'")),
        Map.of("id", "done", "actionId", "log", "dependsOn", List.of("hold"), "input", Map.of("message", "done"))))));
    String executionId = client.post("/api/v1/automation/workflows/" + wf + "/executions", token, Map.of("returnImmediately", true))
        .json().at("/executionId").asString();
    Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> client.get("/api/v1/automation/executions/" + executionId, token)
        .json().at("/steps/0/status").asString().equals("WAITING"));

    String subscription = "subscription($e: ID!) { automationWorkflowsExecutionEvents(executionId: $e) { type status stepId stepStatus seq snapshot { executionId } } }";
    try (GraphQlSocket socket = GraphQlSocket.open(port, token)) {
      socket.subscribe("1", subscription, Map.of("e", executionId));
      String first = socket.next(15);
      assertThat(first).contains("\"next\"").contains("SNAPSHOT").contains(executionId);
      client.post("/api/v1/automation/events", token, Map.of("name", "ws.go", "key", suffix));
      String all = first + String.join("", socket.untilDone(20));
      assertThat(all).contains("\"stepId\":\"done\"").contains("\"type\":\"EXECUTION\"").contains("\"status\":\"SUCCEEDED\"")
          .contains("\"complete\"");
    }
  }
}
