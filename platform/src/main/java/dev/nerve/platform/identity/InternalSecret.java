package dev.nerve.platform.identity;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The key every Nerve process of one deployment shares to sign and verify the identity that
 * travels between services ({@code nerve.internal.secret}). Without a configured value each JVM
 * makes a random one, which is only right when every target runs in that JVM.
 */
public final class InternalSecret {

  private static final Logger log = LoggerFactory.getLogger(InternalSecret.class);
  private static final int MIN_LENGTH = 32;
  private static volatile InternalSecret processDefault;

  private final String text;
  private final byte[] key;
  private final boolean generated;

  private InternalSecret(String text, boolean generated) {
    this.text = text;
    this.key = text.getBytes(StandardCharsets.UTF_8);
    this.generated = generated;
  }

  /** The configured secret, or this JVM's random one when {@code configured} is blank. */
  public static InternalSecret of(String configured) {
    if (configured == null || configured.isBlank()) {
      return processDefault();
    }
    if (configured.getBytes(StandardCharsets.UTF_8).length < MIN_LENGTH) {
      throw new IllegalArgumentException(
          "nerve.internal.secret must be at least " + MIN_LENGTH + " bytes long");
    }
    return new InternalSecret(configured, false);
  }

  /** A random secret made once per JVM, for processes that configure none. */
  public static InternalSecret processDefault() {
    InternalSecret secret = processDefault;
    if (secret == null) {
      synchronized (InternalSecret.class) {
        if (processDefault == null) {
          byte[] random = new byte[32];
          new SecureRandom().nextBytes(random);
          // Text, so it can be handed on like a configured value (InternalSecretFile).
          processDefault =
              new InternalSecret(Base64.getUrlEncoder().withoutPadding().encodeToString(random), true);
          log.warn(
              "nerve.internal.secret (NERVE_INTERNAL_SECRET) is not set: using a random secret for"
                  + " this process. Split deployments must give every process the same secret, or"
                  + " services refuse the gateway's calls.");
        }
        secret = processDefault;
      }
    }
    return secret;
  }

  /** Whether this secret was generated for this JVM rather than configured. */
  public boolean generated() {
    return generated;
  }

  /** The secret as configured (or generated) text, for {@link InternalSecretFile}. */
  String text() {
    return text;
  }

  byte[] key() {
    return Arrays.copyOf(key, key.length);
  }

  @Override
  public String toString() {
    return "InternalSecret[" + (generated ? "generated" : "configured") + "]";
  }
}
