package dev.nerve.platform.target;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/**
 * Every target the {@code nerve} executable can run, declared once: a target is a deployable unit
 * (one Kubernetes Deployment) that contributes gRPC services, migrations, health and workers.
 */
public enum Target {
  /** Public surface: GraphQL, REST, authentication, rate limits; owns tenants, users and keys. */
  GATEWAY("gateway", "gateway"),
  /** Short-term, long-term and context memory. */
  MEMORY("memory", "memory"),
  /** Environment, dependencies and configuration. */
  INSTALLATION("installation", "installation"),
  /** External API endpoints, extensions and integrations. */
  SDK("sdk", "sdk"),
  /** Workflows, scheduled tasks and actions. */
  AUTOMATION("automation", "automation"),
  /** Patterns, preferences and models. */
  LEARNING("learning", "learning");

  /** Group name meaning every target. */
  public static final String ALL = "all";

  private final String id;
  private final String schema;

  Target(String id, String schema) {
    this.id = id;
    this.schema = schema;
  }

  /** Name used in {@code --targets}, configuration keys and health service names. */
  public String id() {
    return id;
  }

  /** PostgreSQL schema this target owns, empty for targets without storage. */
  public Optional<String> schema() {
    return Optional.ofNullable(schema);
  }

  /** Parses a target name as written on the command line. */
  public static Optional<Target> fromId(String id) {
    String wanted = id.trim().toLowerCase(Locale.ROOT);
    return Arrays.stream(values()).filter(t -> t.id.equals(wanted)).findFirst();
  }
}
