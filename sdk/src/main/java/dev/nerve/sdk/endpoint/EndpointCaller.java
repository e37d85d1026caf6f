package dev.nerve.sdk.endpoint;

import com.google.protobuf.Value;
import dev.nerve.api.sdk.v1.CallEndpointResponse;
import dev.nerve.api.sdk.v1.Endpoint;
import dev.nerve.api.sdk.v1.EndpointAuth;
import dev.nerve.platform.error.ErrorCode;
import dev.nerve.platform.error.NerveException;
import dev.nerve.sdk.integration.Credentials;
import dev.nerve.sdk.outbound.OutboundFailure;
import dev.nerve.sdk.outbound.OutboundHttp;
import dev.nerve.sdk.support.Json;
import dev.nerve.sdk.support.Times;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.retry.Retry;
import io.grpc.Context;
import io.grpc.Deadline;
import io.grpc.Status;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import tools.jackson.databind.node.ObjectNode;

/**
 * Sends one call of an endpoint under its policies: the rate limiter first (RESOURCE_EXHAUSTED
 * at once when spent), then attempts under the retry policy, each guarded by the circuit breaker
 * (5xx answers and network failures count as failures) and bounded by the endpoint's timeout and
 * the caller's gRPC deadline. A 401 with an OAuth2 token fetches a new token and tries once more.
 * Failures answer honestly: UNAVAILABLE when nothing reached the server (unknown host, refused
 * connection, open circuit), DEADLINE_EXCEEDED when a request was sent and no answer came.
 */
final class EndpointCaller {

  static final long DEFAULT_CAP = 5L * 1024 * 1024;
  static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);

  private final OutboundHttp http;
  private final Authenticator authenticator;
  private final EndpointPolicies policies;
  private final ResponseReader reader;
  private final long defaultCap;

  EndpointCaller(OutboundHttp http, Authenticator authenticator, EndpointPolicies policies, ResponseReader reader, long defaultCap) {
    this.http = http;
    this.authenticator = authenticator;
    this.policies = policies;
    this.reader = reader;
    this.defaultCap = defaultCap;
  }

  CallEndpointResponse call(String tenant, Endpoint endpoint, ObjectNode params, Credentials credentials) {
    long started = System.nanoTime();
    EndpointPolicies.Policy policy = policies.of(tenant, endpoint);
    if (policy.rateLimiter() != null && !policy.rateLimiter().acquirePermission()) {
      throw new NerveException(ErrorCode.RESOURCE_EXHAUSTED,
          "endpoint '" + endpoint.getName() + "' is over its rate limit of " + endpoint.getRateLimit().getMaxRequests() + " calls");
    }
    RenderedRequest rendered = RequestRenderer.render(endpoint, params);
    Duration timeout = endpoint.hasTimeout() ? Times.duration(endpoint.getTimeout()) : DEFAULT_TIMEOUT;
    long cap = endpoint.getMaxResponseBytes() > 0 ? endpoint.getMaxResponseBytes() : defaultCap;
    Retry.Context<Attempt> retry = policy.retry() == null ? null : policy.retry().context();
    boolean tokenRefreshed = false;
    int attempts = 0;
    boolean sent = false;
    while (true) {
      attempts++;
      Duration budget = budget(timeout, sent);
      Attempt attempt;
      try {
        attempt = once(tenant, endpoint, rendered, credentials, policy.circuitBreaker(), budget, cap);
        sent = true;
      } catch (RetryableFailure failure) {
        sent |= failure.failure().maybeDelivered();
        if (retry == null) {
          throw failed(endpoint, failure.failure());
        }
        try {
          retry.onError(failure);
        } catch (Exception exhausted) {
          throw failed(endpoint, failure.failure());
        }
        continue;
      }
      if (attempt.status() == 401 && !tokenRefreshed
          && endpoint.getAuth().getType() == EndpointAuth.Type.TYPE_OAUTH2_CLIENT_CREDENTIALS) {
        tokenRefreshed = true;
        continue;
      }
      if (retry != null && retry.onResult(attempt)) {
        continue;
      }
      if (retry != null) {
        retry.onComplete();
      }
      return response(attempt, attempts, System.nanoTime() - started);
    }
  }

  /** Time allowed for the next attempt: the endpoint's timeout, cut to the caller's deadline. */
  private static Duration budget(Duration timeout, boolean sent) {
    Deadline deadline = Context.current().getDeadline();
    if (deadline == null) {
      return timeout;
    }
    long left = deadline.timeRemaining(TimeUnit.MILLISECONDS);
    if (left <= 0) {
      throw Status.DEADLINE_EXCEEDED
          .withDescription(sent
              ? "the call's deadline passed; an earlier attempt may have reached the server"
              : "the call's deadline passed before the request was sent")
          .asRuntimeException();
    }
    return left < timeout.toMillis() ? Duration.ofMillis(left) : timeout;
  }

  private Attempt once(
      String tenant, Endpoint endpoint, RenderedRequest rendered, Credentials credentials,
      CircuitBreaker breaker, Duration timeout, long cap) throws RetryableFailure {
    if (breaker != null && !breaker.tryAcquirePermission()) {
      throw new NerveException(ErrorCode.UNAVAILABLE,
          "endpoint '" + endpoint.getName() + "' has its circuit open after repeated failures; nothing was sent");
    }
    long start = System.nanoTime();
    Authenticator.Applied applied = Authenticator.Applied.NONE;
    try {
      URI uri = rendered.uri();
      if (credentials != null) {
        String suffix = Authenticator.querySuffix(endpoint, credentials, uri.getRawQuery() != null);
        if (!suffix.isEmpty()) {
          uri = URI.create(uri + suffix);
        }
      }
      HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(timeout);
      for (Map.Entry<String, String> header : rendered.headers()) {
        request.header(header.getKey(), header.getValue());
      }
      if (credentials != null) {
        applied = authenticator.apply(tenant, endpoint, credentials, request, timeout);
      }
      request.method(rendered.method(), rendered.body() == null
          ? HttpRequest.BodyPublishers.noBody()
          : HttpRequest.BodyPublishers.ofByteArray(rendered.body()));
      HttpResponse<InputStream> response = http.send(request.build());
      long contentLength = response.headers().firstValueAsLong("content-length").orElse(-1);
      byte[] body = rendered.method().equals("HEAD")
          ? new byte[0]
          : reader.read(response.body(), contentLength, cap, start + timeout.toNanos());
      long nanos = System.nanoTime() - start;
      if (breaker != null) {
        if (response.statusCode() >= 500) {
          breaker.onError(nanos, TimeUnit.NANOSECONDS, new EndpointPolicies.ServerError(response.statusCode()));
        } else {
          breaker.onSuccess(nanos, TimeUnit.NANOSECONDS);
        }
      }
      if (response.statusCode() == 401 && credentials != null) {
        authenticator.refused(tenant, credentials, applied);
      }
      return new Attempt(response.statusCode(), headers(response), response.headers().firstValue("content-type").orElse(""), body, nanos);
    } catch (ResponseReader.TooLarge e) {
      if (breaker != null) {
        breaker.onSuccess(System.nanoTime() - start, TimeUnit.NANOSECONDS);
      }
      throw new NerveException(ErrorCode.FAILED_PRECONDITION,
          "the response of endpoint '" + endpoint.getName() + "' is larger than its cap of " + cap + " bytes; it was not read");
    } catch (IOException e) {
      OutboundFailure failure = OutboundFailure.of(e);
      if (breaker != null) {
        breaker.onError(System.nanoTime() - start, TimeUnit.NANOSECONDS, e);
      }
      if (failure == OutboundFailure.BLOCKED) {
        throw new NerveException(ErrorCode.FAILED_PRECONDITION,
            "the outbound guard refused the destination of endpoint '" + endpoint.getName() + "': " + e.getMessage());
      }
      throw new RetryableFailure(failure, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      if (breaker != null) {
        breaker.releasePermission();
      }
      throw Status.CANCELLED.withDescription("the call was cancelled").asRuntimeException();
    } catch (RuntimeException e) {
      if (breaker != null) {
        breaker.releasePermission();
      }
      throw e;
    }
  }

  private static RuntimeException failed(Endpoint endpoint, OutboundFailure failure) {
    String host = URI.create(endpoint.getBaseUrl()).getHost();
    return switch (failure) {
      case UNKNOWN_HOST -> new NerveException(ErrorCode.UNAVAILABLE, "cannot resolve host " + host + " of endpoint '" + endpoint.getName() + "'; nothing was sent");
      case UNREACHABLE -> new NerveException(ErrorCode.UNAVAILABLE, "host " + host + " of endpoint '" + endpoint.getName() + "' refused the connection; nothing was sent");
      case CONNECT_TIMEOUT -> new NerveException(ErrorCode.UNAVAILABLE, "no connection to host " + host + " of endpoint '" + endpoint.getName() + "' in time; nothing was sent");
      case BLOCKED -> new NerveException(ErrorCode.FAILED_PRECONDITION, "the outbound guard refused host " + host);
      case TIMEOUT -> Status.DEADLINE_EXCEEDED.withDescription(
          "endpoint '" + endpoint.getName() + "' did not answer within its timeout; the request may have been processed").asRuntimeException();
      case BROKEN -> Status.DEADLINE_EXCEEDED.withDescription(
          "the connection to endpoint '" + endpoint.getName() + "' broke; the request may have been processed").asRuntimeException();
    };
  }

  private static Map<String, String> headers(HttpResponse<?> response) {
    Map<String, String> headers = new TreeMap<>();
    response.headers().map().forEach((name, values) -> {
      if (!name.startsWith(":")) {
        headers.merge(name.toLowerCase(Locale.ROOT), String.join(", ", values), (a, b) -> a + ", " + b);
      }
    });
    return headers;
  }

  private static CallEndpointResponse response(Attempt attempt, int attempts, long totalNanos) {
    return CallEndpointResponse.newBuilder()
        .setStatusCode(attempt.status())
        .putAllHeaders(attempt.headers())
        .setBody(body(attempt.contentType(), attempt.body()))
        .setDuration(Times.proto(Duration.ofNanos(totalNanos)))
        .setLastAttemptDuration(Times.proto(Duration.ofNanos(attempt.nanos())))
        .setAttempts(attempts)
        .setBodyBytes(attempt.body().length)
        .build();
  }

  /** JSON bodies parsed, text as a string, anything else base64. */
  static Value body(String contentType, byte[] body) {
    if (body.length == 0) {
      return Value.newBuilder().setNullValue(com.google.protobuf.NullValue.NULL_VALUE).build();
    }
    String type = contentType.toLowerCase(Locale.ROOT);
    if (type.contains("json")) {
      try {
        return Json.value(Json.read(new String(body, StandardCharsets.UTF_8)));
      } catch (IllegalArgumentException notJson) {
        // fall through to text
      }
    }
    if (type.isEmpty() || type.startsWith("text/") || type.contains("json") || type.contains("xml")
        || type.contains("charset") || type.contains("x-www-form-urlencoded")) {
      try {
        String text = StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(body)).toString();
        return Value.newBuilder().setStringValue(text).build();
      } catch (CharacterCodingException binary) {
        // fall through to base64
      }
    }
    return Value.newBuilder().setStringValue(Base64.getEncoder().encodeToString(body)).build();
  }
}
