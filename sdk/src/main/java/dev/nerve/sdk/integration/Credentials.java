package dev.nerve.sdk.integration;

import com.google.protobuf.Struct;
import java.util.Map;

/**
 * An integration's settings and decrypted secrets, handed to the code that authenticates a
 * request; never logged ({@link #toString} names the keys only).
 *
 * @param integrationId id of the integration
 * @param provider provider type, e.g. {@code github}
 * @param settings non-secret settings
 * @param secrets credential name to plaintext value
 */
public record Credentials(String integrationId, String provider, Struct settings, Map<String, String> secrets) {

  public Credentials {
    secrets = Map.copyOf(secrets);
  }

  /** A secret, or empty when it is not set. */
  public String secret(String name) {
    return secrets.getOrDefault(name, "");
  }

  /** A string setting, or {@code fallback}. */
  public String setting(String name, String fallback) {
    var value = settings.getFieldsMap().get(name);
    return value == null || !value.hasStringValue() || value.getStringValue().isEmpty() ? fallback : value.getStringValue();
  }

  @Override
  public String toString() {
    return "Credentials[" + integrationId + ", " + provider + ", secrets=" + secrets.keySet() + "]";
  }
}
