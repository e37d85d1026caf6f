package dev.nerve.sdk.integration;

import dev.nerve.sdk.support.Json;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The built-in integration types and their settings schemas; types that extensions add
 * ({@code <extension>:<type>}) come from {@link ContributedTypes}.
 */
public final class IntegrationTypes {

  /** Types extensions contribute, looked up per tenant. */
  public interface ContributedTypes {
    Optional<IntegrationType> find(String tenant, String provider);
  }

  private static final String URL = "{\"type\":\"string\",\"minLength\":1,\"maxLength\":2048,\"pattern\":\"^https?://\"}";

  static final Map<String, IntegrationType> BUILT_IN = Map.of(
      "http", type("http",
          "{\"type\":\"object\",\"required\":[\"base_url\"],\"additionalProperties\":false,\"properties\":{"
              + "\"base_url\":" + URL + ",\"health_path\":{\"type\":\"string\",\"maxLength\":1024,\"pattern\":\"^/\"},"
              + "\"auth\":{\"enum\":[\"none\",\"bearer\",\"basic\",\"api_key\"]},"
              + "\"api_key_header\":{\"type\":\"string\",\"maxLength\":128},\"token_url\":" + URL + "}}",
          List.of(), List.of("token", "username", "password", "api_key", "client_id", "client_secret")),
      "slack", type("slack",
          "{\"type\":\"object\",\"additionalProperties\":false,\"properties\":{\"channel\":{\"type\":\"string\",\"maxLength\":256}}}",
          List.of("webhook_url"), List.of("webhook_url")),
      "github", type("github",
          "{\"type\":\"object\",\"additionalProperties\":false,\"properties\":{\"base_url\":" + URL
              + ",\"org\":{\"type\":\"string\",\"maxLength\":256}}}",
          List.of("token"), List.of("token")),
      "smtp", type("smtp",
          "{\"type\":\"object\",\"required\":[\"host\"],\"additionalProperties\":false,\"properties\":{"
              + "\"host\":{\"type\":\"string\",\"minLength\":1,\"maxLength\":253},"
              + "\"port\":{\"type\":\"integer\",\"minimum\":1,\"maximum\":65535},"
              + "\"security\":{\"enum\":[\"none\",\"starttls\",\"tls\"]},"
              + "\"from\":{\"type\":\"string\",\"maxLength\":320}}}",
          List.of(), List.of("username", "password")),
      "openai", type("openai",
          "{\"type\":\"object\",\"required\":[\"base_url\"],\"additionalProperties\":false,\"properties\":{"
              + "\"base_url\":" + URL + ",\"model\":{\"type\":\"string\",\"maxLength\":256},"
              + "\"organization\":{\"type\":\"string\",\"maxLength\":256}}}",
          List.of(), List.of("api_key")),
      "mcp", type("mcp",
          "{\"type\":\"object\",\"additionalProperties\":false,\"properties\":{\"url\":" + URL + ","
              + "\"command\":{\"type\":\"string\",\"minLength\":1,\"maxLength\":1024},"
              + "\"args\":{\"type\":\"array\",\"maxItems\":64,\"items\":{\"type\":\"string\",\"maxLength\":65536}}},"
              + "\"oneOf\":[{\"required\":[\"url\"]},{\"required\":[\"command\"]}]}",
          List.of(), List.of("token")));

  private static IntegrationType type(String provider, String schema, List<String> required, List<String> known) {
    return new IntegrationType(provider, Json.read(schema), required, known);
  }

  private final ContributedTypes contributed;

  public IntegrationTypes(ContributedTypes contributed) {
    this.contributed = contributed;
  }

  /** The type of {@code provider} for the tenant, if there is one. */
  public Optional<IntegrationType> find(String tenant, String provider) {
    IntegrationType builtIn = BUILT_IN.get(provider);
    if (builtIn != null) {
      return Optional.of(builtIn);
    }
    return provider.contains(":") ? contributed.find(tenant, provider) : Optional.empty();
  }
}
