package dev.nerve.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nerve.testing.TestServers;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.client.RestClient;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The learning operations over REST, transcoded by the gateway from the contracts'
 * google.api.http bindings, with every target in one process: activity, patterns, preferences
 * and a model trained, watched through its job and asked for predictions.
 */
@SpringBootTest(classes = NerveApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class LearningRestIT {

  private static final JsonMapper JSON = JsonMapper.builder().build();

  @LocalServerPort int port;

  private String token;

  private RestClient http() {
    if (token == null) {
      String body = RestClient.create("http://localhost:" + port).post().uri("/api/v1/auth/token")
          .contentType(MediaType.APPLICATION_JSON)
          .body(Map.of("username", TestServers.ADMIN_USERNAME, "password", TestServers.adminPassword()))
          .retrieve().body(String.class);
      token = JSON.readTree(body).get("accessToken").asString();
    }
    return RestClient.builder().baseUrl("http://localhost:" + port).defaultHeader("Authorization", "Bearer " + token)
        .defaultStatusHandler(HttpStatusCode::isError, (request, response) -> {}).build();
  }

  private ResponseEntity<String> send(String method, String path, Object body) {
    var spec = http().method(org.springframework.http.HttpMethod.valueOf(method)).uri(path);
    if (body != null) {
      spec = spec.contentType(MediaType.APPLICATION_JSON).body(body);
    }
    return spec.retrieve().toEntity(String.class);
  }

  private static JsonNode json(ResponseEntity<String> response) {
    return JSON.readTree(response.getBody());
  }

  @Test
  void activityPatternsAndPreferencesOverRest() {
    String eventId = UUID.randomUUID().toString();
    ResponseEntity<String> recorded = send("POST", "/api/v1/learning/activities", Map.of("event", Map.of("id", eventId, "type", "app.opened")));
    assertThat(recorded.getStatusCode().value()).as(recorded.getBody()).isEqualTo(201);
    assertThat(send("GET", "/api/v1/learning/activities", null).getBody()).contains(eventId);

    ResponseEntity<String> identified = send("POST", "/api/v1/learning/pattern-identifications", Map.of(
        "transactions", Map.of("transactions", List.of(Map.of("items", List.of("a", "b")), Map.of("items", List.of("a", "b")), Map.of("items", List.of("a")))),
        "params", Map.of("minSupportCount", 2, "kinds", List.of("CO_OCCURRENCE"))));
    assertThat(identified.getStatusCode().value()).as(identified.getBody()).isEqualTo(200);
    assertThat(identified.getBody()).contains("a, b happen together");

    ResponseEntity<String> stored = send("POST", "/api/v1/learning/patterns", Map.of("pattern", Map.of(
        "kind", "SEQUENCE", "description", "opens the calendar then mails", "score", 0.7, "support", 0.5,
        "elements", List.of(Map.of("eventType", "calendar.opened"), Map.of("eventType", "mail.sent")))));
    assertThat(stored.getStatusCode().value()).as(stored.getBody()).isEqualTo(201);
    String id = json(stored).get("id").asString();
    assertThat(send("GET", "/api/v1/learning/patterns/" + id, null).getStatusCode().value()).isEqualTo(200);
    assertThat(send("GET", "/api/v1/learning/patterns/search?query=calendar", null).getBody()).contains(id);
    ResponseEntity<String> draft = send("POST", "/api/v1/learning/patterns/" + id + "/workflow-drafts", Map.of());
    assertThat(draft.getBody()).as(draft.getBody()).contains("calendar.opened").contains("step_2");
    assertThat(send("DELETE", "/api/v1/learning/patterns/" + id, null).getStatusCode().value()).isEqualTo(204);
    assertThat(send("GET", "/api/v1/learning/patterns/" + id, null).getStatusCode().value()).isEqualTo(404);

    ResponseEntity<String> learned = send("POST", "/api/v1/learning/preference-signals",
        Map.of("signals", List.of(Map.of("key", "ui.theme", "value", "dark", "type", "LIKE"))));
    assertThat(learned.getStatusCode().value()).as(learned.getBody()).isEqualTo(200);
    assertThat(send("GET", "/api/v1/learning/preferences", null).getBody()).contains("ui.theme").contains("dark");
  }

  @Test
  void aModelIsTrainedWatchedAndAskedOverRest() {
    StringBuilder csv = new StringBuilder("x,y,label\n");
    for (int i = 0; i < 40; i++) {
      csv.append(i % 2 == 0 ? "1," + i + ",low\n" : "9," + i + ",high\n");
    }
    String model = "rest-" + UUID.randomUUID();
    ResponseEntity<String> accepted = send("POST", "/api/v1/learning/models/" + model + "/training-jobs", Map.of(
        "taskType", "CLASSIFICATION", "algorithm", "cart", "data", Map.of("csv", csv.toString(), "seed", 3)));
    assertThat(accepted.getStatusCode().value()).as(accepted.getBody()).isEqualTo(201);
    String job = json(accepted).get("id").asString();
    Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250))
        .until(() -> json(send("GET", "/api/v1/learning/training-jobs/" + job, null)).path("status").asString(), "SUCCEEDED"::equals);
    ResponseEntity<String> prediction = send("POST", "/api/v1/learning/models/" + model + "/predictions", Map.of("input", Map.of("x", 9, "y", 3)));
    assertThat(prediction.getStatusCode().value()).as(prediction.getBody()).isEqualTo(200);
    assertThat(json(prediction).get("label").asString()).isEqualTo("high");
    ResponseEntity<String> missing = send("POST", "/api/v1/learning/models/" + model + "/predictions", Map.of("input", Map.of("x", 9)));
    assertThat(missing.getStatusCode().value()).isEqualTo(400);
    assertThat(missing.getBody()).contains("input.y");
    assertThat(send("GET", "/api/v1/learning/models/" + model + "/versions", null).getBody()).contains("tribuo 4.3.2");
    assertThat(send("GET", "/api/v1/learning/models/nope-" + model, null).getStatusCode().value()).isEqualTo(404);
    assertThat(send("DELETE", "/api/v1/learning/models/" + model, null).getStatusCode().value()).isEqualTo(204);
  }
}
