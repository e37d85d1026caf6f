package dev.nerve.platform.outbound;

import dev.nerve.platform.concurrent.DaemonThreads;
import dev.nerve.platform.error.ErrorCode;
import dev.nerve.platform.error.NerveException;
import dev.nerve.platform.outbound.OutboundMetrics.Outcome;
import io.grpc.Context;
import io.grpc.Deadline;
import java.time.Duration;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManager;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.core5.io.CloseMode;
import org.apache.hc.core5.pool.PoolReusePolicy;
import org.apache.hc.core5.util.TimeValue;

/**
 * The HTTP client every outbound request in Nerve goes through. Each hop is checked by the {@link
 * OutboundGuard} (URL, then every resolved address, with the connection pinned to those
 * addresses), redirects are followed here (each hop checked again, at most {@code max-redirects}),
 * the whole request has one deadline, and the response body is read up to {@code
 * max-response-bytes}. Connections come from one bounded pool. No proxy, no cookies, no
 * automatic retries (callers add their own, e.g. with Resilience4j), no content decoding.
 *
 * <p>Errors: {@link OutboundRefusedException} when refused (nothing connected); {@code
 * UNAVAILABLE} when nothing was sent; {@code DEADLINE_EXCEEDED} when the request may have been
 * processed; {@code FAILED_PRECONDITION} for a body over the cap and for redirect failures.
 */
public final class GuardedHttpClient implements AutoCloseable {

  private final OutboundGuard guard;
  private final CloseableHttpClient client;
  private final ScheduledThreadPoolExecutor timer;

  /** A client with a pool of at most {@code maxConnections}, {@code maxConnectionsPerHost} each. */
  public GuardedHttpClient(OutboundGuard guard, int maxConnections, int maxConnectionsPerHost) {
    if (maxConnections < 1 || maxConnectionsPerHost < 1) {
      throw new IllegalArgumentException("connection limits must be positive");
    }
    this.guard = guard;
    PoolingHttpClientConnectionManager pool =
        PoolingHttpClientConnectionManagerBuilder.create()
            .setDnsResolver(new GuardedDnsResolver(guard))
            .setMaxConnTotal(maxConnections)
            .setMaxConnPerRoute(Math.min(maxConnections, maxConnectionsPerHost))
            .setConnPoolPolicy(PoolReusePolicy.LIFO)
            .setDefaultConnectionConfig(
                ConnectionConfig.custom()
                    .setValidateAfterInactivity(TimeValue.ofSeconds(2))
                    .setTimeToLive(TimeValue.ofMinutes(5))
                    .build())
            .build();
    this.client =
        HttpClients.custom()
            .setConnectionManager(pool)
            .setRequestExecutor(new GuardedRequestExecutor(guard))
            .disableRedirectHandling()
            .disableAutomaticRetries()
            .disableContentCompression()
            .disableCookieManagement()
            .disableAuthCaching()
            .evictIdleConnections(TimeValue.ofSeconds(30))
            .setUserAgent("Nerve")
            .build();
    this.timer =
        new ScheduledThreadPoolExecutor(
            1,
            DaemonThreads.named("nerve-outbound-deadlines"));
    this.timer.setRemoveOnCancelPolicy(true);
  }

  /** The guard this client checks with; {@code guard().replace(policy)} changes the policy. */
  public OutboundGuard guard() {
    return guard;
  }

  /**
   * Sends a request and returns the final response with its body. A gRPC deadline of the calling
   * thread's {@link Context} shortens the request's own deadline.
   *
   * @throws OutboundRefusedException when the guard refused the URL or a redirect
   * @throws NerveException UNAVAILABLE, DEADLINE_EXCEEDED or FAILED_PRECONDITION, see the class
   */
  public OutboundResponse send(OutboundRequest request) {
    long start = System.nanoTime();
    OutboundPolicy policy = guard.policy();
    Duration timeout = effectiveTimeout(request.timeout() != null ? request.timeout() : policy.defaultTimeout());
    Duration connectTimeout =
        request.connectTimeout() != null ? request.connectTimeout() : policy.connectTimeout();
    long deadline = start + timeout.toNanos();
    Outcome outcome = Outcome.UNAVAILABLE;
    Hop hop = Hop.of(request);
    int redirects = 0;
    try {
      while (true) {
        Exchange exchange;
        try {
          OutboundGuard.Destination to = guard.destination(hop.url());
          exchange =
              Exchange.open(
                  client, timer, hop, to, deadline, connectTimeout,
                  new Exchange.Failures(to, timeout, connectTimeout));
        } catch (OutboundRefusedException ex) {
          outcome = Outcome.REFUSED;
          throw redirects == 0 ? ex : ex.onRedirect(Hop.origin(hop.url()));
        } catch (NerveException ex) {
          outcome = outcomeOf(ex);
          throw ex;
        }
        try (exchange) {
          int status = exchange.status();
          String location = exchange.header("Location");
          if (request.followRedirects() && Hop.isRedirect(status) && location != null) {
            if (redirects >= policy.maxRedirects()) {
              outcome = Outcome.REDIRECT_ERROR;
              throw new NerveException(
                  ErrorCode.FAILED_PRECONDITION,
                  "url: more than " + policy.maxRedirects()
                      + " redirects (nerve.outbound.max-redirects)");
            }
            outcome = Outcome.REDIRECT_ERROR; // if the Location is invalid
            hop = hop.redirect(status, location);
            redirects++;
            continue;
          }
          long headersAt = System.nanoTime();
          byte[] body;
          try {
            body = exchange.readBody(policy.maxResponseBytes());
          } catch (NerveException ex) {
            outcome = ex.code() == ErrorCode.FAILED_PRECONDITION ? Outcome.TOO_LARGE : outcomeOf(ex);
            throw ex;
          }
          outcome = Outcome.ofStatus(status);
          return new OutboundResponse(
              status,
              exchange.headers(),
              body,
              hop.url(),
              redirects,
              Duration.ofNanos(headersAt - start),
              Duration.ofNanos(System.nanoTime() - start));
        }
      }
    } finally {
      guard.metrics().request(outcome, Duration.ofNanos(System.nanoTime() - start));
    }
  }

  private static Duration effectiveTimeout(Duration timeout) {
    Deadline grpc = Context.current().getDeadline();
    if (grpc == null) {
      return timeout;
    }
    long left = Math.max(1, grpc.timeRemaining(TimeUnit.NANOSECONDS));
    return left < timeout.toNanos() ? Duration.ofNanos(left) : timeout;
  }

  private static Outcome outcomeOf(NerveException ex) {
    return switch (ex.code()) {
      case DEADLINE_EXCEEDED -> Outcome.DEADLINE_EXCEEDED;
      case UNAVAILABLE -> Outcome.UNAVAILABLE;
      default -> Outcome.REDIRECT_ERROR;
    };
  }

  /** Closes the pool and the deadline timer; requests in flight fail. */
  @Override
  public void close() {
    timer.shutdownNow();
    client.close(CloseMode.GRACEFUL);
  }
}
