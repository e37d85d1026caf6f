package dev.nerve.platform.outbound;

import dev.nerve.platform.error.ErrorCode;
import dev.nerve.platform.error.NerveException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.time.Duration;
import javax.net.ssl.SSLException;
import org.apache.hc.client5.http.ConnectTimeoutException;
import org.apache.hc.core5.http.ConnectionRequestTimeoutException;

/**
 * Turns an I/O failure of one outbound hop into a {@link NerveException}: {@code UNAVAILABLE} when
 * nothing was sent (unknown host, refused or timed-out connection, TLS failure, no free pool
 * connection), {@code DEADLINE_EXCEEDED} when the request may have reached the server (the outcome
 * is unknown). Messages name the host and port, never addresses or exception details.
 */
final class TransportErrors {

  private TransportErrors() {}

  static NerveException map(
      IOException ex,
      OutboundGuard.Destination to,
      boolean sent,
      boolean deadlineReached,
      Duration timeout,
      Duration connectTimeout) {
    String where = to.host().contains(":") ? "[" + to.host() + "]:" + to.port() : to.host() + ":" + to.port();
    // After sending, the socket's read timeout is the time left, so its firing is the deadline
    // too; it can beat the deadline timer by the millisecond it was rounded down to.
    if (deadlineReached || (sent && ex instanceof SocketTimeoutException)) {
      return sent
          ? unknown("no complete response from " + where + " within " + text(timeout))
          : unavailable("could not connect to " + where + " within " + text(timeout));
    }
    if (!sent) {
      if (ex instanceof ConnectionRequestTimeoutException) {
        return unavailable(
            "no outbound connection became free within " + text(connectTimeout)
                + " (nerve.outbound.max-connections, max-connections-per-host)");
      }
      if (ex instanceof UnknownHostException) {
        return unavailable("host " + to.host() + " is unknown (DNS lookup failed)");
      }
      if (ex instanceof ConnectTimeoutException || ex instanceof SocketTimeoutException) {
        return unavailable("could not connect to " + where + " within " + text(connectTimeout));
      }
      if (ex instanceof NoRouteToHostException) {
        return unavailable("no route to " + where);
      }
      if (ex instanceof ConnectException) {
        return unavailable(where + " refused the connection");
      }
      if (ex instanceof SSLException) {
        return unavailable("the TLS handshake with " + where + " failed (certificate or protocol)");
      }
      return unavailable("could not reach " + where);
    }
    return unknown("the connection to " + where + " failed before a complete response arrived");
  }

  private static NerveException unavailable(String description) {
    return new NerveException(ErrorCode.UNAVAILABLE, "url: " + description + "; nothing was sent");
  }

  private static NerveException unknown(String description) {
    return new NerveException(
        ErrorCode.DEADLINE_EXCEEDED,
        "url: " + description + "; the request may have been processed");
  }

  private static String text(Duration duration) {
    long millis = duration.toMillis();
    return millis % 1000 == 0 ? millis / 1000 + " s" : millis + " ms";
  }
}
