package dev.nerve.gateway.security;

import static dev.nerve.platform.security.Permission.AUDIT_READ;
import static dev.nerve.platform.security.Permission.IDENTITY_ADMIN;
import static dev.nerve.platform.security.Permission.INSTALLATION_READ;
import static dev.nerve.platform.security.Permission.MEMORY_ADMIN;
import static dev.nerve.platform.security.Permission.MEMORY_READ;
import static dev.nerve.platform.security.Permission.MEMORY_WRITE;
import static dev.nerve.platform.security.Permission.PUBLIC;
import static dev.nerve.platform.security.Permission.SESSION;

import dev.nerve.platform.security.Permission;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The permission and rate-limit cost of every public operation: each GraphQL operation field
 * ({@code Type.field} on Query, Mutation, Subscription and the namespace types below Query) and
 * each REST route ({@code METHOD /pattern}). gRPC methods are in the platform's {@code
 * RpcOperation}. {@code PermissionCoverageTest} fails when an operation is missing; at run time
 * an operation without an entry is refused.
 */
public final class OperationPermissions {

  /**
   * What an operation requires and costs.
   *
   * @param permission the permission the caller needs
   * @param cost tokens taken from the caller's rate-limit bucket (reads 1, writes 2, searches and
   *     training 5 or more, namespaces 0)
   */
  public record Operation(Permission permission, int cost) {}

  private static final Map<String, Operation> GRAPHQL = graphql();
  private static final Map<String, Operation> REST = rest();

  private OperationPermissions() {}

  /** The entry of a GraphQL field coordinate such as {@code EnvironmentQuery.check}. */
  public static Optional<Operation> graphql(String coordinate) {
    return Optional.ofNullable(GRAPHQL.get(coordinate));
  }

  /** The entry of a REST route such as {@code GET /api/v1/environment/checks}. */
  public static Optional<Operation> rest(String route) {
    return Optional.ofNullable(REST.get(route));
  }

  /** The entry of a route by method and pattern, falling back to an {@code ANY} entry. */
  public static Optional<Operation> rest(String method, String pattern) {
    return rest(method + " " + pattern).or(() -> rest("ANY " + pattern));
  }

  public static Map<String, Operation> graphqlTable() {
    return GRAPHQL;
  }

  public static Map<String, Operation> restTable() {
    return REST;
  }

  private static Map<String, Operation> graphql() {
    Map<String, Operation> t = new LinkedHashMap<>();
    // Namespaces select nothing themselves.
    put(t, SESSION, 0, "Query.installation", "InstallationQuery.environment", "Query.identity");
    put(t, INSTALLATION_READ, 1, "EnvironmentQuery.check", "Subscription.installationEnvironmentCheckProgress");
    put(t, INSTALLATION_READ, 3, "EnvironmentQuery.verify");
    put(t, SESSION, 1, "Query.me", "Subscription.heartbeat");
    put(t, PUBLIC, 0, "Mutation.authLogin", "Mutation.authRefresh", "Mutation.authLogout");
    put(t, IDENTITY_ADMIN, 1, "IdentityQuery.users", "IdentityQuery.apiKeys");
    put(t, IDENTITY_ADMIN, 2,
        "Mutation.identityUsersCreate", "Mutation.identityUsersDisable",
        "Mutation.identityApiKeysCreate", "Mutation.identityApiKeysRevoke",
        "Mutation.identitySigningKeysRotate");
    put(t, AUDIT_READ, 1, "Query.audit");
    // Memory (naming per docs/api-conventions.md).
    put(t, SESSION, 0, "Query.memory", "MemoryQuery.shortTerm", "MemoryQuery.longTerm", "MemoryQuery.context");
    put(t, MEMORY_READ, 1,
        "ShortTermQuery.retrieve", "LongTermQuery.get", "LongTermQuery.list",
        "Subscription.memoryEvents",
        "LongTermQuery.versions", "ContextQuery.get", "ContextQuery.list", "ContextQuery.versions");
    put(t, MEMORY_READ, 5, "LongTermQuery.search", "LongTermQuery.retrieve");
    put(t, MEMORY_WRITE, 2,
        "Mutation.memoryShortTermStore", "Mutation.memoryShortTermClear",
        "Mutation.memoryLongTermStore", "Mutation.memoryLongTermUpdate", "Mutation.memoryLongTermDelete",
        "Mutation.memoryContextManage", "Mutation.memoryContextUpdate", "Mutation.memoryContextDelete");
    put(t, MEMORY_ADMIN, 10, "Mutation.memoryLongTermForgetUser", "Mutation.memoryLongTermRebuildIndex");
    return Collections.unmodifiableMap(t);
  }

  private static Map<String, Operation> rest() {
    Map<String, Operation> t = new LinkedHashMap<>();
    put(t, INSTALLATION_READ, 1, "GET /api/v1/environment/checks");
    put(t, INSTALLATION_READ, 3, "POST /api/v1/environment/verifications");
    put(t, PUBLIC, 0, "POST /api/v1/auth/token", "POST /api/v1/auth/logout", "GET /.well-known/jwks.json");
    put(t, SESSION, 1, "GET /api/v1/auth/me");
    put(t, IDENTITY_ADMIN, 1, "GET /api/v1/identity/api-keys", "GET /api/v1/identity/users");
    put(t, IDENTITY_ADMIN, 2,
        "POST /api/v1/identity/api-keys", "DELETE /api/v1/identity/api-keys/{id}",
        "POST /api/v1/identity/users", "POST /api/v1/identity/signing-keys");
    put(t, AUDIT_READ, 1, "GET /api/v1/audit");
    put(t, MEMORY_READ, 1,
        "GET /api/v1/memory/short-term/{sessionId}/items", "GET /api/v1/memory/long-term",
        "GET /api/v1/memory/long-term/{id}", "GET /api/v1/memory/long-term/{id}/versions",
        "GET /api/v1/memory/contexts", "GET /api/v1/memory/contexts/{id}",
        "GET /api/v1/memory/contexts/{id}/versions");
    put(t, MEMORY_READ, 5, "GET /api/v1/memory/long-term/retrieve", "POST /api/v1/memory/long-term/search");
    put(t, MEMORY_WRITE, 2,
        "POST /api/v1/memory/short-term/{sessionId}/items", "DELETE /api/v1/memory/short-term/{sessionId}/items",
        "POST /api/v1/memory/long-term", "PATCH /api/v1/memory/long-term/{id}",
        "DELETE /api/v1/memory/long-term/{id}", "POST /api/v1/memory/contexts",
        "PUT /api/v1/memory/contexts/{id}", "PATCH /api/v1/memory/contexts/{id}",
        "DELETE /api/v1/memory/contexts/{id}");
    put(t, MEMORY_ADMIN, 10, "DELETE /api/v1/memory/users/{userId}", "POST /api/v1/memory/long-term/index/rebuild");
    // Spring Boot's error page (any method); the original request was already checked.
    put(t, PUBLIC, 0, "ANY /error");
    // API description and its UI (springdoc).
    put(t, PUBLIC, 0,
        "GET /v3/api-docs", "GET /v3/api-docs.yaml", "GET /v3/api-docs/swagger-config",
        "GET /swagger-ui.html");
    return Collections.unmodifiableMap(t);
  }

  private static void put(Map<String, Operation> table, Permission permission, int cost, String... keys) {
    for (String key : keys) {
      table.put(key, new Operation(permission, cost));
    }
  }
}
