package dev.nerve.sdk.endpoint;

import com.google.protobuf.Value;
import dev.nerve.api.sdk.v1.CallEndpointResponse;
import dev.nerve.api.sdk.v1.Endpoint;
import dev.nerve.api.sdk.v1.EndpointAuth;
import dev.nerve.platform.error.ErrorCode;
import dev.nerve.platform.error.NerveException;
import dev.nerve.sdk.integration.Credentials;
import dev.nerve.platform.outbound.GuardedHttpClient;
import dev.nerve.platform.outbound.OutboundRefusedException;
import dev.nerve.platform.outbound.OutboundRequest;
import dev.nerve.platform.outbound.OutboundResponse;
import dev.nerve.sdk.support.Json;
import dev.nerve.sdk.support.Times;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.retry.Retry;
import java.net.URI;
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
 * Sends one call of an endpoint under its policies, through the platform's guarded HTTP client
 * (every destination and redirect checked, the body read up to the guard's cap): the rate limiter
 * first (RESOURCE_EXHAUSTED at once when spent), then attempts under the Resilience4j retry
 * policy, each guarded by the circuit breaker (5xx answers and transport failures count as
 * failures) and bounded by the endpoint's timeout and the caller's gRPC deadline. A 401 with an
 * OAuth2 token fetches a new token and tries once more. Failures answer honestly: UNAVAILABLE when
 * nothing reached the server (unknown host, refused connection, open circuit), DEADLINE_EXCEEDED
 * when a request was sent and no answer came, FAILED_PRECONDITION when the guard refused the
 * destination or the body is above the endpoint's cap.
 */
final class EndpointCaller {

  static final long DEFAULT_CAP = 5L * 1024 * 1024;
  static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);

  private final GuardedHttpClient http;
  private final Authenticator authenticator;
  private final EndpointPolicies policies;
  private final long defaultCap;

  EndpointCaller(GuardedHttpClient http, Authenticator authenticator, EndpointPolicies policies, long defaultCap) {
    this.http = http;
    this.authenticator = authenticator;
    this.policies = policies;
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
    while (true) {
      attempts++;
      Attempt attempt;
      try {
        attempt = once(tenant, endpoint, rendered, credentials, policy.circuitBreaker(), timeout, cap);
      } catch (RetryableFailure failure) {
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
      OutboundRequest.Builder request = OutboundRequest.builder(rendered.method(), uri).timeout(timeout);
      for (Map.Entry<String, String> header : rendered.headers()) {
        request.header(header.getKey(), header.getValue());
      }
      if (credentials != null) {
        applied = authenticator.apply(tenant, endpoint, credentials, request, timeout);
      }
      if (rendered.body() != null) {
        request.body(rendered.body(), rendered.contentType());
      }
      OutboundResponse response = http.send(request.build());
      long nanos = System.nanoTime() - start;
      if (breaker != null) {
        if (response.status() >= 500) {
          breaker.onError(nanos, TimeUnit.NANOSECONDS, new EndpointPolicies.ServerError(response.status()));
        } else {
          breaker.onSuccess(nanos, TimeUnit.NANOSECONDS);
        }
      }
      if (response.body().length > cap) {
        throw new NerveException(ErrorCode.FAILED_PRECONDITION,
            "the response of endpoint '" + endpoint.getName() + "' is larger than its cap of " + cap + " bytes");
      }
      if (response.status() == 401 && credentials != null) {
        authenticator.refused(tenant, credentials, applied);
      }
      return new Attempt(response.status(), headers(response), response.header("Content-Type").orElse(""), response.body(), nanos);
    } catch (OutboundRefusedException refused) {
      if (breaker != null) {
        breaker.releasePermission();
      }
      throw new NerveException(ErrorCode.FAILED_PRECONDITION,
          "the outbound guard refused a request of endpoint '" + endpoint.getName() + "'; nothing was sent: "
              + strip(refused.getMessage()));
    } catch (NerveException e) {
      if (e.code() == ErrorCode.UNAVAILABLE || e.code() == ErrorCode.DEADLINE_EXCEEDED) {
        if (breaker != null) {
          breaker.onError(System.nanoTime() - start, TimeUnit.NANOSECONDS, new java.io.IOException(e.getMessage()));
        }
        throw new RetryableFailure(e);
      }
      if (breaker != null) {
        breaker.releasePermission();
      }
      if (e.code() == ErrorCode.FAILED_PRECONDITION && !e.getMessage().contains("endpoint '")) {
        throw new NerveException(ErrorCode.FAILED_PRECONDITION, "endpoint '" + endpoint.getName() + "': " + strip(e.getMessage()));
      }
      throw e;
    } catch (RuntimeException e) {
      if (breaker != null) {
        breaker.releasePermission();
      }
      throw e;
    }
  }

  private static String strip(String message) {
    return message.startsWith("url: ") ? message.substring(5) : message;
  }

  private static NerveException failed(Endpoint endpoint, NerveException failure) {
    return new NerveException(failure.code(), "endpoint '" + endpoint.getName() + "': " + strip(failure.getMessage()));
  }

  private static Map<String, String> headers(OutboundResponse response) {
    Map<String, String> headers = new TreeMap<>();
    response.headers().forEach((name, values) -> headers.merge(name.toLowerCase(Locale.ROOT), String.join(", ", values), (a, b) -> a + ", " + b));
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
