package dev.nerve.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.nerve.testing.TestServers;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.graphql.client.ClientGraphQlResponse;
import org.springframework.graphql.client.SubscriptionErrorException;
import org.springframework.graphql.client.WebSocketGraphQlClient;
import org.springframework.graphql.client.WebSocketGraphQlClientInterceptor;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.client.RestClient;
import org.springframework.web.reactive.socket.client.ReactorNettyWebSocketClient;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The whole server on a random port with every target: the environment slice over GraphQL HTTP,
 * REST and a GraphQL WebSocket subscription, plus the public error contract, OpenAPI, probes,
 * metrics and one trace across gateway, gRPC and JDBC.
 */
@SpringBootTest(classes = NerveApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@Import(NerveServerIT.CapturedSpans.class)
class NerveServerIT {

  private static final JsonMapper JSON = JsonMapper.builder().build();

  @LocalServerPort int port;
  @Autowired InMemorySpanExporter spans;

  @TestConfiguration
  static class CapturedSpans {
    @Bean
    InMemorySpanExporter inMemorySpanExporter() {
      return InMemorySpanExporter.create();
    }
  }

  private String accessToken;

  /** HTTP as the bootstrapped test admin (every public operation needs a credential). */
  private RestClient http() {
    return RestClient.builder()
        .baseUrl("http://localhost:" + port)
        .defaultHeader("Authorization", "Bearer " + token())
        .defaultStatusHandler(HttpStatusCode::isError, (request, response) -> {})
        .build();
  }

  private String token() {
    if (accessToken == null) {
      String body =
          RestClient.create("http://localhost:" + port)
              .post()
              .uri("/api/v1/auth/token")
              .contentType(MediaType.APPLICATION_JSON)
              .body(Map.of("username", TestServers.ADMIN_USERNAME, "password", TestServers.adminPassword()))
              .retrieve()
              .body(String.class);
      accessToken = JSON.readTree(body).get("accessToken").asString();
    }
    return accessToken;
  }

  private JsonNode graphql(String query) {
    String body =
        http().post()
            .uri("/graphql")
            .contentType(MediaType.APPLICATION_JSON)
            .body(Map.of("query", query))
            .retrieve()
            .body(String.class);
    return JSON.readTree(body);
  }

  @Test
  void environmentCheckOverGraphQl() {
    JsonNode result =
        graphql("{ installation { environment { check { overall checkedAt targets checks { id status detail remedy } } } } }");

    JsonNode check = result.at("/data/installation/environment/check");
    assertThat(result.has("errors")).as(result.toString()).isFalse();
    assertThat(check.get("overall").asString()).isEqualTo("OK");
    assertThat(check.get("targets")).hasSize(6);
    assertThat(ids(check.get("checks")))
        .contains("java.version", "postgres.reachable", "postgres.migrations", "redis.reachable", "disk.free")
        .contains("grpc.health.memory", "grpc.health.installation", "grpc.health.sdk", "grpc.health.automation", "grpc.health.learning");
    assertThat(check.get("checkedAt").asString()).endsWith("Z");
  }

  @Test
  void environmentCheckOverRest() {
    ResponseEntity<String> response = http().get().uri("/api/v1/environment/checks").retrieve().toEntity(String.class);

    assertThat(response.getStatusCode().value()).isEqualTo(200);
    JsonNode body = JSON.readTree(response.getBody());
    assertThat(body.get("overall").asString()).isEqualTo("OK");
    assertThat(ids(body.get("checks"))).contains("postgres.migrations", "grpc.health.installation");
  }

  @Test
  void environmentCheckProgressOverWebSocketSubscription() {
    String bearer = "Bearer " + token();
    WebSocketGraphQlClient client =
        WebSocketGraphQlClient.builder(URI.create("ws://localhost:" + port + "/graphql"), new ReactorNettyWebSocketClient())
            .interceptor(
                new WebSocketGraphQlClientInterceptor() {
                  @Override
                  public Mono<Object> connectionInitPayload() {
                    return Mono.just(Map.of("Authorization", bearer));
                  }
                })
            .build();
    try {
      List<ClientGraphQlResponse> events =
          client
              .document(
                  "subscription { installationEnvironmentCheckProgress(checkIds: [\"java.version\", \"redis.reachable\"]) { id status } }")
              .executeSubscription()
              .collectList()
              .block(Duration.ofSeconds(30));

      assertThat(events).hasSize(2);
      assertThat(events)
          .extracting(e -> e.field("installationEnvironmentCheckProgress.id").toEntity(String.class))
          .containsExactly("java.version", "redis.reachable");
      assertThat(events)
          .extracting(e -> e.field("installationEnvironmentCheckProgress.status").toEntity(String.class))
          .containsOnly("OK");

      List<ClientGraphQlResponse> beats =
          client.document("subscription { heartbeat(intervalSeconds: 1) }")
              .executeSubscription()
              .take(2)
              .collectList()
              .block(Duration.ofSeconds(10));
      assertThat(beats).hasSize(2).allSatisfy(b -> assertThat(b.isValid()).isTrue());

      assertThatThrownBy(
              () ->
                  client.document("subscription { heartbeat(intervalSeconds: 0) }")
                      .executeSubscription()
                      .blockFirst(Duration.ofSeconds(10)))
          .isInstanceOfSatisfying(
              SubscriptionErrorException.class,
              e ->
                  assertThat(e.getErrors())
                      .singleElement()
                      .satisfies(err -> assertThat(err.getExtensions()).containsEntry("code", "BAD_USER_INPUT")));
    } finally {
      client.stop().block(Duration.ofSeconds(5));
    }
  }

  @Test
  void badInputIsBadUserInputOnBothSurfacesNamingTheField() {
    JsonNode graphql = graphql("{ installation { environment { check(checkIds: [\"no.such.check\"]) { overall } } } }");
    JsonNode error = graphql.get("errors").get(0);
    assertThat(error.at("/extensions/code").asString()).isEqualTo("BAD_USER_INPUT");
    assertThat(error.at("/extensions/violations/0/field").asString()).isEqualTo("checkIds[0]");

    ResponseEntity<String> rest =
        http().get().uri("/api/v1/environment/checks?checkIds=no.such.check").retrieve().toEntity(String.class);
    assertThat(rest.getStatusCode().value()).isEqualTo(400);
    assertThat(rest.getHeaders().getContentType()).isEqualTo(MediaType.APPLICATION_PROBLEM_JSON);
    JsonNode problem = JSON.readTree(rest.getBody());
    assertThat(problem.get("code").asString()).isEqualTo("BAD_USER_INPUT");
    assertThat(problem.get("type").asString()).isEqualTo("urn:nerve:problem:bad-user-input");
    assertThat(problem.at("/violations/0/field").asString()).isEqualTo("checkIds[0]");
    assertThat(rest.getBody()).doesNotContain("Exception").doesNotContain("\tat ");
  }

  @Test
  void malformedRequestsGetTheSameErrorContract() {
    JsonNode unknownField = graphql("{ installation { environment { chek } } }");
    assertThat(unknownField.at("/errors/0/extensions/code").asString()).isEqualTo("BAD_USER_INPUT");

    JsonNode syntax = graphql("{ installation { ");
    assertThat(syntax.at("/errors/0/extensions/code").asString()).isEqualTo("BAD_USER_INPUT");

    JsonNode subscriptionOverHttp = graphql("subscription { heartbeat }");
    assertThat(subscriptionOverHttp.at("/errors/0/extensions/code").asString()).isEqualTo("BAD_USER_INPUT");
    assertThat(subscriptionOverHttp.at("/errors/0/message").asString()).contains("WebSocket");

    ResponseEntity<String> notFound = http().get().uri("/api/v1/no-such-thing").retrieve().toEntity(String.class);
    assertThat(notFound.getStatusCode().value()).isEqualTo(404);
    assertThat(JSON.readTree(notFound.getBody()).get("code").asString()).isEqualTo("NOT_FOUND");

    ResponseEntity<String> wrongType =
        http().post().uri("/api/v1/environment/verifications")
            .contentType(MediaType.APPLICATION_JSON)
            .body(Map.of("skipRoundTrip", "maybe"))
            .retrieve().toEntity(String.class);
    assertThat(wrongType.getStatusCode().value()).isEqualTo(400);
    assertThat(JSON.readTree(wrongType.getBody()).get("code").asString()).isEqualTo("BAD_USER_INPUT");
    assertThat(JSON.readTree(wrongType.getBody()).at("/violations/0/field").asString()).isEqualTo("skipRoundTrip");

    ResponseEntity<String> unknownParameter =
        http().post().uri("/api/v1/environment/verifications?roundTrip=false").retrieve().toEntity(String.class);
    assertThat(unknownParameter.getStatusCode().value()).isEqualTo(400);
    assertThat(JSON.readTree(unknownParameter.getBody()).at("/violations/0/field").asString()).isEqualTo("roundTrip");
  }

  @Test
  void verifyRoundTripsStorageThroughRest() {
    ResponseEntity<String> response =
        http().post().uri("/api/v1/environment/verifications").retrieve().toEntity(String.class);

    JsonNode body = JSON.readTree(response.getBody());
    assertThat(response.getStatusCode().value()).isEqualTo(200);
    assertThat(body.get("ok").asBoolean()).as(body.toString()).isTrue();
    assertThat(ids(body.get("checks"))).contains("postgres.roundtrip", "redis.roundtrip");
  }

  @Test
  void openApiGraphiqlAndSwaggerAreServed() {
    String docs = http().get().uri("/v3/api-docs").retrieve().body(String.class);
    assertThat(docs).contains("/api/v1/environment/checks").contains("/api/v1/environment/verifications");

    assertThat(http().get().uri("/graphiql?path=/graphql").retrieve().toBodilessEntity().getStatusCode().value())
        .isEqualTo(200);
    assertThat(http().get().uri("/swagger-ui/index.html").retrieve().toBodilessEntity().getStatusCode().value())
        .isEqualTo(200);
  }

  @Test
  void readinessWatchesStorageButLivenessDoesNot() {
    JsonNode readiness = JSON.readTree(http().get().uri("/actuator/health/readiness").retrieve().body(String.class));
    JsonNode liveness = JSON.readTree(http().get().uri("/actuator/health/liveness").retrieve().body(String.class));

    assertThat(readiness.get("status").asString()).isEqualTo("UP");
    assertThat(names(readiness.get("components"))).contains("db", "redis", "grpc", "readinessState");
    assertThat(names(liveness.get("components"))).containsExactly("livenessState");
  }

  @Test
  void prometheusExposesGrpcServerAndClientMetrics() {
    http().get().uri("/api/v1/environment/checks?checkIds=java.version").retrieve().toBodilessEntity();

    String metrics = http().get().uri("/actuator/prometheus").retrieve().body(String.class);

    assertThat(metrics).contains("grpc_server_seconds_count").contains("grpc_client_seconds_count");
    assertThat(metrics).contains("rpc_service=\"nerve.installation.v1.EnvironmentService\"");
  }

  @Test
  void oneTraceSpansGatewayGrpcAndJdbc() {
    spans.reset();

    http().get().uri("/api/v1/environment/checks?checkIds=postgres.reachable").retrieve().toBodilessEntity();

    await()
        .atMost(Duration.ofSeconds(15))
        .untilAsserted(
            () -> {
              List<SpanData> finished = spans.getFinishedSpanItems();
              // Every HTTP span of the checks route: an earlier test's request (checkIds=java.version,
              // no JDBC) can still be exported after the reset, so look for the trace of this one.
              List<SpanData> requests =
                  finished.stream()
                      .filter(s -> s.getName().contains("/api/v1/environment/checks"))
                      .filter(s -> "200".equals(s.getAttributes().asMap().entrySet().stream()
                          .filter(a -> a.getKey().getKey().equals("status"))
                          .map(a -> String.valueOf(a.getValue()))
                          .findFirst()
                          .orElse(null)))
                      .toList();
              assertThat(requests).as("HTTP spans in " + spanNames(finished)).isNotEmpty();
              assertThat(requests).anySatisfy(http -> {
                List<SpanData> trace =
                    finished.stream().filter(s -> s.getTraceId().equals(http.getTraceId())).toList();
                Set<String> names = spanNames(trace);
                assertThat(names).as("spans of the trace").anySatisfy(n -> assertThat(n).contains("EnvironmentService/Check"));
                assertThat(trace.stream().filter(s -> s.getName().contains("EnvironmentService/Check")).count())
                    .as("gRPC client and server spans")
                    .isGreaterThanOrEqualTo(2);
                assertThat(trace)
                    .as("a JDBC span in " + names)
                    .anySatisfy(s -> assertThat(s.getName()).containsAnyOf("query", "connection", "result-set"));
              });
            });
  }

  private static Set<String> spanNames(List<SpanData> spans) {
    return spans.stream().map(SpanData::getName).collect(Collectors.toCollection(java.util.TreeSet::new));
  }

  private static List<String> ids(JsonNode checks) {
    return java.util.stream.StreamSupport.stream(checks.spliterator(), false).map(c -> c.get("id").asString()).toList();
  }

  private static List<String> names(JsonNode object) {
    List<String> names = new java.util.ArrayList<>();
    object.propertyNames().forEach(names::add);
    return names;
  }
}
