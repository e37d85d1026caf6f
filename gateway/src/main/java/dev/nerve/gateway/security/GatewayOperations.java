package dev.nerve.gateway.security;

import static dev.nerve.platform.security.Permission.AUDIT_READ;
import static dev.nerve.platform.security.Permission.IDENTITY_ADMIN;
import static dev.nerve.platform.security.Permission.PUBLIC;
import static dev.nerve.platform.security.Permission.SESSION;

import dev.nerve.platform.security.Permission;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The operations the gateway serves itself rather than through a contract RPC (login, identity
 * administration, the audit log, the heartbeat subscription, the API documents), each with its
 * permission, rate-limit cost and whether it is audited. Operations backed by an RPC take these
 * facts from the RPC's {@code (nerve.common.v1.operation)} option instead ({@link OperationCatalog}).
 */
public final class GatewayOperations {

  private static final Map<String, Operation> GRAPHQL = graphql();
  private static final Map<String, Operation> REST = rest();

  private GatewayOperations() {}

  /** The entry of a GraphQL field coordinate such as {@code Mutation.authLogin}. */
  public static Optional<Operation> graphql(String coordinate) {
    return Optional.ofNullable(GRAPHQL.get(coordinate));
  }

  /** The entry of a route by method and pattern, falling back to an {@code ANY} entry. */
  public static Optional<Operation> rest(String method, String pattern) {
    return Optional.ofNullable(REST.get(method + " " + pattern)).or(() -> Optional.ofNullable(REST.get("ANY " + pattern)));
  }

  /** Every GraphQL entry, for the coverage checks. */
  public static Map<String, Operation> graphqlTable() {
    return GRAPHQL;
  }

  /** Every REST entry, for the coverage checks. */
  public static Map<String, Operation> restTable() {
    return REST;
  }

  private static Map<String, Operation> graphql() {
    Map<String, Operation> t = new LinkedHashMap<>();
    put(t, SESSION, 1, "Query.me", "Subscription.heartbeat");
    put(t, PUBLIC, 0, "Mutation.authLogin", "Mutation.authRefresh", "Mutation.authLogout");
    put(t, IDENTITY_ADMIN, 1, "IdentityQuery.users", "IdentityQuery.apiKeys");
    put(t, IDENTITY_ADMIN, 2,
        "Mutation.identityUsersCreate", "Mutation.identityUsersDisable",
        "Mutation.identityApiKeysCreate", "Mutation.identityApiKeysRevoke",
        "Mutation.identitySigningKeysRotate");
    put(t, AUDIT_READ, 1, "Query.audit");
    return Collections.unmodifiableMap(t);
  }

  private static Map<String, Operation> rest() {
    Map<String, Operation> t = new LinkedHashMap<>();
    put(t, PUBLIC, 0, "POST /api/v1/auth/token", "POST /api/v1/auth/logout", "GET /.well-known/jwks.json");
    put(t, SESSION, 1, "GET /api/v1/auth/me");
    put(t, IDENTITY_ADMIN, 1, "GET /api/v1/identity/api-keys", "GET /api/v1/identity/users");
    put(t, IDENTITY_ADMIN, 2,
        "POST /api/v1/identity/api-keys", "DELETE /api/v1/identity/api-keys/{id}",
        "POST /api/v1/identity/users", "POST /api/v1/identity/signing-keys");
    put(t, AUDIT_READ, 1, "GET /api/v1/audit");
    // Webhook deliveries: public, authenticated by their signature in the automation service.
    put(t, PUBLIC, 5, "POST /api/v1/hooks/{id}");
    // The published configuration JSON Schema (a contract file, for editors and tools).
    put(t, PUBLIC, 0, "GET /schemas/configuration.json");
    // Spring Boot's error page (any method); the original request was already checked.
    put(t, PUBLIC, 0, "ANY /error");
    // API description and its UI (springdoc).
    put(t, PUBLIC, 0,
        "GET /v3/api-docs", "GET /v3/api-docs.yaml", "GET /v3/api-docs/swagger-config",
        "GET /swagger-ui.html");
    return Collections.unmodifiableMap(t);
  }

  /** Mutations and REST writes are audited; reads are not. */
  private static void put(Map<String, Operation> table, Permission permission, int cost, String... keys) {
    for (String key : keys) {
      boolean audit = key.startsWith("Mutation.") || !(key.startsWith("GET ") || key.startsWith("ANY "));
      table.put(key, new Operation(key, permission, cost, audit));
    }
  }
}
