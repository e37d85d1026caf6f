package dev.nerve.platform.secrets;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Encryption of secrets at rest (prefix {@code nerve.secrets}).
 *
 * @param masterKey base64 of the 32-byte AES key that encrypts stored secrets; blank generates one
 *     into {@code <data-dir>/master.key}, fine for a single process
 * @param previousMasterKey base64 of the key before a rotation: values sealed with it still open
 *     and are re-encrypted with {@code masterKey}; blank when no rotation is under way
 */
@ConfigurationProperties("nerve.secrets")
public record SecretsProperties(String masterKey, String previousMasterKey) {

  @Override
  public String toString() {
    return "SecretsProperties[masterKey="
        + (masterKey == null || masterKey.isBlank() ? "<file>" : "<set>")
        + ", previousMasterKey="
        + (previousMasterKey == null || previousMasterKey.isBlank() ? "<none>" : "<set>")
        + "]";
  }
}
