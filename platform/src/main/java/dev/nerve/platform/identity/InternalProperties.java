package dev.nerve.platform.identity;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Settings of service-to-service trust (prefix {@code nerve.internal}).
 *
 * @param secret shared HMAC key (at least 32 bytes) every process of a deployment signs internal
 *     identities with; blank makes a random one per process, fine only when all targets share it
 */
@ConfigurationProperties("nerve.internal")
public record InternalProperties(String secret) {

  /** The secret to sign and verify with. */
  public InternalSecret internalSecret() {
    return InternalSecret.of(secret);
  }

  @Override
  public String toString() {
    return "InternalProperties[secret=" + (secret == null || secret.isBlank() ? "<generated>" : "<set>") + "]";
  }
}
