package dev.nerve.platform.secrets;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Encryption of secrets at rest (prefix {@code nerve.secrets}).
 *
 * @param masterKey base64 of the 32-byte AES key that encrypts stored secrets; blank generates one
 *     into {@code <data-dir>/master.key}, fine for a single process
 */
@ConfigurationProperties("nerve.secrets")
public record SecretsProperties(String masterKey) {

  @Override
  public String toString() {
    return "SecretsProperties[masterKey=" + (masterKey == null || masterKey.isBlank() ? "<file>" : "<set>") + "]";
  }
}
