package dev.nerve.gateway.learning;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nerve.gateway.GatewayClient;
import dev.nerve.gateway.GraphQlSocket;
import dev.nerve.gateway.GatewayTestApplication;
import dev.nerve.gateway.identity.UserStore;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
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
 * The learning system through the public surfaces, gateway and learning in one process: every
 * GraphQL operation of learning.graphqls and every REST route of nerve.learning.v1, the
 * training-progress subscription over WebSocket, bad input refused with a clear 4xx and nothing
 * written, and another tenant's data out of reach.
 */
@SpringBootTest(
    classes = GatewayTestApplication.class,
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {
      "nerve.targets=gateway,learning",
      "nerve.gateway.rate-limit.per-minute=100000",
      "nerve.learning.jobs.poll-interval=200ms",
      "nerve.learning.patterns.sync-max-items=50",
      "nerve.learning.models.max-predict-batch=20",
      "nerve.learning.models.max-training-rows=500",
      // One more cached context in this JVM: keep its share of PostgreSQL's connections small.
      "nerve.database.max-pool-size=3"
    })
class LearningGatewayIT {

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
    return gql(token, query, variables);
  }

  private JsonNode gql(String as, String query, Map<String, Object> variables) {
    JsonNode result = client.graphql(as, query, variables);
    assertThat(result.path("errors").isMissingNode() || result.path("errors").isNull()).as(result.toString()).isTrue();
    return result.get("data");
  }

  private String errorCode(String as, String query, Map<String, Object> variables) {
    JsonNode result = client.graphql(as, query, variables);
    return result.at("/errors/0/extensions/code").asString();
  }

  /** 40 rows of two separable classes: x near 1 is "low", x near 9 is "high". */
  private static String csv() {
    StringBuilder csv = new StringBuilder("x,y,label\n");
    for (int i = 0; i < 40; i++) {
      csv.append(i % 2 == 0 ? "1," + i + ",low\n" : "9," + i + ",high\n");
    }
    return csv.toString();
  }

  private static List<Map<String, Object>> transactions(int count) {
    List<Map<String, Object>> transactions = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      transactions.add(Map.of("items", i % 3 == 2 ? List.of("a") : List.of("a", "b")));
    }
    return transactions;
  }

  @Test
  void graphQlCoversActivityPatternsAndPreferences() {
    String eventId = UUID.randomUUID().toString();
    JsonNode recorded = gql("mutation($i: LearningActivityRecordInput!) { learningActivityRecord(input: $i) { id type source recordedAt } }",
        Map.of("i", Map.of("event", Map.of("id", eventId, "type", "app.opened", "attributes", Map.of("app", "calendar-" + suffix)))));
    assertThat(recorded.at("/learningActivityRecord/id").asString()).isEqualTo(eventId);
    assertThat(recorded.at("/learningActivityRecord/recordedAt").isNull()).isFalse();
    JsonNode batch = gql("mutation($i: LearningActivityRecordManyInput!) { learningActivityRecordMany(input: $i) { recorded duplicates } }",
        Map.of("i", Map.of("events", List.of(Map.of("id", eventId, "type", "app.opened"),
            Map.of("id", UUID.randomUUID().toString(), "type", "mail.sent")))));
    assertThat(batch.at("/learningActivityRecordMany/recorded").asInt()).isEqualTo(1);
    assertThat(batch.at("/learningActivityRecordMany/duplicates").asInt()).isEqualTo(1);
    JsonNode listed = gql("{ learning { activity { list(types: [\"app.opened\"], first: 50) { edges { cursor node { id attributes } } pageInfo { hasNextPage } } } } }",
        Map.of());
    assertThat(listed.at("/learning/activity/list/edges").toString()).contains(eventId).contains("calendar-" + suffix);

    JsonNode identified = gql("mutation($i: LearningPatternsIdentifyInput!) { learningPatternsIdentify(input: $i) {"
            + " patterns { kind description support elements { eventType } } job { id } } }",
        Map.of("i", Map.of("transactions", Map.of("transactions", transactions(6)),
            "params", Map.of("minSupportCount", 2, "kinds", List.of("CO_OCCURRENCE")))));
    assertThat(identified.at("/learningPatternsIdentify/job").isNull()).isTrue();
    assertThat(identified.at("/learningPatternsIdentify/patterns").toString()).contains("a, b happen together");
    JsonNode background = gql("mutation($i: LearningPatternsIdentifyInput!) { learningPatternsIdentify(input: $i) { patterns { kind } job { id status } } }",
        Map.of("i", Map.of("transactions", Map.of("transactions", transactions(40)),
            "params", Map.of("minSupportCount", 2, "kinds", List.of("CO_OCCURRENCE")))));
    String jobId = background.at("/learningPatternsIdentify/job/id").asString();
    assertThat(jobId).as("67 items are above the synchronous limit of 50").isNotEmpty();
    Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> gql("query($id: ID!) { learning { patterns { miningJob(id: $id) { status } } } }",
        Map.of("id", jobId)).at("/learning/patterns/miningJob/status").asString().equals("SUCCEEDED"));
    assertThat(gql("query($id: ID!) { learning { patterns { miningJob(id: $id) { patterns { description } finishedAt } } } }", Map.of("id", jobId))
        .at("/learning/patterns/miningJob/patterns").toString()).contains("a, b happen together");

    JsonNode stored = gql("mutation($i: LearningPatternsStoreInput!) { learningPatternsStore(input: $i) { id kind score updatedAt } }",
        Map.of("i", Map.of("pattern", Map.of("kind", "SEQUENCE", "description", "opens the planner " + suffix + " then mails",
            "score", 0.7, "support", 0.5,
            "elements", List.of(Map.of("eventType", "planner.opened"), Map.of("eventType", "mail.sent"))))));
    String patternId = stored.at("/learningPatternsStore/id").asString();
    assertThat(stored.at("/learningPatternsStore/kind").asString()).isEqualTo("SEQUENCE");
    JsonNode reads = gql("query($id: ID!, $q: String) { learning { patterns {"
            + " get(id: $id) { id description elements { eventType } }"
            + " list(kind: SEQUENCE, first: 100) { edges { node { id } } }"
            + " retrieve(query: $q, kinds: [SEQUENCE], items: [\"mail.sent\"], minScore: 0.5, first: 10) { edges { cursor node { id score } } pageInfo { hasNextPage endCursor } }"
            + " suggestWorkflow(patternId: $id) { draft { steps { id actionId } } pattern { id } } } } }",
        Map.of("id", patternId, "q", "planner " + suffix));
    assertThat(reads.at("/learning/patterns/get/elements/0/eventType").asString()).isEqualTo("planner.opened");
    assertThat(reads.at("/learning/patterns/list/edges").toString()).contains(patternId);
    assertThat(reads.at("/learning/patterns/retrieve/edges/0/node/id").asString()).isEqualTo(patternId);
    assertThat(reads.at("/learning/patterns/suggestWorkflow/draft/steps/0/actionId").asString()).isEqualTo("planner.opened");
    assertThat(reads.at("/learning/patterns/suggestWorkflow/draft/steps/1/id").asString()).isEqualTo("step_2");
    assertThat(gql("mutation($id: ID!) { learningPatternsDelete(id: $id) }", Map.of("id", patternId)).at("/learningPatternsDelete").asString())
        .isEqualTo(patternId);
    assertThat(errorCode(token, "query($id: ID!) { learning { patterns { get(id: $id) { id } } } }", Map.of("id", patternId)))
        .isEqualTo("NOT_FOUND");

    String key = "ui.theme." + suffix;
    JsonNode learned = gql("mutation($i: LearningPreferencesLearnInput!) { learningPreferencesLearn(input: $i) { signalsUsed changed { id key value } } }",
        Map.of("i", Map.of("signals", List.of(Map.of("key", key, "value", "dark", "type", "LIKE"),
            Map.of("key", key, "value", "dark", "type", "CHOSE", "offered", List.of("dark", "light"))))));
    assertThat(learned.at("/learningPreferencesLearn/signalsUsed").asInt()).isEqualTo(2);
    String preferenceId = learned.at("/learningPreferencesLearn/changed/0/id").asString();
    JsonNode pinned = gql("mutation($i: LearningPreferencesUpdateInput!) { learningPreferencesUpdate(input: $i) { id value pinned source } }",
        Map.of("i", Map.of("preferenceId", preferenceId, "value", "light", "mode", "PIN")));
    assertThat(pinned.at("/learningPreferencesUpdate/value").asString()).isEqualTo("light");
    assertThat(pinned.at("/learningPreferencesUpdate/pinned").asBoolean()).isTrue();
    JsonNode preferences = gql("query($p: [String!]) { learning { preferences { get(keyPrefixes: $p) { userId preferences { key value values { value score confidence pinned } } } } } }",
        Map.of("p", List.of(key)));
    assertThat(preferences.at("/learning/preferences/get/preferences/0/values/0/value").asString()).isEqualTo("light");
    assertThat(preferences.at("/learning/preferences/get/preferences/0/values/1/value").asString()).isEqualTo("dark");

    String forgotten = "gone-" + suffix;
    gql("mutation($i: LearningActivityRecordInput!) { learningActivityRecord(input: $i) { id } }",
        Map.of("i", Map.of("event", Map.of("id", UUID.randomUUID().toString(), "userId", forgotten, "type", "app.opened"))));
    JsonNode forget = gql("mutation($u: ID!) { learningActivityForgetUser(userId: $u) { userId activitiesDeleted forgottenAt } }",
        Map.of("u", forgotten));
    assertThat(forget.at("/learningActivityForgetUser/activitiesDeleted").asInt()).isEqualTo(1);
    assertThat(gql("query($u: ID) { learning { activity { list(userId: $u) { edges { node { id } } } } } }", Map.of("u", forgotten))
        .at("/learning/activity/list/edges").size()).isZero();
  }

  @Test
  void graphQlCoversModelsAndStreamsTrainingProgressOverTheWebSocket() throws Exception {
    String dataset = "ds-" + suffix;
    JsonNode uploaded = gql("mutation($i: LearningModelsUploadDatasetInput!) { learningModelsUploadDataset(input: $i) { id rowCount featureSchema { name type } dataHash } }",
        Map.of("i", Map.of("id", dataset, "name", "two blobs", "csv", csv())));
    assertThat(uploaded.at("/learningModelsUploadDataset/rowCount").asInt()).isEqualTo(40);
    assertThat(gql("{ learning { models { datasets(first: 500) { edges { node { id } } } } } }", Map.of())
        .at("/learning/models/datasets/edges").toString()).contains(dataset);

    String model = "gql-" + suffix;
    JsonNode job = gql("mutation($i: LearningModelsTrainInput!) { learningModelsTrain(input: $i) { id status modelVersion } }",
        Map.of("i", Map.of("modelId", model, "taskType", "CLASSIFICATION", "algorithm", "cart", "name", "Blobs",
            "data", Map.of("datasetId", dataset, "seed", 3))));
    String jobId = job.at("/learningModelsTrain/id").asString();
    assertThat(job.at("/learningModelsTrain/modelVersion").asInt()).isEqualTo(1);

    String progress = subscribe("subscription($id: ID!) { learningModelsTrainingProgress(id: $id) { id status phase progress metrics } }",
        Map.of("id", jobId));
    assertThat(progress).contains("\"next\"").contains(jobId).contains("\"status\":\"SUCCEEDED\"").contains("\"progress\":1.0")
        .contains("\"complete\"");

    JsonNode reads = gql("query($m: ID!, $j: ID!) { learning { models {"
            + " get(id: $m) { id name status version taskType featureSchema { name type } labels metrics }"
            + " list(taskType: CLASSIFICATION, first: 500) { edges { node { id } } }"
            + " versions(modelId: $m, first: 10) { edges { node { version libraryVersion dataHash active } } }"
            + " trainingJob(id: $j) { status attempt finishedAt } } } }",
        Map.of("m", model, "j", jobId));
    assertThat(reads.at("/learning/models/get/status").asString()).isEqualTo("READY");
    assertThat(reads.at("/learning/models/list/edges").toString()).contains(model);
    assertThat(reads.at("/learning/models/versions/edges/0/node/libraryVersion").asString()).isEqualTo("tribuo 4.3.2");
    assertThat(reads.at("/learning/models/trainingJob/status").asString()).isEqualTo("SUCCEEDED");

    JsonNode predictions = gql("query($m: ID!) { learning { models {"
            + " predict(params: {modelId: $m, input: {x: 9, y: 3}}) { label scores modelVersion latency }"
            + " predictBatch(params: {modelId: $m, inputs: [{x: 1, y: 2}, {x: 9, y: 5}]}) { modelVersion predictions { label } }"
            + " evaluate(params: {modelId: $m}) { metrics datasetSize sourceKind confusionMatrix { labels rows { counts } } } } } }",
        Map.of("m", model));
    assertThat(predictions.at("/learning/models/predict/label").asString()).isEqualTo("high");
    assertThat(predictions.at("/learning/models/predictBatch/predictions/0/label").asString()).isEqualTo("low");
    assertThat(predictions.at("/learning/models/predictBatch/predictions/1/label").asString()).isEqualTo("high");
    assertThat(predictions.at("/learning/models/evaluate/metrics/accuracy").asDouble()).isEqualTo(1.0);
    assertThat(predictions.at("/learning/models/evaluate/confusionMatrix/labels").size()).isEqualTo(2);

    String second = gql("mutation($i: LearningModelsTrainInput!) { learningModelsTrain(input: $i) { id } }",
        Map.of("i", Map.of("modelId", model, "keepActiveVersion", true, "data", Map.of("csv", csv(), "seed", 4))))
        .at("/learningModelsTrain/id").asString();
    Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> gql("query($j: ID!) { learning { models { trainingJob(id: $j) { status } } } }",
        Map.of("j", second)).at("/learning/models/trainingJob/status").asString().equals("SUCCEEDED"));
    assertThat(gql("query($m: ID!) { learning { models { get(id: $m) { version latestVersion } } } }", Map.of("m", model))
        .at("/learning/models/get/version").asInt()).as("kept the active version").isEqualTo(1);
    JsonNode activated = gql("mutation($m: ID!) { learningModelsActivateVersion(modelId: $m, version: 2) { version latestVersion } }",
        Map.of("m", model));
    assertThat(activated.at("/learningModelsActivateVersion/version").asInt()).isEqualTo(2);

    assertThat(gql("mutation($id: ID!) { learningModelsDeleteDataset(id: $id) }", Map.of("id", dataset)).at("/learningModelsDeleteDataset").asString())
        .isEqualTo(dataset);
    assertThat(gql("mutation($id: ID!) { learningModelsDelete(id: $id) }", Map.of("id", model)).at("/learningModelsDelete").asString())
        .isEqualTo(model);
    assertThat(errorCode(token, "query($id: ID!) { learning { models { get(id: $id) { id } } } }", Map.of("id", model))).isEqualTo("NOT_FOUND");
  }

  /** Runs a subscription over graphql-transport-ws until it completes; returns every message. */
  private String subscribe(String query, Map<String, Object> variables) throws Exception {
    try (GraphQlSocket socket = GraphQlSocket.open(port, token)) {
      socket.subscribe("1", query, variables);
      return String.join("", socket.untilDone(60));
    }
  }

  @Test
  void everyOperationOnRest() {
    String eventId = UUID.randomUUID().toString();
    GatewayClient.Response recorded = client.post("/api/v1/learning/activities", token, Map.of("event", Map.of("id", eventId, "type", "app.opened")));
    assertThat(recorded.status()).as(recorded.text()).isEqualTo(201);
    GatewayClient.Response batch = client.post("/api/v1/learning/activity-batches", token,
        Map.of("events", List.of(Map.of("id", eventId, "type", "app.opened"), Map.of("id", UUID.randomUUID().toString(), "type", "x"))));
    assertThat(batch.status()).as(batch.text()).isEqualTo(200);
    assertThat(batch.json().get("duplicates").asInt()).isEqualTo(1);
    assertThat(client.get("/api/v1/learning/activities?types=app.opened&limit=100", token).text()).contains(eventId);

    GatewayClient.Response identified = client.post("/api/v1/learning/pattern-identifications", token, Map.of(
        "transactions", Map.of("transactions", transactions(6)), "params", Map.of("minSupportCount", 2, "kinds", List.of("CO_OCCURRENCE"))));
    assertThat(identified.status()).as(identified.text()).isEqualTo(200);
    assertThat(identified.text()).contains("a, b happen together");
    GatewayClient.Response background = client.post("/api/v1/learning/pattern-identifications", token, Map.of(
        "transactions", Map.of("transactions", transactions(40)), "params", Map.of("minSupportCount", 2)));
    String miningJob = background.json().at("/job/id").asString();
    assertThat(miningJob).as(background.text()).isNotEmpty();
    Awaitility.await().atMost(Duration.ofSeconds(30)).until(() ->
        client.get("/api/v1/learning/mining-jobs/" + miningJob, token).json().path("status").asString(), s -> s.equals("SUCCEEDED") || s.equals("FAILED"));
    assertThat(client.get("/api/v1/learning/mining-jobs/" + miningJob, token).text()).contains("\"SUCCEEDED\"");
    GatewayClient.Response stored = client.post("/api/v1/learning/patterns", token, Map.of("pattern", Map.of(
        "kind", "SEQUENCE", "description", "opens the ledger " + suffix, "score", 0.7, "support", 0.5,
        "elements", List.of(Map.of("eventType", "ledger.opened"), Map.of("eventType", "mail.sent")))));
    assertThat(stored.status()).as(stored.text()).isEqualTo(201);
    String patternId = stored.json().get("id").asString();
    assertThat(client.get("/api/v1/learning/patterns/" + patternId, token).status()).isEqualTo(200);
    assertThat(client.get("/api/v1/learning/patterns?kind=SEQUENCE&limit=100", token).text()).contains(patternId);
    assertThat(client.get("/api/v1/learning/patterns/search?query=ledger%20" + suffix, token).text()).contains(patternId);
    GatewayClient.Response draft = client.post("/api/v1/learning/patterns/" + patternId + "/workflow-drafts", token, Map.of());
    assertThat(draft.status()).as(draft.text()).isEqualTo(200);
    assertThat(draft.json().at("/draft/steps/0/actionId").asString()).isEqualTo("ledger.opened");
    assertThat(client.send("DELETE", "/api/v1/learning/patterns/" + patternId, token, null, Map.of()).status()).isEqualTo(204);
    assertThat(client.get("/api/v1/learning/patterns/" + patternId, token).status()).isEqualTo(404);

    String key = "rest.theme." + suffix;
    GatewayClient.Response learned = client.post("/api/v1/learning/preference-signals", token,
        Map.of("signals", List.of(Map.of("key", key, "value", "dark", "type", "LIKE"))));
    assertThat(learned.status()).as(learned.text()).isEqualTo(200);
    GatewayClient.Response updated = client.post("/api/v1/learning/preferences", token, Map.of("key", key, "value", "light"));
    assertThat(updated.status()).as(updated.text()).isEqualTo(200);
    assertThat(updated.json().get("source").asString()).isEqualTo("EXPLICIT");
    assertThat(client.get("/api/v1/learning/preferences?keyPrefixes=" + key, token).json().at("/preferences/0/value").asString()).isEqualTo("light");

    String dataset = "rest-ds-" + suffix;
    GatewayClient.Response uploaded = client.post("/api/v1/learning/datasets", token, Map.of("id", dataset, "csv", csv()));
    assertThat(uploaded.status()).as(uploaded.text()).isEqualTo(201);
    assertThat(client.get("/api/v1/learning/datasets?limit=500", token).text()).contains(dataset);
    String model = "rest-" + suffix;
    GatewayClient.Response accepted = client.post("/api/v1/learning/models/" + model + "/training-jobs", token,
        Map.of("taskType", "CLASSIFICATION", "algorithm", "logistic_regression", "data", Map.of("datasetId", dataset, "seed", 3)));
    assertThat(accepted.status()).as(accepted.text()).isEqualTo(201);
    String job = accepted.json().get("id").asString();
    Awaitility.await().atMost(Duration.ofSeconds(60)).until(() ->
        client.get("/api/v1/learning/training-jobs/" + job, token).json().path("status").asString().equals("SUCCEEDED"));
    assertThat(client.get("/api/v1/learning/models/" + model, token).json().get("status").asString()).isEqualTo("READY");
    GatewayClient.Response events = client.get("/api/v1/learning/training-jobs/" + job + "/events", token);
    assertThat(events.status()).as(events.text()).isEqualTo(200);
    assertThat(events.header("Content-Type")).startsWith("text/event-stream");
    assertThat(events.text()).startsWith("data:").contains(job).contains("\"SUCCEEDED\"");
    GatewayClient.Response noSuchJob = client.get("/api/v1/learning/training-jobs/nope-" + suffix + "/events", token);
    assertThat(noSuchJob.status()).as(noSuchJob.text()).isEqualTo(404);
    assertThat(noSuchJob.header("Content-Type")).startsWith("application/problem+json");
    assertThat(client.get("/api/v1/learning/models?taskType=CLASSIFICATION&limit=500", token).text()).contains(model);
    assertThat(client.get("/api/v1/learning/models/" + model + "/versions", token).json().at("/versions/0/version").asInt()).isEqualTo(1);
    GatewayClient.Response predicted = client.post("/api/v1/learning/models/" + model + "/predictions", token, Map.of("input", Map.of("x", 9, "y", 3)));
    assertThat(predicted.status()).as(predicted.text()).isEqualTo(200);
    assertThat(predicted.json().get("label").asString()).isEqualTo("high");
    GatewayClient.Response many = client.post("/api/v1/learning/models/" + model + "/batch-predictions", token,
        Map.of("inputs", List.of(Map.of("x", 1, "y", 0), Map.of("x", 9, "y", 1))));
    assertThat(many.status()).as(many.text()).isEqualTo(200);
    assertThat(many.json().at("/predictions/0/label").asString()).isEqualTo("low");
    GatewayClient.Response evaluated = client.post("/api/v1/learning/models/" + model + "/evaluations", token, Map.of("csv", csv()));
    assertThat(evaluated.status()).as(evaluated.text()).isEqualTo(200);
    assertThat(evaluated.json().at("/metrics/accuracy").asDouble()).isEqualTo(1.0);
    assertThat(evaluated.json().get("sourceKind").asString()).isEqualTo("supplied");
    GatewayClient.Response activated = client.post("/api/v1/learning/models/" + model + "/activations", token, Map.of("version", 1));
    assertThat(activated.status()).as(activated.text()).isEqualTo(200);
    assertThat(client.send("DELETE", "/api/v1/learning/datasets/" + dataset, token, null, Map.of()).status()).isEqualTo(204);
    assertThat(client.send("DELETE", "/api/v1/learning/models/" + model, token, null, Map.of()).status()).isEqualTo(204);
    assertThat(client.get("/api/v1/learning/models/" + model, token).status()).isEqualTo(404);

    String user = "rest-gone-" + suffix;
    client.post("/api/v1/learning/activities", token, Map.of("event", Map.of("id", UUID.randomUUID().toString(), "userId", user, "type", "x")));
    GatewayClient.Response forgotten = client.send("DELETE", "/api/v1/learning/users/" + user, token, null, Map.of());
    assertThat(forgotten.status()).as(forgotten.text()).isIn(200, 204);
    assertThat(client.get("/api/v1/learning/activities?userId=" + user, token).json().path("events").size()).isZero();
  }

  @Test
  void aRunningTrainingJobStreamsItsProgressOverRestAsServerSentEvents() throws Exception {
    StringBuilder rows = new StringBuilder("x,y,label\n");
    for (int i = 0; i < 400; i++) {
      rows.append(i % 2 == 0 ? "1," + i + ",low\n" : "9," + i + ",high\n");
    }
    String model = "sse-" + suffix;
    String job = client.post("/api/v1/learning/models/" + model + "/training-jobs", token, Map.of("taskType", "CLASSIFICATION",
        "algorithm", "random_forest", "data", Map.of("csv", rows.toString(), "folds", 5, "seed", 7))).json().get("id").asString();
    java.net.http.HttpResponse<java.util.stream.Stream<String>> stream = HttpClient.newHttpClient().send(
        java.net.http.HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/api/v1/learning/training-jobs/" + job + "/events"))
            .header("Authorization", "Bearer " + token).timeout(Duration.ofSeconds(90)).build(),
        java.net.http.HttpResponse.BodyHandlers.ofLines());
    assertThat(stream.statusCode()).isEqualTo(200);
    List<String> data = stream.body().filter(line -> line.startsWith("data:")).toList();
    assertThat(data).isNotEmpty();
    assertThat(data.get(data.size() - 1)).contains("\"SUCCEEDED\"").contains("\"progress\":1.0");
    assertThat(data).allSatisfy(line -> assertThat(GatewayClient.JSON.readTree(line.substring(5)).get("id").asString()).isEqualTo(job));
  }

  private long modelsNamed(String id) {
    return jdbc.sql("SELECT count(*) FROM learning.model WHERE id = ?").param(id).query(Long.class).single();
  }

  @Test
  void badInputIsAClearClientErrorAndWritesNothing() {
    String model = "bad-" + suffix;
    // GraphQL: an empty dataset, inconsistent columns and a non-finite number.
    for (Map<String, Object> data : List.of(
        Map.<String, Object>of("examples", Map.of("examples", List.of())),
        Map.<String, Object>of("csv", "x,y,label\n1,2,low\n3,high\n"),
        Map.<String, Object>of("csv", "x,label\nNaN,low\n1,high\n"),
        Map.<String, Object>of("csv", "x,label\nInfinity,low\n1,high\n"))) {
      JsonNode refused = client.graphql(token, "mutation($i: LearningModelsTrainInput!) { learningModelsTrain(input: $i) { id } }",
          Map.of("i", Map.of("modelId", model, "taskType", "CLASSIFICATION", "data", data)));
      assertThat(refused.at("/errors/0/extensions/code").asString()).as(refused.toString()).isEqualTo("BAD_USER_INPUT");
      assertThat(refused.at("/errors/0/message").asString()).as(refused.toString()).isNotBlank();
    }
    // REST: too many rows for one call, an unknown algorithm, and a hostile type in the body.
    StringBuilder tooMany = new StringBuilder("x,label\n");
    for (int i = 0; i < 600; i++) {
      tooMany.append(i).append(i % 2 == 0 ? ",a\n" : ",b\n");
    }
    for (Map<String, Object> body : List.of(
        Map.<String, Object>of("taskType", "CLASSIFICATION", "data", Map.of("csv", tooMany.toString())),
        Map.<String, Object>of("taskType", "CLASSIFICATION", "algorithm", "astrology", "data", Map.of("csv", csv())),
        Map.<String, Object>of("taskType", "CLASSIFICATION", "data", Map.of("csv", List.of(1, 2))))) {
      GatewayClient.Response refused = client.post("/api/v1/learning/models/" + model + "/training-jobs", token, body);
      assertThat(refused.status()).as(refused.text()).isEqualTo(400);
      assertThat(refused.header("Content-Type")).startsWith("application/problem+json");
      assertThat(refused.json().get("code").asString()).isEqualTo("BAD_USER_INPUT");
    }
    assertThat(modelsNamed(model)).as("no half-written model").isZero();
    assertThat(client.get("/api/v1/learning/models/" + model, token).status()).isEqualTo(404);

    // An unknown model, a batch over the limit, and an input that does not match the features.
    GatewayClient.Response unknown = client.post("/api/v1/learning/models/nope-" + suffix + "/predictions", token, Map.of("input", Map.of("x", 1)));
    assertThat(unknown.status()).isEqualTo(404);
    assertThat(unknown.json().get("code").asString()).isEqualTo("NOT_FOUND");
    assertThat(errorCode(token, "query($m: ID!) { learning { models { predict(params: {modelId: $m, input: {x: 1}}) { label } } } }",
        Map.of("m", "nope-" + suffix))).isEqualTo("NOT_FOUND");
    List<Map<String, Object>> inputs = new ArrayList<>();
    for (int i = 0; i < 21; i++) {
      inputs.add(Map.of("x", i));
    }
    assertThat(client.post("/api/v1/learning/models/nope-" + suffix + "/batch-predictions", token, Map.of("inputs", inputs)).status())
        .isEqualTo(400);

    // Mining input above the absolute limit and a pattern without a kind.
    GatewayClient.Response empty = client.post("/api/v1/learning/pattern-identifications", token, Map.of());
    assertThat(empty.status()).as(empty.text()).isEqualTo(400);
    JsonNode badEvent = client.graphql(token, "mutation($i: LearningActivityRecordInput!) { learningActivityRecord(input: $i) { id } }",
        Map.of("i", Map.of("event", Map.of("id", "", "type", ""))));
    assertThat(badEvent.at("/errors/0/extensions/code").asString()).as(badEvent.toString()).isEqualTo("BAD_USER_INPUT");
    JsonNode badEnum = client.graphql(token, "mutation { learningPreferencesUpdate(input: {key: \"k\", value: 1, mode: SHOUT}) { id } }", Map.of());
    assertThat(badEnum.path("errors").isEmpty()).as(badEnum.toString()).isFalse();
    assertThat(badEnum.at("/data").isNull() || badEnum.at("/data").isMissingNode()).isTrue();
    assertThat(client.get("/api/v1/learning/activities", null).status()).isEqualTo(401);
  }

  @Test
  void anotherTenantsLearningDataIsOutOfReach() {
    String owner = client.accessToken(GatewayClient.user(users, "learn-a-" + UUID.randomUUID(), "admin"), GatewayClient.PASSWORD);
    String intruder = client.accessToken(GatewayClient.user(users, "learn-b-" + UUID.randomUUID(), "admin"), GatewayClient.PASSWORD);
    String model = "secret-" + suffix;
    String job = client.post("/api/v1/learning/models/" + model + "/training-jobs", owner,
        Map.of("taskType", "CLASSIFICATION", "algorithm", "cart", "data", Map.of("csv", csv()))).json().get("id").asString();
    Awaitility.await().atMost(Duration.ofSeconds(60)).until(() ->
        client.get("/api/v1/learning/training-jobs/" + job, owner).json().path("status").asString().equals("SUCCEEDED"));
    String pattern = client.post("/api/v1/learning/patterns", owner, Map.of("pattern", Map.of("kind", "SEQUENCE",
        "description", "secret habit " + suffix, "elements", List.of(Map.of("eventType", "vault.opened"))))).json().get("id").asString();
    String eventId = UUID.randomUUID().toString();
    client.post("/api/v1/learning/activities", owner, Map.of("event", Map.of("id", eventId, "type", "vault.opened")));

    assertThat(client.get("/api/v1/learning/models/" + model, intruder).status()).isEqualTo(404);
    assertThat(client.get("/api/v1/learning/training-jobs/" + job, intruder).status()).isEqualTo(404);
    assertThat(client.post("/api/v1/learning/models/" + model + "/predictions", intruder, Map.of("input", Map.of("x", 9, "y", 1))).status())
        .isEqualTo(404);
    assertThat(client.send("DELETE", "/api/v1/learning/models/" + model, intruder, null, Map.of()).status()).isEqualTo(404);
    assertThat(client.get("/api/v1/learning/patterns/" + pattern, intruder).status()).isEqualTo(404);
    assertThat(client.get("/api/v1/learning/patterns/search?query=secret%20habit%20" + suffix, intruder).text()).doesNotContain(pattern);
    assertThat(client.get("/api/v1/learning/activities", intruder).text()).doesNotContain(eventId);
    for (String query : List.of(
        "query($id: ID!) { learning { models { get(id: $id) { id } } } }",
        "query($id: ID!) { learning { models { trainingJob(id: $id) { id } } } }",
        "query($id: ID!) { learning { patterns { get(id: $id) { id } } } }",
        "mutation($id: ID!) { learningModelsDelete(id: $id) }")) {
      String id = query.contains("trainingJob") ? job : query.contains("patterns") ? pattern : model;
      assertThat(errorCode(intruder, query, Map.of("id", id))).as(query).isEqualTo("NOT_FOUND");
    }
    assertThat(client.get("/api/v1/learning/models/" + model, owner).json().get("status").asString()).isEqualTo("READY");
    assertThat(client.get("/api/v1/learning/patterns/" + pattern, owner).status()).isEqualTo(200);

    // Within a tenant, a viewer reads only their own preferences and cannot train.
    String tenant = "learn-c-" + UUID.randomUUID();
    String viewer = client.accessToken(GatewayClient.user(users, tenant, "viewer"), GatewayClient.PASSWORD);
    assertThat(errorCode(viewer, "{ learning { preferences { get(userId: \"someone-else\") { userId } } } }", Map.of())).isEqualTo("FORBIDDEN");
    assertThat(client.post("/api/v1/learning/models/v-" + suffix + "/training-jobs", viewer,
        Map.of("taskType", "CLASSIFICATION", "data", Map.of("csv", csv()))).status()).isEqualTo(403);
    assertThat(modelsNamed("v-" + suffix)).isZero();
  }
}
