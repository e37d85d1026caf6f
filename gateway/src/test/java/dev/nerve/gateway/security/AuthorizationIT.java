package dev.nerve.gateway.security;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nerve.gateway.GatewayClient;
import dev.nerve.gateway.GatewayTestApplication;
import dev.nerve.gateway.identity.UserStore;
import dev.nerve.gateway.graphql.RpcDirective;
import graphql.schema.GraphQLFieldDefinition;
import graphql.schema.GraphQLObjectType;
import graphql.schema.GraphQLSchema;
import graphql.schema.GraphQLType;
import graphql.schema.GraphQLTypeUtil;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.graphql.execution.GraphQlSource;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;
import tools.jackson.databind.JsonNode;

/**
 * The permission model end to end: every public operation has an entry (GraphQL schema and REST
 * mappings walked), each role gets exactly what the table grants, and nothing of another tenant
 * can be read, changed or deleted through either surface.
 */
@SpringBootTest(
    classes = GatewayTestApplication.class,
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {"nerve.targets=gateway", "nerve.gateway.rate-limit.per-minute=100000"})
class AuthorizationIT {

  @LocalServerPort int port;
  @Autowired UserStore users;
  @Autowired GraphQlSource graphQl;
  @Autowired OperationCatalog catalog;

  @Autowired
  @Qualifier("requestMappingHandlerMapping")
  RequestMappingHandlerMapping mappings;

  private GatewayClient client;

  @BeforeEach
  void client() {
    client = new GatewayClient(port);
  }

  @Test
  void everyGraphQlOperationFieldHasAPermission() {
    GraphQLSchema schema = graphQl.schema();
    List<String> missing = new ArrayList<>();
    for (GraphQLObjectType root :
        new GraphQLObjectType[] {schema.getQueryType(), schema.getMutationType(), schema.getSubscriptionType()}) {
      walk(catalog, root, missing, new TreeSet<>());
    }
    assertThat(missing).as("GraphQL fields with no RPC (@rpc) and no entry in GatewayOperations").isEmpty();
  }

  private static void walk(OperationCatalog catalog, GraphQLObjectType type, List<String> missing, TreeSet<String> seen) {
    if (type == null || !seen.add(type.getName())) {
      return;
    }
    for (GraphQLFieldDefinition field : type.getFieldDefinitions()) {
      if (catalog.graphql(type, field).isEmpty()) {
        missing.add(type.getName() + "." + field.getName());
      }
      GraphQLType target = GraphQLTypeUtil.unwrapAll(field.getType());
      if (target instanceof GraphQLObjectType object && RpcDirective.namespace(object)) {
        walk(catalog, object, missing, seen);
      }
    }
  }

  @Test
  void everyRestRouteHasAPermission() {
    List<String> missing = new ArrayList<>();
    mappings
        .getHandlerMethods()
        .forEach(
            (info, handler) ->
                info.getPatternValues()
                    .forEach(
                        pattern -> {
                          var methods = info.getMethodsCondition().getMethods();
                          if (methods.isEmpty() && catalog.rest(handler, "ANY", pattern).isEmpty()) {
                            missing.add("ANY " + pattern);
                          }
                          methods.forEach(
                              m -> {
                                if (catalog.rest(handler, m.name(), pattern).isEmpty()) {
                                  missing.add(m.name() + " " + pattern);
                                }
                              });
                        }));
    assertThat(missing).as("REST routes of no RPC and without an entry in GatewayOperations").isEmpty();
  }

  @Test
  void aFieldOrRouteWithoutAnEntryIsReported() {
    List<String> missing = new ArrayList<>();
    GraphQLObjectType probe =
        GraphQLObjectType.newObject()
            .name("Query")
            .field(f -> f.name("noSuchField").type(graphql.Scalars.GraphQLString))
            .build();
    walk(catalog, probe, missing, new TreeSet<>());
    assertThat(missing).containsExactly("Query.noSuchField");
    assertThat(catalog.rest(new Object(), "GET", "/api/v1/no-such-route")).isEmpty();
  }

  /** Role, operation, expected outcome ({@code ok}, or the HTTP status / GraphQL code). */
  @ParameterizedTest(name = "{0} {1} -> {2}")
  @CsvSource({
    "anonymous, GET /api/v1/auth/me, 401",
    "viewer, GET /api/v1/auth/me, 200",
    "viewer, GET /api/v1/identity/api-keys, 403",
    "operator, GET /api/v1/identity/api-keys, 403",
    "admin, GET /api/v1/identity/api-keys, 200",
    "anonymous, GET /api/v1/audit, 401",
    "viewer, GET /api/v1/audit, 403",
    "operator, GET /api/v1/audit, 403",
    "admin, GET /api/v1/audit, 200",
    "viewer, GET /api/v1/identity/users, 403",
    "admin, GET /api/v1/identity/users, 200",
    "operator, POST /api/v1/identity/signing-keys, 403",
    "anonymous, GET /.well-known/jwks.json, 200",
    "anonymous, GET /api/v1/environment/checks, 401",
    "viewer, GET /api/v1/environment/checks, 503",
  })
  void restPermissionMatrix(String role, String route, int expected) {
    String[] parts = route.split(" ");
    String token = token(role);
    GatewayClient.Response response = client.send(parts[0], parts[1], token, null, Map.of());
    assertThat(response.status()).as(response.text()).isEqualTo(expected);
  }

  @ParameterizedTest(name = "{0} {1} -> {2}")
  @CsvSource(
      delimiter = '|',
      value = {
        "anonymous | { me { userId } } | UNAUTHENTICATED",
        "viewer | { me { userId } } | ok",
        "viewer | { identity { users { id } } } | FORBIDDEN",
        "operator | { identity { apiKeys { id } } } | FORBIDDEN",
        "admin | { identity { users { id } apiKeys { id } } } | ok",
        "viewer | { audit { edges { node { id } } } } | FORBIDDEN",
        "admin | { audit { edges { node { id } } } } | ok",
        "anonymous | { installation { environment { check { overall } } } } | UNAUTHENTICATED",
        "viewer | { installation { environment { check { overall } } } } | UNAVAILABLE",
        "operator | mutation { identitySigningKeysRotate } | FORBIDDEN",
        "viewer | mutation { identityApiKeysCreate(input: {name: \"k\", roles: [\"viewer\"]}) { secret } } | FORBIDDEN",
        "viewer | mutation { memoryShortTermClear { clearedCount } } | FORBIDDEN",
        "anonymous | { __typename } | ok",
      })
  void graphQlPermissionMatrix(String role, String query, String expected) {
    JsonNode result = client.graphql(token(role), query);
    if (expected.equals("ok")) {
      assertThat(result.has("errors")).as(result.toString()).isFalse();
    } else {
      assertThat(result.at("/errors/0/extensions/code").asString()).as(result.toString()).isEqualTo(expected);
    }
  }

  @Test
  void anotherTenantsObjectsAreInvisibleOnEverySurface() {
    String tenantA = "tenant-a-" + UUID.randomUUID();
    String tenantB = "tenant-b-" + UUID.randomUUID();
    String adminA = client.accessToken(GatewayClient.user(users, tenantA, "admin"), GatewayClient.PASSWORD);
    String adminB = client.accessToken(GatewayClient.user(users, tenantB, "admin"), GatewayClient.PASSWORD);

    JsonNode key = client.post("/api/v1/identity/api-keys", adminA, Map.of("name", "a-key", "roles", List.of("viewer"))).json();
    String keyId = key.at("/key/id").asString();
    String userA = client.post(
            "/api/v1/identity/users", adminA,
            Map.of("username", "a-user-" + UUID.randomUUID().toString().substring(0, 6), "password", GatewayClient.PASSWORD, "roles", List.of("viewer")))
        .json().get("id").asString();

    // Read: B's lists do not contain A's objects, and B's audit log has none of A's entries.
    assertThat(client.get("/api/v1/identity/api-keys", adminB).text()).doesNotContain(keyId);
    assertThat(client.get("/api/v1/identity/users", adminB).text()).doesNotContain(userA);
    assertThat(client.graphql(adminB, "{ identity { users { id } apiKeys { id } } }").toString())
        .doesNotContain(keyId).doesNotContain(userA);
    assertThat(client.get("/api/v1/audit", adminB).text()).doesNotContain(keyId).doesNotContain(tenantA);
    assertThat(client.graphql(adminB, "{ audit { edges { node { targetIds } } } }").toString()).doesNotContain(keyId);

    // Update and delete: NOT_FOUND, and A's objects still work.
    assertThat(client.send("DELETE", "/api/v1/identity/api-keys/" + keyId, adminB, null, Map.of()).status()).isEqualTo(404);
    assertThat(client.graphql(adminB, "mutation($id: ID!) { identityApiKeysRevoke(id: $id) { id } }", Map.of("id", keyId))
            .at("/errors/0/extensions/code").asString())
        .isEqualTo("NOT_FOUND");
    assertThat(client.graphql(adminB, "mutation($id: ID!) { identityUsersDisable(id: $id) { id } }", Map.of("id", userA))
            .at("/errors/0/extensions/code").asString())
        .isEqualTo("NOT_FOUND");
    assertThat(client.get("/api/v1/auth/me", key.get("secret").asString()).status()).isEqualTo(200);
  }

  private String token(String role) {
    if (role.equals("anonymous")) {
      return null;
    }
    return client.accessToken(GatewayClient.user(users, "matrix-" + UUID.randomUUID(), role), GatewayClient.PASSWORD);
  }
}
