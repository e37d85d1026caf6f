package dev.nerve.sdk.outbound;

import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.UnknownHostException;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpTimeoutException;

/**
 * Why an outbound request failed, told apart so callers can answer honestly: nothing was sent
 * (unknown host, refused, blocked: safe to retry, UNAVAILABLE) or the outcome is unknown (timeout
 * after sending: DEADLINE_EXCEEDED).
 */
public enum OutboundFailure {
  /** The host name does not resolve. */
  UNKNOWN_HOST(false),
  /** Nothing accepted the connection. */
  UNREACHABLE(false),
  /** The connection was not established in time. */
  CONNECT_TIMEOUT(false),
  /** The request was sent but the answer did not come in time. */
  TIMEOUT(true),
  /** The outbound guard refused the destination. */
  BLOCKED(false),
  /** The connection broke while sending or receiving. */
  BROKEN(true);

  private final boolean maybeDelivered;

  OutboundFailure(boolean maybeDelivered) {
    this.maybeDelivered = maybeDelivered;
  }

  /** Whether the server may have received (and acted on) the request. */
  public boolean maybeDelivered() {
    return maybeDelivered;
  }

  /** The failure a thrown exception stands for, looking through its causes. */
  public static OutboundFailure of(Throwable error) {
    for (Throwable t = error; t != null; t = t.getCause()) {
      if (t instanceof UnknownHostException || t instanceof java.nio.channels.UnresolvedAddressException) {
        return UNKNOWN_HOST;
      }
    }
    for (Throwable t = error; t != null; t = t.getCause()) {
      if (t instanceof BlockedDestinationException) {
        return BLOCKED;
      }
      if (t instanceof UnknownHostException) {
        return UNKNOWN_HOST;
      }
      if (t instanceof HttpConnectTimeoutException) {
        return CONNECT_TIMEOUT;
      }
      if (t instanceof HttpTimeoutException || t instanceof java.io.InterruptedIOException) {
        return TIMEOUT;
      }
      if (t instanceof ConnectException || t instanceof NoRouteToHostException) {
        return UNREACHABLE;
      }
    }
    return BROKEN;
  }
}
