package dev.nerve.platform.secrets;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Encrypts secrets before they are stored (signing keys, integration credentials) with the
 * deployment's master key: AES-256-GCM, a random 96-bit nonce per value, and the value's place
 * (e.g. {@code gateway.signing_keys:<kid>}) as associated data, so a ciphertext copied to another
 * row does not open. Sealed values read {@code nrvenc:v1:<base64(nonce | ciphertext | tag)>}.
 */
public final class SecretBox {

  /** Prefix of every sealed value; anything else is plaintext from before encryption. */
  public static final String PREFIX = "nrvenc:v1:";

  private static final int NONCE_BYTES = 12;
  private static final int TAG_BITS = 128;

  private final SecretKey key;
  private final SecureRandom random = new SecureRandom();

  /** @param key 32 bytes of key material */
  public SecretBox(byte[] key) {
    if (key.length != 32) {
      throw new IllegalArgumentException("the master key must be 32 bytes, not " + key.length);
    }
    this.key = new SecretKeySpec(key, "AES");
  }

  /** Whether {@code stored} was sealed by a box (as opposed to legacy plaintext). */
  public static boolean sealed(String stored) {
    return stored != null && stored.startsWith(PREFIX);
  }

  /** Encrypts {@code plaintext} bound to {@code context}. */
  public String seal(String plaintext, String context) {
    byte[] nonce = new byte[NONCE_BYTES];
    random.nextBytes(nonce);
    try {
      Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
      cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, nonce));
      cipher.updateAAD(context.getBytes(StandardCharsets.UTF_8));
      byte[] sealed = cipher.doFinal(plaintext.getBytes(StandardCharsets.UTF_8));
      ByteBuffer out = ByteBuffer.allocate(nonce.length + sealed.length).put(nonce).put(sealed);
      return PREFIX + Base64.getEncoder().encodeToString(out.array());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM is unavailable", e);
    }
  }

  /**
   * Decrypts a value sealed for {@code context}.
   *
   * @throws UnreadableSecretException when the value is not sealed, was sealed with another
   *     master key or for another context, or was altered
   */
  public String open(String sealed, String context) {
    if (!sealed(sealed)) {
      throw new UnreadableSecretException(context + " is not an encrypted value");
    }
    byte[] raw;
    try {
      raw = Base64.getDecoder().decode(sealed.substring(PREFIX.length()));
    } catch (IllegalArgumentException e) {
      throw new UnreadableSecretException(context + " is not valid base64");
    }
    if (raw.length < NONCE_BYTES + TAG_BITS / 8) {
      throw new UnreadableSecretException(context + " is too short to be an encrypted value");
    }
    try {
      Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
      cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, raw, 0, NONCE_BYTES));
      cipher.updateAAD(context.getBytes(StandardCharsets.UTF_8));
      byte[] plain = cipher.doFinal(raw, NONCE_BYTES, raw.length - NONCE_BYTES);
      return new String(plain, StandardCharsets.UTF_8);
    } catch (javax.crypto.AEADBadTagException e) {
      throw new UnreadableSecretException(
          context
              + " cannot be decrypted: it was encrypted with another master key (NERVE_MASTER_KEY)"
              + " or has been altered");
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM is unavailable", e);
    }
  }

  @Override
  public String toString() {
    return "SecretBox[AES-256-GCM]";
  }
}
