package dev.nerve.platform.identity;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.Optional;
import java.util.TreeSet;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Signs and verifies the identity carried in gRPC metadata: an HMAC-SHA256 over tenant, user,
 * roles and an expiry, so a service accepts only identities a Nerve process with the shared
 * {@link InternalSecret} vouched for.
 */
public final class InternalToken {

  /** How long a signature stays valid; checked when a call starts, so streams may outlive it. */
  public static final Duration LIFETIME = Duration.ofMinutes(5);

  private static final String VERSION = "v1";

  private final SecretKeySpec key;
  private final Clock clock;
  /** A keyed Mac per thread: looking one up and keying it cost more than the signature itself. */
  private final ThreadLocal<Mac> macs = ThreadLocal.withInitial(this::keyedMac);

  public InternalToken(InternalSecret secret) {
    this(secret, Clock.systemUTC());
  }

  InternalToken(InternalSecret secret, Clock clock) {
    this.key = new SecretKeySpec(secret.key(), "HmacSHA256");
    this.clock = clock;
  }

  /** A signature of {@code identity} valid for {@link #LIFETIME}. */
  public String sign(Identity identity) {
    long expires = clock.instant().plus(LIFETIME).getEpochSecond();
    return VERSION + "." + expires + "." + mac(identity, expires);
  }

  /** Whether {@code token} is an unexpired signature of exactly {@code identity}. */
  public boolean verify(Identity identity, String token) {
    if (token == null) {
      return false;
    }
    String[] parts = token.split("\\.", -1);
    if (parts.length != 3 || !VERSION.equals(parts[0])) {
      return false;
    }
    Optional<Long> expires = parseLong(parts[1]);
    if (expires.isEmpty() || expires.get() < clock.instant().getEpochSecond()) {
      return false;
    }
    byte[] expected = mac(identity, expires.get()).getBytes(StandardCharsets.US_ASCII);
    return MessageDigest.isEqual(expected, parts[2].getBytes(StandardCharsets.US_ASCII));
  }

  private String mac(Identity identity, long expires) {
    String canonical =
        identity.tenantId()
            + "\n"
            + identity.userId()
            + "\n"
            + String.join(",", new TreeSet<>(identity.roles()))
            + "\n"
            + expires;
    return Base64.getUrlEncoder()
        .withoutPadding()
        .encodeToString(macs.get().doFinal(canonical.getBytes(StandardCharsets.UTF_8)));
  }

  private Mac keyedMac() {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(key);
      return mac;
    } catch (NoSuchAlgorithmException | InvalidKeyException e) {
      throw new IllegalStateException("HmacSHA256 unavailable", e);
    }
  }

  private static Optional<Long> parseLong(String value) {
    try {
      return Optional.of(Long.parseLong(value));
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }
}
