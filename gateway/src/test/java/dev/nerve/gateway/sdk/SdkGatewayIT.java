package dev.nerve.gateway.sdk;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.nerve.gateway.GatewayClient;
import dev.nerve.gateway.GatewayTestApplication;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;

/**
 * The SDK system through the public surfaces, gateway and sdk in one process: every operation of
 * ApiEndpointService, IntegrationService and ExtensionService on GraphQL and on REST (the routes of
 * the contracts' http bindings), against a loopback server the outbound guard allows, and bad
 * input refused with the client's field path and nothing written.
 */
@SpringBootTest(
    classes = GatewayTestApplication.class,
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {
      "nerve.targets=gateway,sdk",
      "nerve.gateway.rate-limit.per-minute=100000",
      "nerve.outbound.allow-cidrs=127.0.0.1/32",
      // One more cached context in this JVM: keep its share of PostgreSQL's connections small.
      "nerve.database.max-pool-size=3"
    })
class SdkGatewayIT {

  @LocalServerPort int port;

  GatewayClient client;
  String token;
  HttpServer upstream;
  String upstreamUrl;
  String suffix;

  @BeforeEach
  void start() throws IOException {
    client = new GatewayClient(port);
    token = client.adminToken();
    suffix = UUID.randomUUID().toString().substring(0, 8);
    upstream = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    upstream.createContext("/", exchange -> {
      boolean authorized = "Bearer upstream-token".equals(exchange.getRequestHeaders().getFirst("Authorization"));
      byte[] body = ("{\"path\":\"" + exchange.getRequestURI() + "\",\"authorized\":" + authorized + "}").getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().set("Content-Type", "application/json");
      exchange.sendResponseHeaders(200, body.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
    });
    upstream.start();
    upstreamUrl = "http://127.0.0.1:" + upstream.getAddress().getPort();
  }

  @AfterEach
  void stop() {
    upstream.stop(0);
  }

  private JsonNode graphql(String query, Map<String, Object> variables) {
    JsonNode answer = client.graphql(token, query, variables);
    assertThat(answer.path("errors").isMissingNode() || answer.path("errors").isEmpty()).as(answer.toString()).isTrue();
    return answer.path("data");
  }

  @Test
  void everyOperationOnGraphQl() {
    String integration = "gql-" + suffix;
    JsonNode setup = graphql(
        "mutation($input: SdkIntegrationSetupInput!) { sdkIntegrationSetup(input: $input) { id provider credentialKeys maskedCredentials } }",
        Map.of("input", Map.of("config", Map.of("id", integration, "provider", "http",
            "settings", Map.of("base_url", upstreamUrl, "health_path", "/health", "auth", "bearer"),
            "credentials", Map.of("token", "upstream-token")))));
    assertThat(setup.at("/sdkIntegrationSetup/credentialKeys/0").asString()).isEqualTo("token");
    assertThat(setup.at("/sdkIntegrationSetup/maskedCredentials/token").asString()).isEqualTo("****oken");
    assertThat(setup.toString()).doesNotContain("upstream-token");
    assertThat(graphql("query($id: ID!) { sdk { integration { get(id: $id) { id lastTest { ok } } } } }", Map.of("id", integration))
        .at("/sdk/integration/get/id").asString()).isEqualTo(integration);
    assertThat(graphql("{ sdk { integration { list(first: 500) { edges { cursor node { id } } pageInfo { hasNextPage } } } } }", Map.of())
        .at("/sdk/integration/list/edges").toString()).contains(integration);
    JsonNode tested = graphql("mutation($id: ID!) { sdkIntegrationTest(id: $id) { ok outcome message latency } }", Map.of("id", integration));
    assertThat(tested.at("/sdkIntegrationTest/outcome").asString()).as(tested.toString()).isEqualTo("OK");

    String endpoint = "gql." + suffix;
    JsonNode registered = graphql(
        "mutation($input: SdkApiRegisterInput!) { sdkApiRegister(input: $input) { name method auth { type } createdAt } }",
        Map.of("input", Map.of("endpoint", Map.of("name", endpoint, "baseUrl", upstreamUrl, "pathTemplate", "/items/{id}",
            "method", "GET", "integrationId", integration, "auth", Map.of("type", "BEARER"), "timeout", "PT5S",
            "requestSchema", Map.of("type", "object", "required", List.of("id"))))));
    assertThat(registered.at("/sdkApiRegister/auth/type").asString()).isEqualTo("BEARER");
    assertThat(graphql("query($n: ID!) { sdk { api { get(name: $n) { name pathTemplate } } } }", Map.of("n", endpoint))
        .at("/sdk/api/get/pathTemplate").asString()).isEqualTo("/items/{id}");
    assertThat(graphql("query($i: String) { sdk { api { list(integrationId: $i) { edges { node { name } } } } } }", Map.of("i", integration))
        .at("/sdk/api/list/edges/0/node/name").asString()).isEqualTo(endpoint);
    JsonNode called = graphql(
        "mutation($input: SdkApiCallInput!) { sdkApiCall(input: $input) { statusCode body headers attempts duration } }",
        Map.of("input", Map.of("endpoint", endpoint, "params", Map.of("id", "42"))));
    assertThat(called.at("/sdkApiCall/statusCode").asInt()).isEqualTo(200);
    assertThat(called.at("/sdkApiCall/body/path").asString()).isEqualTo("/items/42");
    assertThat(called.at("/sdkApiCall/body/authorized").asBoolean()).isTrue();

    JsonNode imported = graphql(
        "mutation($input: SdkApiImportOpenApiInput!) { sdkApiImportOpenApi(input: $input) { endpoints { name } skipped } }",
        Map.of("input", Map.of("document", openApi(), "namePrefix", "gqlpets" + suffix + ".")));
    assertThat(imported.at("/sdkApiImportOpenApi/endpoints/0/name").asString()).isEqualTo("gqlpets" + suffix + ".getPet");
    assertThat(graphql("mutation($n: ID!) { sdkApiRemove(name: $n) }", Map.of("n", "gqlpets" + suffix + ".getPet"))
        .at("/sdkApiRemove").asString()).isEqualTo("gqlpets" + suffix + ".getPet");

    String extension = "gql-ext-" + suffix;
    JsonNode loaded = graphql(
        "mutation($input: SdkExtensionsLoadInput!) { sdkExtensionsLoad(input: $input) { id status tools { actionKind } contributions { endpoints } } }",
        Map.of("input", Map.of("extension", bundle(extension))));
    assertThat(loaded.at("/sdkExtensionsLoad/status").asString()).as(loaded.toString()).isEqualTo("LOADED");
    assertThat(loaded.at("/sdkExtensionsLoad/tools/0/actionKind").asString()).isEqualTo("ext:" + extension + ":lookup");
    assertThat(graphql("query($id: ID!) { sdk { extensions { get(id: $id) { version kind } } } }", Map.of("id", extension))
        .at("/sdk/extensions/get/kind").asString()).isEqualTo("HTTP_TOOL_BUNDLE");
    assertThat(graphql("{ sdk { extensions { list(status: LOADED) { edges { node { id } } } } } }", Map.of())
        .at("/sdk/extensions/list/edges").toString()).contains(extension);
    assertThat(graphql("query($e: String) { sdk { extensions { actions(extensionId: $e) { kind inputSchema } } } }", Map.of("e", extension))
        .at("/sdk/extensions/actions/0/kind").asString()).isEqualTo("ext:" + extension + ":lookup");
    JsonNode invoked = graphql(
        "mutation($input: SdkExtensionsInvokeActionInput!) { sdkExtensionsInvokeAction(input: $input) { output logs } }",
        Map.of("input", Map.of("extensionId", extension, "action", "lookup", "input", Map.of("q", "x"), "timeout", "PT10S")));
    assertThat(invoked.at("/sdkExtensionsInvokeAction/output/body/path").asString()).isEqualTo("/lookup?q=x");
    JsonNode unloaded = graphql("mutation($id: ID!) { sdkExtensionsUnload(id: $id) { id endpointsRemoved } }", Map.of("id", extension));
    assertThat(unloaded.at("/sdkExtensionsUnload/endpointsRemoved/0").asString()).isEqualTo(extension + ".lookup");

    JsonNode refused = client.graphql(token, "mutation($id: ID!) { sdkIntegrationRemove(id: $id) { id } }", Map.of("id", integration));
    assertThat(refused.at("/errors/0/extensions/code").asString()).as("endpoints still use it").isEqualTo("CONFLICT");
    JsonNode removed = graphql("mutation($id: ID!) { sdkIntegrationRemove(id: $id, force: true) { id affectedEndpoints } }", Map.of("id", integration));
    assertThat(removed.at("/sdkIntegrationRemove/affectedEndpoints/0").asString()).isEqualTo(endpoint);
  }

  @Test
  void everyOperationOnRest() {
    String integration = "rest-" + suffix;
    GatewayClient.Response setup = client.post("/api/v1/sdk/integrations", token, Map.of("config", Map.of("id", integration, "provider", "http",
        "settings", Map.of("base_url", upstreamUrl), "credentials", Map.of("token", "upstream-token"))));
    assertThat(setup.status()).as(setup.text()).isEqualTo(201);
    assertThat(setup.text()).doesNotContain("upstream-token");
    assertThat(client.get("/api/v1/sdk/integrations/" + integration, token).json().get("provider").asString()).isEqualTo("http");
    assertThat(client.get("/api/v1/sdk/integrations?provider=http&limit=500", token).json().get("integrations").toString()).contains(integration);
    GatewayClient.Response tested = client.post("/api/v1/sdk/integrations/" + integration + "/tests", token, null);
    assertThat(tested.status()).as(tested.text()).isEqualTo(200);
    assertThat(tested.json().get("outcome").asString()).isEqualTo("OK");

    String endpoint = "rest." + suffix;
    GatewayClient.Response registered = client.post("/api/v1/sdk/endpoints", token, Map.of("endpoint", Map.of("name", endpoint,
        "baseUrl", upstreamUrl, "pathTemplate", "/things/{id}", "integrationId", integration, "auth", Map.of("type", "BEARER"))));
    assertThat(registered.status()).as(registered.text()).isEqualTo(201);
    assertThat(client.get("/api/v1/sdk/endpoints/" + endpoint, token).json().get("pathTemplate").asString()).isEqualTo("/things/{id}");
    assertThat(client.get("/api/v1/sdk/endpoints?integrationId=" + integration, token).json().at("/endpoints/0/name").asString()).isEqualTo(endpoint);
    GatewayClient.Response called = client.post("/api/v1/sdk/endpoints/" + endpoint + "/calls", token, Map.of("params", Map.of("id", "7")));
    assertThat(called.status()).as(called.text()).isEqualTo(200);
    assertThat(called.json().at("/body/path").asString()).isEqualTo("/things/7");
    assertThat(called.json().at("/body/authorized").asBoolean()).isTrue();
    GatewayClient.Response imported = client.post("/api/v1/sdk/endpoints/imports", token, Map.of("document", openApi(), "namePrefix", "restpets" + suffix + "."));
    assertThat(imported.status()).as(imported.text()).isEqualTo(201);
    assertThat(client.send("DELETE", "/api/v1/sdk/endpoints/restpets" + suffix + ".getPet", token, null, Map.of()).status()).isEqualTo(204);

    String extension = "rest-ext-" + suffix;
    GatewayClient.Response loaded = client.post("/api/v1/sdk/extensions", token, Map.of("extension", bundle(extension)));
    assertThat(loaded.status()).as(loaded.text()).isEqualTo(201);
    assertThat(loaded.json().get("status").asString()).isEqualTo("LOADED");
    assertThat(client.get("/api/v1/sdk/extensions/" + extension, token).json().get("version").asString()).isEqualTo("1.0.0");
    assertThat(client.get("/api/v1/sdk/extensions?kind=HTTP_TOOL_BUNDLE", token).json().get("extensions").toString()).contains(extension);
    assertThat(client.get("/api/v1/sdk/actions?extensionId=" + extension, token).json().at("/actions/0/kind").asString())
        .isEqualTo("ext:" + extension + ":lookup");
    GatewayClient.Response invoked = client.post("/api/v1/sdk/extensions/" + extension + "/actions/lookup/invocations", token,
        Map.of("input", Map.of("q", "y")));
    assertThat(invoked.status()).as(invoked.text()).isEqualTo(200);
    assertThat(invoked.json().at("/output/body/path").asString()).isEqualTo("/lookup?q=y");
    assertThat(client.send("DELETE", "/api/v1/sdk/extensions/" + extension, token, null, Map.of()).status()).isEqualTo(204);

    assertThat(client.send("DELETE", "/api/v1/sdk/integrations/" + integration, token, null, Map.of()).status()).isEqualTo(409);
    assertThat(client.send("DELETE", "/api/v1/sdk/integrations/" + integration + "?force=true", token, null, Map.of()).status()).isEqualTo(204);
    assertThat(client.get("/api/v1/sdk/integrations/" + integration, token).status()).isEqualTo(404);
  }

  @Test
  void badInputIsRefusedWithTheClientsPathsAndWritesNothing() {
    String name = "bad." + suffix;
    GatewayClient.Response rest = client.post("/api/v1/sdk/endpoints", token,
        Map.of("endpoint", Map.of("name", name, "baseUrl", "http://169.254.169.254", "retry", Map.of("maxAttempts", 99))));
    JsonNode graphQl = client.graphql(token, "mutation($input: SdkApiRegisterInput!) { sdkApiRegister(input: $input) { name } }",
        Map.of("input", Map.of("endpoint", Map.of("name", name, "baseUrl", "ftp://x", "method", "FETCH"))));
    GatewayClient.Response unknownField = client.post("/api/v1/sdk/integrations", token,
        Map.of("config", Map.of("provider", "http", "settings", Map.of("base_url", upstreamUrl), "credentialz", Map.of())));

    assertThat(rest.status()).as(rest.text()).isEqualTo(400);
    assertThat(rest.json().get("violations").toString()).contains("endpoint.retry.maxAttempts");
    assertThat(graphQl.at("/errors/0/extensions/code").asString()).as(graphQl.toString()).isEqualTo("BAD_USER_INPUT");
    assertThat(unknownField.status()).isEqualTo(400);
    assertThat(client.get("/api/v1/sdk/endpoints/" + name, token).status()).isEqualTo(404);
    GatewayClient.Response anonymous = client.get("/api/v1/sdk/endpoints", null);
    assertThat(anonymous.status()).isEqualTo(401);
  }

  private Map<String, Object> bundle(String id) {
    return Map.of("id", id, "version", "1.0.0", "kind", "HTTP_TOOL_BUNDLE",
        "endpoints", List.of(Map.of("name", "lookup", "baseUrl", upstreamUrl, "pathTemplate", "/lookup")),
        "actions", List.of(Map.of("name", "lookup", "endpoint", "lookup",
            "inputSchema", Map.of("type", "object", "properties", Map.of("q", Map.of("type", "string"))))));
  }

  private String openApi() {
    return "{\"openapi\":\"3.0.3\",\"info\":{\"title\":\"Pets\",\"version\":\"1\"},\"servers\":[{\"url\":\"" + upstreamUrl + "\"}],"
        + "\"paths\":{\"/pets/{petId}\":{\"get\":{\"operationId\":\"getPet\",\"parameters\":[{\"name\":\"petId\",\"in\":\"path\","
        + "\"required\":true,\"schema\":{\"type\":\"integer\"}}]}}}}";
  }
}
