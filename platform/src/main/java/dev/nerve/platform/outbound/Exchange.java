package dev.nerve.platform.outbound;

import dev.nerve.platform.error.ErrorCode;
import dev.nerve.platform.error.NerveException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.hc.client5.http.classic.methods.HttpUriRequestBase;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.protocol.HttpClientContext;
import org.apache.hc.core5.http.ClassicHttpResponse;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.HttpEntity;
import org.apache.hc.core5.http.HttpHost;
import org.apache.hc.core5.http.io.entity.ByteArrayEntity;
import org.apache.hc.core5.util.Timeout;

/**
 * One hop on the wire: sends the request, holds the open response, reads its body up to the cap,
 * and aborts the connection (never drains it) when the body is not read to its end. A timer
 * aborts it when the request's deadline passes, wherever it is (connecting, waiting, reading).
 */
final class Exchange implements AutoCloseable {

  private final HttpUriRequestBase request;
  private final ClassicHttpResponse response;
  private final ScheduledFuture<?> deadline;
  private final AtomicBoolean deadlineReached;
  private final Failures failures;
  private boolean complete;

  /** What a failure of this hop is mapped with. */
  record Failures(OutboundGuard.Destination to, Duration timeout, Duration connectTimeout) {
    NerveException map(IOException ex, boolean sent, boolean deadlineReached) {
      return TransportErrors.map(ex, to, sent, deadlineReached, timeout, connectTimeout);
    }
  }

  private Exchange(
      HttpUriRequestBase request,
      ClassicHttpResponse response,
      ScheduledFuture<?> deadline,
      AtomicBoolean deadlineReached,
      Failures failures) {
    this.request = request;
    this.response = response;
    this.deadline = deadline;
    this.deadlineReached = deadlineReached;
    this.failures = failures;
  }

  /**
   * Sends one hop and returns once the response headers arrived.
   *
   * @throws OutboundRefusedException when the guard refused the resolved or connected address
   * @throws NerveException UNAVAILABLE or DEADLINE_EXCEEDED on transport failures
   */
  static Exchange open(
      CloseableHttpClient client,
      ScheduledExecutorService timer,
      Hop hop,
      OutboundGuard.Destination to,
      long deadlineNanos,
      Duration connectTimeout,
      Failures failures) {
    HttpUriRequestBase request = new HttpUriRequestBase(hop.method(), hop.url());
    for (OutboundRequest.Header header : hop.headers()) {
      request.addHeader(header.name(), header.value());
    }
    if (hop.body() != null) {
      ContentType type = hop.contentType() == null ? null : ContentType.parse(hop.contentType());
      request.setEntity(new ByteArrayEntity(hop.body(), type));
    }
    long remaining = Math.max(1, deadlineNanos - System.nanoTime());
    long remainingMillis = Math.max(1, TimeUnit.NANOSECONDS.toMillis(remaining));
    HttpClientContext context = HttpClientContext.create();
    context.setRequestConfig(config(Math.min(remainingMillis, connectTimeout.toMillis()), remainingMillis));
    context.setAttribute(GuardedRequestExecutor.HOST, to.host());
    AtomicBoolean reached = new AtomicBoolean();
    ScheduledFuture<?> deadline =
        timer.schedule(
            () -> {
              reached.set(true);
              request.cancel();
            },
            remaining,
            TimeUnit.NANOSECONDS);
    try {
      ClassicHttpResponse response =
          client.executeOpen(new HttpHost(to.scheme(), to.host(), to.port()), request, context);
      return new Exchange(request, response, deadline, reached, failures);
    } catch (RefusedHostException ex) {
      deadline.cancel(false);
      throw ex.refusal();
    } catch (IOException ex) {
      deadline.cancel(false);
      throw failures.map(ex, sent(context), reached.get());
    }
  }

  @SuppressWarnings("deprecation") // HttpClient 5 still honours a per-request connect timeout
  private static RequestConfig config(long connectMillis, long responseMillis) {
    return RequestConfig.custom()
        .setConnectionRequestTimeout(Timeout.ofMilliseconds(connectMillis))
        .setConnectTimeout(Timeout.ofMilliseconds(connectMillis))
        .setResponseTimeout(Timeout.ofMilliseconds(responseMillis))
        .setRedirectsEnabled(false)
        .build();
  }

  int status() {
    return response.getCode();
  }

  /** The first value of a header, or null. */
  String header(String name) {
    Header header = response.getFirstHeader(name);
    return header == null ? null : header.getValue();
  }

  /** Every header, names case-insensitive, values in order. */
  Map<String, List<String>> headers() {
    Map<String, List<String>> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    for (Header header : response.getHeaders()) {
      headers.computeIfAbsent(header.getName(), k -> new ArrayList<>()).add(header.getValue());
    }
    headers.replaceAll((k, v) -> List.copyOf(v));
    return Collections.unmodifiableMap(headers);
  }

  /**
   * Reads the whole body, failing (and closing the connection) as soon as it passes {@code cap}:
   * at most {@code cap + 1} bytes are ever read.
   */
  byte[] readBody(long cap) {
    HttpEntity entity = response.getEntity();
    if (entity == null) {
      complete = true;
      return new byte[0];
    }
    if (entity.getContentLength() > cap) {
      throw tooLarge(cap);
    }
    try {
      InputStream in = entity.getContent();
      ByteArrayOutputStream out =
          new ByteArrayOutputStream((int) Math.min(Math.max(entity.getContentLength(), 0), 1 << 16));
      byte[] buffer = new byte[16384];
      long total = 0;
      int n;
      while ((n = in.read(buffer, 0, (int) Math.min(buffer.length, cap - total + 1))) != -1) {
        total += n;
        if (total > cap) {
          throw tooLarge(cap);
        }
        out.write(buffer, 0, n);
      }
      complete = true;
      return out.toByteArray();
    } catch (IOException ex) {
      throw failures.map(ex, true, deadlineReached.get());
    }
  }

  private NerveException tooLarge(long cap) {
    return new NerveException(
        ErrorCode.FAILED_PRECONDITION,
        "url: the response body of " + failures.to().host() + " is larger than " + cap
            + " bytes (nerve.outbound.max-response-bytes); it was not read further");
  }

  private static boolean sent(HttpClientContext context) {
    return Boolean.TRUE.equals(context.getAttribute(GuardedRequestExecutor.SENT));
  }

  /** Returns the connection to the pool after a complete body, else closes it unread. */
  @Override
  public void close() {
    deadline.cancel(false);
    if (!complete) {
      request.cancel();
    }
    try {
      response.close();
    } catch (IOException ex) {
      // the connection is discarded either way
    }
  }
}
