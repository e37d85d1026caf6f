package dev.nerve.sdk.endpoint;

import static dev.nerve.sdk.SdkTests.admin;
import static dev.nerve.sdk.SdkTests.as;
import static dev.nerve.sdk.SdkTests.fails;
import static dev.nerve.sdk.SdkTests.failsWith;
import static dev.nerve.sdk.SdkTests.freshTenant;
import static dev.nerve.sdk.SdkTests.json;
import static dev.nerve.sdk.SdkTests.operator;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.util.Durations;
import dev.nerve.api.sdk.v1.ApiEndpointServiceGrpc.ApiEndpointServiceBlockingStub;
import dev.nerve.api.sdk.v1.CallEndpointRequest;
import dev.nerve.api.sdk.v1.CallEndpointResponse;
import dev.nerve.api.sdk.v1.CircuitBreakerPolicy;
import dev.nerve.api.sdk.v1.Endpoint;
import dev.nerve.api.sdk.v1.EndpointAuth;
import dev.nerve.api.sdk.v1.GetEndpointRequest;
import dev.nerve.api.sdk.v1.HttpMethod;
import dev.nerve.api.sdk.v1.ImportOpenApiRequest;
import dev.nerve.api.sdk.v1.ImportOpenApiResponse;
import dev.nerve.api.sdk.v1.IntegrationConfig;
import dev.nerve.api.sdk.v1.ListEndpointsRequest;
import dev.nerve.api.sdk.v1.RateLimit;
import dev.nerve.api.sdk.v1.RegisterEndpointRequest;
import dev.nerve.api.sdk.v1.RemoveEndpointRequest;
import dev.nerve.api.sdk.v1.RetryPolicy;
import dev.nerve.api.sdk.v1.SetupIntegrationRequest;
import dev.nerve.platform.error.ErrorCode;
import dev.nerve.platform.grpc.ChannelFactory;
import dev.nerve.platform.identity.Identity;
import dev.nerve.sdk.LoopbackServer;
import dev.nerve.sdk.SdkTestApplication;
import dev.nerve.sdk.SdkTests;
import io.grpc.Status;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.simple.JdbcClient;

@SpringBootTest(
    classes = SdkTestApplication.class,
    webEnvironment = SpringBootTest.WebEnvironment.NONE,
    properties = {"nerve.targets=sdk", "nerve.database.max-pool-size=3", "nerve.outbound.allow-cidrs=127.0.0.1/32"})
class EndpointCallIT {

  @Autowired ChannelFactory channels;
  @Autowired JdbcClient jdbc;

  LoopbackServer server;
  String tenant;
  Identity admin;

  @BeforeEach
  void start() {
    server = new LoopbackServer();
    tenant = freshTenant();
    admin = admin(tenant);
  }

  @AfterEach
  void stop() {
    server.close();
  }

  ApiEndpointServiceBlockingStub stub() {
    return SdkTests.endpoints(channels);
  }

  Endpoint register(Endpoint endpoint) {
    return as(admin, () -> stub().register(RegisterEndpointRequest.newBuilder().setEndpoint(endpoint).build()));
  }

  CallEndpointResponse call(String name, String params) {
    return as(operator(tenant), () -> stub().call(CallEndpointRequest.newBuilder().setEndpoint(name).setParams(json(params)).build()));
  }

  Endpoint.Builder endpoint(String name, String path) {
    return Endpoint.newBuilder().setName(name).setBaseUrl(server.url()).setPathTemplate(path);
  }

  long rows() {
    return jdbc.sql("SELECT count(*) FROM sdk.endpoint WHERE tenant_id = ?").param(tenant).query(Long.class).single();
  }

  void credentials() {
    as(admin, () -> SdkTests.integrations(channels).setup(SetupIntegrationRequest.newBuilder().setConfig(
        IntegrationConfig.newBuilder().setId("creds").setProvider("http").setSettings(json("{\"base_url\":\"" + server.url() + "\"}"))
            .putCredentials("token", "tok-secret-1234")
            .putCredentials("username", "alice")
            .putCredentials("password", "pa55word")
            .putCredentials("api_key", "key-9876")
            .putCredentials("client_id", "client")
            .putCredentials("client_secret", "client-secret")).build()));
  }

  @Test
  void registeredEndpointIsCalledWithRenderedPathQueryHeadersAndJsonBody() {
    server.on("/repos/", exchange -> LoopbackServer.json(exchange, 201, "{\"number\":7}"));
    register(endpoint("github.create_issue", "/repos/{owner}/{repo}/issues")
        .setMethod(HttpMethod.HTTP_METHOD_POST)
        .putHeaders("X-Trace", "t-{trace}")
        .setRequestSchema(json("{\"type\":\"object\",\"required\":[\"owner\",\"title\"],\"properties\":{\"title\":{\"type\":\"string\",\"maxLength\":50}}}"))
        .build());

    CallEndpointResponse response = call("github.create_issue", "{\"owner\":\"a b\",\"repo\":\"..\",\"trace\":\"9\",\"title\":\"Hi\",\"labels\":[\"x\"]}");

    assertThat(response.getStatusCode()).isEqualTo(201);
    assertThat(response.getBody().getStructValue().getFieldsOrThrow("number").getNumberValue()).isEqualTo(7);
    assertThat(response.getAttempts()).isEqualTo(1);
    assertThat(response.getHeadersMap()).containsEntry("content-type", "application/json");
    LoopbackServer.Received sent = server.received.get(0);
    assertThat(sent.uri()).isEqualTo("/repos/a%20b/%2E%2E/issues");
    assertThat(sent.headers().getFirst("X-Trace")).isEqualTo("t-9");
    assertThat(sent.body()).isEqualTo("{\"title\":\"Hi\",\"labels\":[\"x\"]}");

    fails(() -> call("github.create_issue", "{\"owner\":\"a\",\"repo\":\"b\",\"trace\":\"1\",\"title\":\"" + "x".repeat(60) + "\"}"),
        ErrorCode.INVALID_ARGUMENT, "params.title");
    fails(() -> call("github.create_issue", "{\"title\":\"t\",\"owner\":\"o\",\"trace\":\"1\"}"), ErrorCode.INVALID_ARGUMENT, "params.repo");
    assertThat(server.received).hasSize(1);
  }

  @Test
  void getQueryStringAndTextBodies() {
    server.on("/search", exchange -> LoopbackServer.send(exchange, 200, "text/plain; charset=utf-8", "plain answer"));
    register(endpoint("search", "/search").build());

    CallEndpointResponse response = call("search", "{\"q\":\"a&b\",\"tag\":[\"x\",\"y\"],\"n\":3}");

    assertThat(response.getBody().getStringValue()).isEqualTo("plain answer");
    assertThat(server.received.get(0).uri()).isEqualTo("/search?q=a%26b&tag=x&tag=y&n=3");
  }

  @Test
  void everyAuthModeSendsTheIntegrationsSecret() {
    credentials();
    server.on("/auth", exchange -> LoopbackServer.json(exchange, 200, "{}"));
    register(endpoint("basic", "/auth").setIntegrationId("creds").setAuth(auth(EndpointAuth.Type.TYPE_BASIC)).build());
    register(endpoint("bearer", "/auth").setIntegrationId("creds").setAuth(auth(EndpointAuth.Type.TYPE_BEARER)).build());
    register(endpoint("key-header", "/auth").setIntegrationId("creds")
        .setAuth(EndpointAuth.newBuilder().setType(EndpointAuth.Type.TYPE_API_KEY).setApiKeyHeader("X-Key")).build());
    register(endpoint("key-query", "/auth").setIntegrationId("creds")
        .setAuth(EndpointAuth.newBuilder().setType(EndpointAuth.Type.TYPE_API_KEY).setApiKeyQuery("api_key")).build());
    register(endpoint("none", "/auth").build());

    call("basic", "{}");
    call("bearer", "{}");
    call("key-header", "{}");
    call("key-query", "{\"a\":1}");
    call("none", "{}");

    var sent = server.requests("/auth");
    assertThat(sent.get(0).headers().getFirst("Authorization"))
        .isEqualTo("Basic " + Base64.getEncoder().encodeToString("alice:pa55word".getBytes(StandardCharsets.UTF_8)));
    assertThat(sent.get(1).headers().getFirst("Authorization")).isEqualTo("Bearer tok-secret-1234");
    assertThat(sent.get(2).headers().getFirst("X-Key")).isEqualTo("key-9876");
    assertThat(sent.get(3).uri()).isEqualTo("/auth?a=1&api_key=key-9876");
    assertThat(sent.get(4).headers().containsKey("Authorization")).isFalse();
  }

  @Test
  void oauth2TokensAreCachedRefreshedOnExpiryAndRefetchedAfterA401() throws Exception {
    credentials();
    AtomicInteger issued = new AtomicInteger();
    AtomicInteger expiresIn = new AtomicInteger(3600);
    server.on("/token", exchange -> {
      String basic = "Basic " + Base64.getEncoder().encodeToString("client:client-secret".getBytes(StandardCharsets.UTF_8));
      if (!basic.equals(exchange.getRequestHeaders().getFirst("Authorization"))) {
        LoopbackServer.json(exchange, 401, "{\"error\":\"invalid_client\"}");
        return;
      }
      LoopbackServer.json(exchange, 200, "{\"access_token\":\"tok-" + issued.incrementAndGet() + "\",\"expires_in\":" + expiresIn.get() + "}");
    });
    AtomicInteger revoked = new AtomicInteger(0);
    server.on("/api", exchange -> {
      String auth = exchange.getRequestHeaders().getFirst("Authorization");
      boolean refused = auth.equals("Bearer tok-" + revoked.get());
      LoopbackServer.json(exchange, refused ? 401 : 200, "{\"auth\":\"" + auth + "\"}");
    });
    register(endpoint("oauth", "/api").setIntegrationId("creds").setAuth(EndpointAuth.newBuilder()
        .setType(EndpointAuth.Type.TYPE_OAUTH2_CLIENT_CREDENTIALS).setTokenUrl(server.url() + "/token").addScopes("read")).build());

    assertThat(call("oauth", "{}").getStatusCode()).isEqualTo(200);
    assertThat(call("oauth", "{}").getStatusCode()).isEqualTo(200);
    assertThat(issued).as("cached").hasValue(1);
    assertThat(server.requests("/token").get(0).body()).isEqualTo("grant_type=client_credentials&scope=read");

    revoked.set(1);
    CallEndpointResponse afterRevoke = call("oauth", "{}");
    assertThat(afterRevoke.getStatusCode()).as("a 401 fetches a new token and tries again").isEqualTo(200);
    assertThat(afterRevoke.getAttempts()).isEqualTo(2);
    assertThat(issued).hasValue(2);

    expiresIn.set(1);
    revoked.set(2);
    call("oauth", "{}");
    assertThat(issued).hasValue(3);
    call("oauth", "{}");
    assertThat(issued).as("still valid").hasValue(3);
    Thread.sleep(1_100);
    call("oauth", "{}");
    assertThat(issued).as("refreshed on expiry").hasValue(4);
  }

  @Test
  void retriesOnListedStatusesWithBackoff() {
    AtomicInteger calls = new AtomicInteger();
    server.on("/flaky", exchange -> LoopbackServer.json(exchange, calls.incrementAndGet() < 3 ? 503 : 200, "{\"n\":" + calls.get() + "}"));
    register(endpoint("flaky", "/flaky").setRetry(RetryPolicy.newBuilder().setMaxAttempts(4)
        .setInitialBackoff(Durations.fromMillis(10)).setMaxBackoff(Durations.fromMillis(50))).build());
    register(endpoint("no-retry", "/flaky").build());

    CallEndpointResponse response = call("flaky", "{}");

    assertThat(response.getStatusCode()).isEqualTo(200);
    assertThat(response.getAttempts()).isEqualTo(3);
    calls.set(0);
    assertThat(call("no-retry", "{}").getStatusCode()).as("any status is a response").isEqualTo(503);
  }

  @Test
  void circuitOpensAfterFailuresAndThenSendsNothing() {
    server.on("/down", exchange -> LoopbackServer.json(exchange, 500, "{}"));
    register(endpoint("down", "/down").setCircuitBreaker(CircuitBreakerPolicy.newBuilder()
        .setFailureRateThreshold(50).setSlidingWindowSize(4).setMinimumCalls(4).setOpenDuration(Durations.fromSeconds(60))).build());

    for (int i = 0; i < 4; i++) {
      assertThat(call("down", "{}").getStatusCode()).isEqualTo(500);
    }
    fails(() -> call("down", "{}"), ErrorCode.UNAVAILABLE, null);
    assertThat(server.received).hasSize(4);
  }

  @Test
  void timeoutsAreDeadlineExceededAndClosedPortsUnavailable() throws Exception {
    server.on("/slow", exchange -> {
      try {
        Thread.sleep(3_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      LoopbackServer.json(exchange, 200, "{}");
    });
    register(endpoint("slow", "/slow").setTimeout(Durations.fromMillis(200)).build());
    int closed;
    try (ServerSocket socket = new ServerSocket(0)) {
      closed = socket.getLocalPort();
    }
    register(Endpoint.newBuilder().setName("closed").setBaseUrl("http://127.0.0.1:" + closed).build());

    long start = System.nanoTime();
    failsWith(() -> call("slow", "{}"), Status.Code.DEADLINE_EXCEEDED);
    assertThat((System.nanoTime() - start) / 1_000_000).isLessThan(2_500);
    var refused = fails(() -> call("closed", "{}"), ErrorCode.UNAVAILABLE, null);
    assertThat(refused.getMessage()).contains("refused the connection");
  }

  @Test
  void responsesAboveTheCapAreRefusedWithoutReadingThem() {
    server.on("/big", exchange -> LoopbackServer.send(exchange, 200, "text/plain", "x".repeat(4096)));
    server.on("/chunked", exchange -> {
      exchange.getResponseHeaders().set("Content-Type", "text/plain");
      exchange.sendResponseHeaders(200, 0);
      try (var out = exchange.getResponseBody()) {
        for (int i = 0; i < 64; i++) {
          out.write("y".repeat(1024).getBytes(StandardCharsets.UTF_8));
        }
      }
    });
    register(endpoint("big", "/big").setMaxResponseBytes(1024).build());
    register(endpoint("chunked", "/chunked").setMaxResponseBytes(8192).build());
    register(endpoint("fits", "/big").setMaxResponseBytes(4096).build());

    assertThat(fails(() -> call("big", "{}"), ErrorCode.FAILED_PRECONDITION, null).getMessage()).contains("larger than its cap of 1024");
    fails(() -> call("chunked", "{}"), ErrorCode.FAILED_PRECONDITION, null);
    assertThat(call("fits", "{}").getBodyBytes()).isEqualTo(4096);
  }

  @Test
  void rateLimitAndIdempotencyKeys() {
    server.on("/limited", exchange -> LoopbackServer.json(exchange, 200, "{}"));
    register(endpoint("limited", "/limited").setRateLimit(RateLimit.newBuilder().setMaxRequests(2).setWindow(Durations.fromSeconds(60))).build());
    register(endpoint("once", "/limited").build());

    call("limited", "{}");
    call("limited", "{}");
    fails(() -> call("limited", "{}"), ErrorCode.RESOURCE_EXHAUSTED, null);

    server.received.clear();
    CallEndpointRequest request = CallEndpointRequest.newBuilder().setEndpoint("once").setRequestId("req-1").build();
    CallEndpointResponse first = as(operator(tenant), () -> stub().call(request));
    CallEndpointResponse again = as(operator(tenant), () -> stub().call(request));
    assertThat(again).isEqualTo(first);
    assertThat(server.received).hasSize(1);
  }

  @Test
  void badInputWritesNothingAndOtherTenantsSeeNothing() {
    fails(() -> register(Endpoint.newBuilder().setName("bad name!").setBaseUrl("ftp://x").setPathTemplate("no-slash{")
        .putHeaders("Authorization", "Bearer inline").setRetry(RetryPolicy.newBuilder().setMaxAttempts(99)).build()),
        ErrorCode.INVALID_ARGUMENT, "endpoint.name");
    var error = fails(() -> register(endpoint("x", "/").setAuth(auth(EndpointAuth.Type.TYPE_BEARER)).build()),
        ErrorCode.INVALID_ARGUMENT, "endpoint.integrationId");
    assertThat(error.violations()).isNotEmpty();
    fails(() -> register(endpoint("y", "/").setIntegrationId("missing").build()), ErrorCode.INVALID_ARGUMENT, "endpoint.integrationId");
    fails(() -> register(endpoint("k", "/").putHeaders("X-Api-Key", "inline-secret").build()), ErrorCode.INVALID_ARGUMENT, "endpoint.headers.X-Api-Key");
    fails(() -> register(endpoint("z", "/").setRequestSchema(json("{\"type\":12}")).build()), ErrorCode.INVALID_ARGUMENT, "endpoint.requestSchema");
    assertThat(rows()).isZero();

    register(endpoint("mine", "/").build());
    Identity other = admin(freshTenant());
    fails(() -> as(other, () -> stub().get(GetEndpointRequest.newBuilder().setName("mine").build())), ErrorCode.NOT_FOUND, null);
    fails(() -> as(other, () -> stub().call(CallEndpointRequest.newBuilder().setEndpoint("mine").build())), ErrorCode.NOT_FOUND, null);
    fails(() -> as(other, () -> stub().remove(RemoveEndpointRequest.newBuilder().setName("mine").build())), ErrorCode.NOT_FOUND, null);
    assertThat(as(other, () -> stub().list(ListEndpointsRequest.getDefaultInstance())).getEndpointsList()).isEmpty();
    fails(() -> as(operator(tenant), () -> stub().register(RegisterEndpointRequest.newBuilder().setEndpoint(endpoint("op", "/")).build())),
        ErrorCode.PERMISSION_DENIED, null);

    as(admin, () -> stub().remove(RemoveEndpointRequest.newBuilder().setName("mine").build()));
    assertThat(rows()).isZero();
  }

  @Test
  void openApiDocumentsBecomeOneEndpointPerOperation() {
    server.on("/pets", exchange -> LoopbackServer.json(exchange, 200, "{\"uri\":\"" + exchange.getRequestURI() + "\"}"));
    String document = """
        openapi: 3.0.3
        info: {title: Pets, version: "1"}
        servers: [{url: "%s"}]
        paths:
          /pets/{petId}:
            get:
              operationId: getPet
              summary: One pet
              parameters:
                - {name: petId, in: path, required: true, schema: {type: integer}}
                - {name: verbose, in: query, schema: {type: boolean}}
          /pets:
            post:
              operationId: addPet
              requestBody:
                required: true
                content:
                  application/json:
                    schema: {$ref: "#/components/schemas/Pet"}
        components:
          schemas:
            Pet:
              type: object
              required: [name]
              properties: {name: {type: string}}
        """.formatted(server.url());

    ImportOpenApiResponse imported = as(admin, () -> stub().importOpenApi(
        ImportOpenApiRequest.newBuilder().setDocument(document).setNamePrefix("pets.").build()));

    assertThat(imported.getEndpointsList()).extracting(Endpoint::getName).containsExactly("pets.addPet", "pets.getPet");
    assertThat(call("pets.getPet", "{\"petId\":5}").getBody().getStructValue().getFieldsOrThrow("uri").getStringValue()).isEqualTo("/pets/5");
    call("pets.getPet", "{\"petId\":6,\"verbose\":true}");
    assertThat(server.received.get(1).uri()).isEqualTo("/pets/6?verbose=true");
    fails(() -> call("pets.getPet", "{\"petId\":\"x\"}"), ErrorCode.INVALID_ARGUMENT, "params.petId");
    call("pets.addPet", "{\"body\":{\"name\":\"Rex\"}}");
    assertThat(server.received.get(2).body()).isEqualTo("{\"name\":\"Rex\"}");
    fails(() -> call("pets.addPet", "{\"body\":{}}"), ErrorCode.INVALID_ARGUMENT, "params.body");

    String remote = document.replace("\"#/components/schemas/Pet\"", "\"http://169.254.169.254/pet.yaml\"");
    String tenant2 = freshTenant();
    fails(() -> as(admin(tenant2), () -> stub().importOpenApi(ImportOpenApiRequest.newBuilder().setDocument(remote).build())),
        ErrorCode.INVALID_ARGUMENT, "document");
    fails(() -> as(admin(tenant2), () -> stub().importOpenApi(ImportOpenApiRequest.newBuilder().setDocument("not: [openapi").build())),
        ErrorCode.INVALID_ARGUMENT, "document");
    assertThat(jdbc.sql("SELECT count(*) FROM sdk.endpoint WHERE tenant_id = ?").param(tenant2).query(Long.class).single()).isZero();
  }

  @Test
  void ssrfAttemptsAreRefusedByTheOutboundGuardBeforeAnyConnection() {
    for (String url : new String[] {
        "http://10.0.0.1", "http://172.16.5.4:8080", "http://192.168.1.1", "http://169.254.169.254",
        "http://[::1]", "http://[::ffff:10.0.0.1]", "http://2130706433", "http://0177.0.0.1", "http://metadata.google.internal"}) {
      var refused = fails(() -> register(Endpoint.newBuilder().setName("ssrf").setBaseUrl(url).build()), ErrorCode.INVALID_ARGUMENT, "endpoint.baseUrl");
      assertThat(refused.violations().get(0).rule()).as(url).startsWith("outbound.");
    }
    assertThat(rows()).isZero();

    server.on("/redirect", exchange -> {
      exchange.getResponseHeaders().set("Location", "http://10.1.2.3/internal");
      exchange.sendResponseHeaders(302, -1);
    });
    register(endpoint("redirects", "/redirect").build());
    var refused = fails(() -> call("redirects", "{}"), ErrorCode.FAILED_PRECONDITION, null);
    assertThat(refused.getMessage()).contains("redirected to http://10.1.2.3").contains("nothing was sent");
  }

  private static EndpointAuth auth(EndpointAuth.Type type) {
    return EndpointAuth.newBuilder().setType(type).build();
  }

}
