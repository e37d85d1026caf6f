package dev.nerve.automation.trigger;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The webhook signature scheme: header {@code X-Nerve-Signature: t=<unix seconds>,v1=<hex>} where
 * the hex is HMAC-SHA256 under the hook's secret of {@code "<t>.<raw body>"}. Several {@code v1}
 * values may be sent (secret rotation); one must match. The timestamp must be within the hook's
 * tolerance of the service's clock, and each signature is accepted once.
 */
public final class WebhookSignature {

  /** Header carrying the signature, lower-case as the gateway forwards it. */
  public static final String HEADER = "x-nerve-signature";

  private WebhookSignature() {}

  /** The header value for a body signed now: what a sender computes. */
  public static String sign(String secret, long unixSeconds, byte[] body) {
    return "t=" + unixSeconds + ",v1=" + hex(secret, unixSeconds, body);
  }

  static String hex(String secret, long unixSeconds, byte[] body) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      mac.update((unixSeconds + ".").getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(mac.doFinal(body));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HMAC-SHA256 is unavailable", e);
    }
  }

  /**
   * Verifies a header against a body; returns the matching signature, or null with the reason
   * in {@code why[0]}.
   */
  static String verify(String header, String secret, byte[] body, Instant now, Duration tolerance, String[] why) {
    if (header == null || header.isBlank()) {
      why[0] = "the request carries no X-Nerve-Signature header";
      return null;
    }
    Long t = null;
    List<String> signatures = new ArrayList<>();
    for (String part : header.split(",")) {
      String p = part.trim();
      if (p.startsWith("t=")) {
        try {
          t = Long.parseLong(p.substring(2));
        } catch (NumberFormatException e) {
          why[0] = "the signature timestamp is not a number";
          return null;
        }
      } else if (p.startsWith("v1=")) {
        signatures.add(p.substring(3));
      }
    }
    if (t == null || signatures.isEmpty()) {
      why[0] = "the X-Nerve-Signature header needs t= and v1=";
      return null;
    }
    if (Math.abs(now.getEpochSecond() - t) > tolerance.toSeconds()) {
      why[0] = "the signature timestamp is outside the hook's tolerance of " + tolerance.toSeconds() + " s";
      return null;
    }
    byte[] expected = hex(secret, t, body).getBytes(StandardCharsets.US_ASCII);
    for (String signature : signatures) {
      if (MessageDigest.isEqual(expected, signature.getBytes(StandardCharsets.US_ASCII))) {
        return signature;
      }
    }
    why[0] = "the signature does not match the body";
    return null;
  }
}
