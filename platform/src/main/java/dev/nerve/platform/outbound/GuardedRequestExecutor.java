package dev.nerve.platform.outbound;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import org.apache.hc.core5.http.ClassicHttpRequest;
import org.apache.hc.core5.http.ClassicHttpResponse;
import org.apache.hc.core5.http.HttpException;
import org.apache.hc.core5.http.impl.io.HttpRequestExecutor;
import org.apache.hc.core5.http.io.HttpClientConnection;
import org.apache.hc.core5.http.io.HttpResponseInformationCallback;
import org.apache.hc.core5.http.protocol.HttpContext;

/**
 * Checks the address a connection actually reached right before the request is written on it:
 * a pooled connection opened under an earlier, wider policy is refused once the policy no longer
 * allows its address. Also records that the request was sent, which decides whether a failure is
 * UNAVAILABLE (nothing sent) or DEADLINE_EXCEEDED (outcome unknown).
 */
final class GuardedRequestExecutor extends HttpRequestExecutor {

  /** Context attribute: the normalized host name of the request. */
  static final String HOST = "dev.nerve.outbound.host";
  /** Context attribute: set once the request starts being written. */
  static final String SENT = "dev.nerve.outbound.sent";

  private final OutboundGuard guard;

  GuardedRequestExecutor(OutboundGuard guard) {
    this.guard = guard;
  }

  @Override
  public ClassicHttpResponse execute(
      ClassicHttpRequest request,
      HttpClientConnection conn,
      HttpResponseInformationCallback informationCallback,
      HttpContext context)
      throws IOException, HttpException {
    SocketAddress remote = conn.getRemoteAddress();
    Object host = context.getAttribute(HOST);
    if (!(remote instanceof InetSocketAddress address) || !(host instanceof String name)) {
      throw new IOException("outbound connection without a checked destination");
    }
    try {
      guard.checkConnected(name, address);
    } catch (OutboundRefusedException ex) {
      throw new RefusedHostException(ex);
    }
    context.setAttribute(SENT, Boolean.TRUE);
    return super.execute(request, conn, informationCallback, context);
  }
}
