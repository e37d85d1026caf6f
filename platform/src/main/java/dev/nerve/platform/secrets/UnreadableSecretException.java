package dev.nerve.platform.secrets;

/** A stored secret that cannot be decrypted: wrong master key, another row's value, or altered. */
public final class UnreadableSecretException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  public UnreadableSecretException(String message) {
    super(message);
  }
}
