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
 *
 * <p>During a master key rotation the box also holds the previous key: values sealed with it still
 * open, {@link #seal} always uses the current key, and {@link #reseal} moves a value to the
 * current key, so stored secrets can be re-encrypted while both keys are accepted.
 */
public final class SecretBox {

  /** Prefix of every sealed value; anything else is plaintext from before encryption. */
  public static final String PREFIX = "nrvenc:v1:";

  private static final int NONCE_BYTES = 12;
  private static final int TAG_BITS = 128;

  private final SecretKey key;
  private final SecretKey previous;
  private final SecureRandom random = new SecureRandom();

  /** @param key 32 bytes of key material */
  public SecretBox(byte[] key) {
    this(key, null);
  }

  /**
   * @param key 32 bytes of key material, used for sealing and opening
   * @param previousKey the key before a rotation, only for opening; null when there is none
   */
  public SecretBox(byte[] key, byte[] previousKey) {
    this.key = aes(key, "the master key");
    this.previous = previousKey == null ? null : aes(previousKey, "the previous master key");
  }

  private static SecretKey aes(byte[] key, String what) {
    if (key.length != 32) {
      throw new IllegalArgumentException(what + " must be 32 bytes, not " + key.length);
    }
    return new SecretKeySpec(key, "AES");
  }

  /** Whether a previous master key is configured, i.e. a rotation is under way. */
  public boolean rotating() {
    return previous != null;
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
    byte[] raw = raw(sealed, context);
    String plain = decrypt(key, raw, context);
    if (plain == null && previous != null) {
      plain = decrypt(previous, raw, context);
    }
    if (plain == null) {
      throw new UnreadableSecretException(
          context
              + " cannot be decrypted: it was encrypted with another master key (NERVE_MASTER_KEY)"
              + " or has been altered");
    }
    return plain;
  }

  /**
   * The value sealed with the current key: {@code sealed} itself when it already is, otherwise
   * the same plaintext sealed anew (a value only the previous key opens).
   *
   * @throws UnreadableSecretException when neither key opens it
   */
  public String reseal(String sealed, String context) {
    byte[] raw = raw(sealed, context);
    if (decrypt(key, raw, context) != null) {
      return sealed;
    }
    return seal(open(sealed, context), context);
  }

  private static byte[] raw(String sealed, String context) {
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
    return raw;
  }

  /** The plaintext, or null when {@code key} does not open the value. */
  private static String decrypt(SecretKey key, byte[] raw, String context) {
    try {
      Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
      cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, raw, 0, NONCE_BYTES));
      cipher.updateAAD(context.getBytes(StandardCharsets.UTF_8));
      byte[] plain = cipher.doFinal(raw, NONCE_BYTES, raw.length - NONCE_BYTES);
      return new String(plain, StandardCharsets.UTF_8);
    } catch (javax.crypto.AEADBadTagException e) {
      return null;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM is unavailable", e);
    }
  }

  @Override
  public String toString() {
    return "SecretBox[AES-256-GCM]";
  }
}
