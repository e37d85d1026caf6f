package dev.nerve.platform.security;

import static dev.nerve.platform.security.Permission.AUTOMATION_READ;
import static dev.nerve.platform.security.Permission.AUTOMATION_WRITE;
import static dev.nerve.platform.security.Permission.INSTALLATION_ADMIN;
import static dev.nerve.platform.security.Permission.INSTALLATION_READ;
import static dev.nerve.platform.security.Permission.LEARNING_READ;
import static dev.nerve.platform.security.Permission.LEARNING_WRITE;
import static dev.nerve.platform.security.Permission.MEMORY_ADMIN;
import static dev.nerve.platform.security.Permission.MEMORY_READ;
import static dev.nerve.platform.security.Permission.MEMORY_WRITE;
import static dev.nerve.platform.security.Permission.SDK_ADMIN;
import static dev.nerve.platform.security.Permission.SDK_CALL;
import static dev.nerve.platform.security.Permission.SDK_READ;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The permission of every gRPC method of every Nerve service, as one table. Services enforce it
 * ({@link AuthorizationServerInterceptor}), so a caller that bypasses the gateway meets the same
 * rules; {@code PermissionCoverageTest} fails when a method of the contracts is missing here.
 */
public final class GrpcPermissions {

  private static final Map<String, Permission> TABLE = build();

  private GrpcPermissions() {}

  /** Permission of a method by its full name ({@code nerve.memory.v1.ShortTermMemoryService/Store}). */
  public static Optional<Permission> of(String fullMethodName) {
    return Optional.ofNullable(TABLE.get(fullMethodName));
  }

  /** The whole table, for documentation and the coverage test. */
  public static Map<String, Permission> table() {
    return TABLE;
  }

  private static Map<String, Permission> build() {
    Map<String, Permission> t = new LinkedHashMap<>();
    service(t, "nerve.installation.v1.EnvironmentService",
        "Check", INSTALLATION_READ, "WatchCheck", INSTALLATION_READ, "Verify", INSTALLATION_READ,
        "Setup", INSTALLATION_ADMIN);
    service(t, "nerve.installation.v1.DependencyService",
        "Install", INSTALLATION_ADMIN, "Update", INSTALLATION_ADMIN, "Remove", INSTALLATION_ADMIN,
        "Get", INSTALLATION_READ, "List", INSTALLATION_READ);
    service(t, "nerve.installation.v1.ConfigurationService",
        "Load", INSTALLATION_READ, "Save", INSTALLATION_ADMIN, "Validate", INSTALLATION_READ,
        "ListVersions", INSTALLATION_READ);
    service(t, "nerve.memory.v1.ShortTermMemoryService",
        "Store", MEMORY_WRITE, "Retrieve", MEMORY_READ, "Clear", MEMORY_WRITE);
    service(t, "nerve.memory.v1.LongTermMemoryService",
        "Store", MEMORY_WRITE, "Retrieve", MEMORY_READ, "Search", MEMORY_READ, "Get", MEMORY_READ,
        "Update", MEMORY_WRITE, "Delete", MEMORY_WRITE, "List", MEMORY_READ,
        "ListVersions", MEMORY_READ, "ForgetUser", MEMORY_ADMIN, "RebuildIndex", MEMORY_ADMIN);
    service(t, "nerve.memory.v1.ContextService",
        "Manage", MEMORY_WRITE, "Update", MEMORY_WRITE, "Get", MEMORY_READ, "List", MEMORY_READ,
        "Delete", MEMORY_WRITE, "ListVersions", MEMORY_READ);
    service(t, "nerve.sdk.v1.ApiEndpointService",
        "Register", SDK_ADMIN, "Call", SDK_CALL, "Remove", SDK_ADMIN, "Get", SDK_READ,
        "List", SDK_READ);
    service(t, "nerve.sdk.v1.ExtensionService",
        "Load", SDK_ADMIN, "Unload", SDK_ADMIN, "List", SDK_READ, "Get", SDK_READ);
    service(t, "nerve.sdk.v1.IntegrationService",
        "Setup", SDK_ADMIN, "Test", SDK_CALL, "Remove", SDK_ADMIN, "Get", SDK_READ,
        "List", SDK_READ);
    service(t, "nerve.automation.v1.WorkflowService",
        "Create", AUTOMATION_WRITE, "Execute", AUTOMATION_WRITE, "Update", AUTOMATION_WRITE,
        "Delete", AUTOMATION_WRITE, "Get", AUTOMATION_READ, "List", AUTOMATION_READ,
        "GetExecution", AUTOMATION_READ, "ListExecutions", AUTOMATION_READ,
        "ListVersions", AUTOMATION_READ);
    service(t, "nerve.automation.v1.TaskService",
        "Schedule", AUTOMATION_WRITE, "Cancel", AUTOMATION_WRITE, "List", AUTOMATION_READ,
        "Get", AUTOMATION_READ);
    service(t, "nerve.automation.v1.ActionService",
        "Register", AUTOMATION_WRITE, "Execute", AUTOMATION_WRITE, "Remove", AUTOMATION_WRITE,
        "Get", AUTOMATION_READ, "List", AUTOMATION_READ);
    service(t, "nerve.learning.v1.PatternService",
        "Identify", LEARNING_WRITE, "Store", LEARNING_WRITE, "Retrieve", LEARNING_READ,
        "Get", LEARNING_READ, "List", LEARNING_READ, "Delete", LEARNING_WRITE);
    service(t, "nerve.learning.v1.PreferenceService",
        "Learn", LEARNING_WRITE, "Update", LEARNING_WRITE, "Get", LEARNING_READ);
    service(t, "nerve.learning.v1.ModelService",
        "Train", LEARNING_WRITE, "Predict", LEARNING_READ, "Evaluate", LEARNING_READ,
        "Get", LEARNING_READ, "List", LEARNING_READ, "Delete", LEARNING_WRITE);
    return Collections.unmodifiableMap(t);
  }

  private static void service(Map<String, Permission> table, String service, Object... pairs) {
    for (int i = 0; i < pairs.length; i += 2) {
      table.put(service + "/" + pairs[i], (Permission) pairs[i + 1]);
    }
  }
}
