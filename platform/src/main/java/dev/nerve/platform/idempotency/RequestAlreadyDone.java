package dev.nerve.platform.idempotency;

/**
 * Thrown inside a write's transaction when another request with the same key committed first; it
 * rolls that transaction back so the second write leaves nothing behind.
 */
public final class RequestAlreadyDone extends RuntimeException {

  private static final long serialVersionUID = 1L;

  RequestAlreadyDone(RequestKey key) {
    super("request " + key.requestId() + " of " + key.operation() + " already committed", null, false, false);
  }
}
