package dev.nerve.gateway.security;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nerve.gateway.GatewayClient;
import dev.nerve.gateway.GatewayTestApplication;
import dev.nerve.gateway.identity.UserStore;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.TestPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * Standard introspection as third-party tools send it: graphql-js {@code getIntrospectionQuery()}
 * (its exact text, in {@code src/test/resources/introspection}) loads the whole schema for a
 * caller of any role although it is deeper and more complex than the (deliberately small) limits
 * here allow application queries; anonymous callers are refused; documents that mix introspection
 * with application fields keep the limits; and bad-faith introspection is refused by
 * graphql-java's own check; with introspection off the same query is refused. GraphiQL (which
 * loads the schema this way) is served with every asset from the jar, and not at all when
 * introspection is off.
 */
@SpringBootTest(
    classes = GatewayTestApplication.class,
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {
      "nerve.targets=gateway",
      "nerve.gateway.rate-limit.per-minute=100000",
      "nerve.gateway.graphql.max-depth=4",
      "nerve.gateway.graphql.max-complexity=8"
    })
class IntrospectionIT {

  @LocalServerPort int port;
  @Autowired UserStore users;

  private GatewayClient client;

  @BeforeEach
  void client() {
    client = new GatewayClient(port);
  }

  static String query(String name) {
    try (InputStream in = IntrospectionIT.class.getResourceAsStream("/introspection/" + name + ".graphql")) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  @ParameterizedTest(name = "{0} query, viewer")
  @ValueSource(strings = {"default", "all-options"})
  void graphqlJsIntrospectionLoadsTheSchemaWithACredentialOfAnyRole(String variant) {
    String viewer = GatewayClient.user(users, "introspect-" + UUID.randomUUID(), "viewer");
    String token = client.accessToken(viewer, GatewayClient.PASSWORD);

    JsonNode result = client.graphql(token, query(variant));

    assertThat(result.has("errors")).as(result.toString().substring(0, Math.min(2000, result.toString().length()))).isFalse();
    JsonNode schema = result.at("/data/__schema");
    assertThat(schema.at("/queryType/name").asString()).isEqualTo("Query");
    assertThat(schema.at("/mutationType/name").asString()).isEqualTo("Mutation");
    assertThat(schema.at("/subscriptionType/name").asString()).isEqualTo("Subscription");
    List<String> types = new ArrayList<>();
    schema.get("types").forEach(type -> types.add(type.get("name").asString()));
    assertThat(types).contains("Query", "__Schema", "DateTime", "PageInfo").hasSizeGreaterThan(50);
    assertThat(schema.get("directives").toString()).contains("\"name\":\"include\"", "\"name\":\"deprecated\"");
  }

  @Test
  void theFullQueryWorksForAnAdminToo() {
    String token = client.adminToken();
    assertThat(client.graphql(token, query("all-options")).at("/data/__schema/types").size()).isGreaterThan(50);
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"default", "all-options", "{ __type(name: \"Query\") { name fields { name } } }", "{ __schema { queryType { name } } }"})
  void anonymousIntrospectionIsUnauthenticated(String variant) {
    String document = variant.startsWith("{") ? variant : query(variant);

    JsonNode result = client.graphql(null, document);

    assertThat(result.at("/errors/0/extensions/code").asString()).as(result.toString()).isEqualTo("UNAUTHENTICATED");
    assertThat(result.at("/errors/0/message").asString()).contains("credential");
    assertThat(result.path("data").path("__schema").isMissingNode() || result.path("data").isNull()
        || result.path("data").path("__schema").isNull()).as(result.toString()).isTrue();
  }

  @Test
  void anonymousTypenameIsNotIntrospectionAndStillAnswers() {
    JsonNode result = client.graphql(null, "{ __typename }");
    assertThat(result.at("/data/__typename").asString()).as(result.toString()).isEqualTo("Query");
  }

  @Test
  void introspectionMixedWithApplicationFieldsKeepsTheDepthLimit() {
    String token = client.adminToken();
    JsonNode result =
        client.graphql(
            token, "{ __schema { queryType { name } } installation { environment { check { checks { id } } } } }");
    assertThat(result.at("/errors/0/extensions/code").asString()).as(result.toString()).isEqualTo("BAD_USER_INPUT");
    assertThat(result.at("/errors/0/message").asString()).containsIgnoringCase("depth");
  }

  @Test
  void badFaithIntrospectionIsRefusedByItsOwnCheck() {
    String token = client.adminToken();
    String cyclic = "{ __schema { types { fields { type { fields { type { fields { type { fields { name } } } } } } } } } }";
    JsonNode result = client.graphql(token, cyclic);
    assertThat(result.at("/errors/0/extensions/code").asString()).as(result.toString()).isEqualTo("BAD_USER_INPUT");
    assertThat(result.path("data").path("__schema").isMissingNode() || result.path("data").isNull()
        || result.path("data").path("__schema").isNull()).as(result.toString()).isTrue();
  }

  @Test
  void graphiqlIsServedWithEveryAssetFromTheJar() {
    GatewayClient.Response page = client.get("/graphiql", null);
    assertThat(page.status()).isEqualTo(200);
    assertThat(page.header("Content-Type")).startsWith("text/html");
    assertThat(page.header("Content-Security-Policy")).contains("script-src 'self'").contains("frame-ancestors 'none'");
    assertThat(page.text())
        .contains("data-graphql-path=\"/graphql\"", "data-subscription-path=\"/graphql\"")
        .doesNotContain("http://", "https://", "esm.sh", "unpkg", "jsdelivr");
    java.util.regex.Matcher assets = java.util.regex.Pattern.compile("(?:src|href)=\"([^\"]+)\"").matcher(page.text());
    List<String> paths = new ArrayList<>();
    while (assets.find()) {
      paths.add("/" + assets.group(1));
    }
    assertThat(paths)
        .contains(
            "/graphiql/assets/graphiql.min.js",
            "/graphiql/assets/graphiql.min.css",
            "/graphiql/assets/react.production.min.js",
            "/graphiql/assets/react-dom.production.min.js",
            "/graphiql/assets/nerve-graphiql.js");
    for (String path : paths) {
      GatewayClient.Response asset = client.get(path, null);
      assertThat(asset.status()).as(path).isEqualTo(200);
      assertThat(asset.text()).as(path).isNotBlank();
    }
    assertThat(client.get("/graphiql/assets/nerve-graphiql.js", null).text())
        .contains("Authorization", "Bearer <token>", "subscriptionUrl", "wss:");
    for (String licence : List.of("graphiql.LICENSE", "react.LICENSE", "react-dom.LICENSE")) {
      assertThat(client.get("/graphiql/assets/" + licence, null).text()).as(licence).contains("MIT License");
    }
    assertThat(client.get("/graphiql/assets/../application.yml", null).status()).isIn(400, 404);
  }

  /** The same server with {@code nerve.gateway.graphql.introspection=false}. */
  @Nested
  @TestPropertySource(properties = "nerve.gateway.graphql.introspection=false")
  class Off {

    @LocalServerPort int offPort;

    @ParameterizedTest(name = "{0} query")
    @ValueSource(strings = {"default", "all-options"})
    void graphqlJsIntrospectionIsRefused(String variant) {
      GatewayClient off = new GatewayClient(offPort);
      JsonNode result = off.graphql(off.adminToken(), query(variant));

      assertThat(result.at("/errors/0/extensions/code").asString()).as(result.toString()).isEqualTo("BAD_USER_INPUT");
      assertThat(result.at("/errors/0/message").asString()).containsIgnoringCase("introspection");
      assertThat(result.path("data").path("__schema").isMissingNode() || result.path("data").isNull()
          || result.path("data").path("__schema").isNull()).as(result.toString()).isTrue();
    }

    @Test
    void graphiqlIsNotServed() {
      GatewayClient off = new GatewayClient(offPort);
      assertThat(off.get("/graphiql", null).status()).isEqualTo(404);
      assertThat(off.get("/graphiql/assets/graphiql.min.js", null).status()).isEqualTo(404);
    }
  }
}
