package dev.nerve.sdk.endpoint;

import dev.nerve.api.sdk.v1.Endpoint;
import dev.nerve.api.sdk.v1.EndpointAuth;
import dev.nerve.platform.error.NerveException;
import dev.nerve.platform.outbound.OutboundGuard;
import dev.nerve.platform.outbound.OutboundRefusedException;
import dev.nerve.sdk.support.Inputs;
import dev.nerve.sdk.support.Json;
import dev.nerve.sdk.support.JsonSchemas;
import dev.nerve.sdk.support.Times;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The rules an endpoint must meet to be registered, all checked before anything is written, with
 * every broken rule named by its field ({@code endpoint.baseUrl}, {@code endpoint.retry.maxAttempts}).
 */
public final class EndpointRules {

  static final Duration MAX_TIMEOUT = Duration.ofMinutes(5);
  static final long MAX_RESPONSE_CAP = 64L * 1024 * 1024;
  static final int MAX_HEADERS = 64;
  static final int MAX_URL_CHARS = 2048;
  static final int MAX_ATTEMPTS = 10;

  private static final Pattern HEADER_NAME = Pattern.compile("[A-Za-z0-9!#$%&'*+.^_`|~-]{1,128}");
  private static final Pattern PLACEHOLDER_NAME = Pattern.compile("[A-Za-z0-9_.-]{1,64}");
  /** Headers the client sets itself or that carry credentials, which belong in an integration. */
  private static final Set<String> RESERVED_HEADERS =
      Set.of("authorization", "proxy-authorization", "host", "content-length", "connection", "cookie",
          "transfer-encoding", "upgrade", "expect", "te", "trailer", "keep-alive", "proxy-connection");

  /** Header names that usually carry a secret: a fixed value must come from an integration instead. */
  private static final Pattern CREDENTIAL_HEADER = Pattern.compile("api-?key|token|secret|password|auth|session|signature");

  private final JsonSchemas schemas;
  private final OutboundGuard guard;

  public EndpointRules(JsonSchemas schemas, OutboundGuard guard) {
    this.schemas = schemas;
    this.guard = guard;
  }

  /** Checks {@code endpoint}; {@code field} is its path in the request, e.g. {@code endpoint}. */
  public void check(String field, Endpoint endpoint) {
    Inputs.Violations v = Inputs.violations();
    v.match(field + ".name", endpoint.getName(), Inputs.NAME, "1-128 of A-Z a-z 0-9 . _ : -");
    v.maxLength(field + ".description", endpoint.getDescription(), 4096);
    baseUrl(v, field + ".baseUrl", endpoint.getBaseUrl());
    template(v, field + ".pathTemplate", endpoint.getPathTemplate());
    if (!endpoint.getPathTemplate().isEmpty() && !endpoint.getPathTemplate().startsWith("/")) {
      v.add(field + ".pathTemplate", "format", "must start with /");
    }
    if (endpoint.getHeadersCount() + endpoint.getQueryTemplateCount() > MAX_HEADERS) {
      v.add(field + ".headers", "maxItems", "headers and query parameters must be at most " + MAX_HEADERS);
    }
    endpoint.getHeadersMap().forEach((name, value) -> {
      String path = field + ".headers." + (name.length() > 64 ? name.substring(0, 64) : name);
      if (!HEADER_NAME.matcher(name).matches()) {
        v.add(path, "format", "is not a valid header name");
      } else if (RESERVED_HEADERS.contains(name.toLowerCase(Locale.ROOT)) || name.toLowerCase(Locale.ROOT).startsWith("proxy-")) {
        v.add(path, "reserved", "is set by Nerve or carries credentials (use integrationId and auth)");
      } else if (CREDENTIAL_HEADER.matcher(name.toLowerCase(Locale.ROOT)).find() && value.indexOf('{') < 0) {
        v.add(path, "credential", "looks like a credential: a fixed value would be stored in clear (use integrationId and auth,"
            + " or a {placeholder} filled per call)");
      }
      if (value.indexOf('\r') >= 0 || value.indexOf('\n') >= 0) {
        v.add(path, "format", "must not contain line breaks");
      }
      v.maxLength(path, value, 4096);
      template(v, path, value);
    });
    endpoint.getQueryTemplateMap().forEach((name, value) -> {
      String path = field + ".queryTemplate." + (name.length() > 64 ? name.substring(0, 64) : name);
      if (name.isEmpty() || name.length() > 128) {
        v.add(path, "format", "must be 1-128 characters");
      }
      v.maxLength(path, value, 4096);
      template(v, path, value);
    });
    if (endpoint.hasTimeout()) {
      Duration timeout = Times.duration(endpoint.getTimeout());
      if (timeout == null || timeout.isNegative() || timeout.isZero() || timeout.compareTo(MAX_TIMEOUT) > 0) {
        v.add(field + ".timeout", "range", "must be positive and at most 5 minutes");
      }
    }
    if (endpoint.hasRetry()) {
      var retry = endpoint.getRetry();
      if (retry.getMaxAttempts() < 0 || retry.getMaxAttempts() > MAX_ATTEMPTS) {
        v.add(field + ".retry.maxAttempts", "range", "must be between 0 and " + MAX_ATTEMPTS);
      }
      positive(v, field + ".retry.initialBackoff", retry.hasInitialBackoff(), retry.getInitialBackoff());
      positive(v, field + ".retry.maxBackoff", retry.hasMaxBackoff(), retry.getMaxBackoff());
      if (retry.getBackoffMultiplier() != 0 && (retry.getBackoffMultiplier() < 1 || retry.getBackoffMultiplier() > 10)) {
        v.add(field + ".retry.backoffMultiplier", "range", "must be 0 (default 2) or between 1 and 10");
      }
      for (int i = 0; i < retry.getRetryOnStatusCodesCount(); i++) {
        int code = retry.getRetryOnStatusCodes(i);
        if (code < 100 || code > 599) {
          v.add(field + ".retry.retryOnStatusCodes[" + i + "]", "range", "must be an HTTP status code");
        }
      }
    }
    if (endpoint.hasRateLimit()) {
      if (endpoint.getRateLimit().getMaxRequests() < 0) {
        v.add(field + ".rateLimit.maxRequests", "range", "must not be negative");
      }
      positive(v, field + ".rateLimit.window", endpoint.getRateLimit().hasWindow(), endpoint.getRateLimit().getWindow());
    }
    if (endpoint.hasCircuitBreaker()) {
      var breaker = endpoint.getCircuitBreaker();
      if (breaker.getFailureRateThreshold() < 0 || breaker.getFailureRateThreshold() > 100) {
        v.add(field + ".circuitBreaker.failureRateThreshold", "range", "must be between 0 and 100");
      }
      if (breaker.getSlidingWindowSize() < 0 || breaker.getSlidingWindowSize() > 1000) {
        v.add(field + ".circuitBreaker.slidingWindowSize", "range", "must be between 0 and 1000");
      }
      if (breaker.getMinimumCalls() < 0 || breaker.getMinimumCalls() > 1000) {
        v.add(field + ".circuitBreaker.minimumCalls", "range", "must be between 0 and 1000");
      }
      positive(v, field + ".circuitBreaker.openDuration", breaker.hasOpenDuration(), breaker.getOpenDuration());
    }
    if (endpoint.getMaxResponseBytes() < 0 || endpoint.getMaxResponseBytes() > MAX_RESPONSE_CAP) {
      v.add(field + ".maxResponseBytes", "range", "must be between 0 (5 MiB) and " + MAX_RESPONSE_CAP);
    }
    auth(v, field, endpoint);
    if (endpoint.hasRequestSchema()) {
      v.payload(field + ".requestSchema", endpoint.getRequestSchema());
    }
    if (endpoint.hasResponseSchema()) {
      v.payload(field + ".responseSchema", endpoint.getResponseSchema());
    }
    if (endpoint.hasBodyTemplate()) {
      v.payload(field + ".bodyTemplate", endpoint.getBodyTemplate());
    }
    v.check();
    destination(field + ".baseUrl", endpoint.getBaseUrl());
    if (!endpoint.getAuth().getTokenUrl().isEmpty()) {
      destination(field + ".auth.tokenUrl", endpoint.getAuth().getTokenUrl());
    }
    if (endpoint.hasRequestSchema()) {
      schemas.compile(field + ".requestSchema", Json.tree(endpoint.getRequestSchema()));
    }
  }

  private static void auth(Inputs.Violations v, String field, Endpoint endpoint) {
    EndpointAuth auth = endpoint.getAuth();
    boolean needsSecrets =
        auth.getType() != EndpointAuth.Type.TYPE_UNSPECIFIED && auth.getType() != EndpointAuth.Type.TYPE_NONE;
    if (auth.getType() == EndpointAuth.Type.UNRECOGNIZED) {
      v.add(field + ".auth.type", "known", "is not a known auth type");
      return;
    }
    if (needsSecrets && endpoint.getIntegrationId().isEmpty()) {
      v.add(field + ".integrationId", "required", "is required with auth " + auth.getType().name().substring(5)
          + ": credentials come from an integration");
    }
    if (!endpoint.getIntegrationId().isEmpty()) {
      v.match(field + ".integrationId", endpoint.getIntegrationId(), Inputs.ID, "1-64 of A-Z a-z 0-9 . _ -");
    }
    if (!auth.getApiKeyHeader().isEmpty() && !HEADER_NAME.matcher(auth.getApiKeyHeader()).matches()) {
      v.add(field + ".auth.apiKeyHeader", "format", "is not a valid header name");
    }
    v.maxLength(field + ".auth.apiKeyQuery", auth.getApiKeyQuery(), 128);
    if (!auth.getTokenUrl().isEmpty()) {
      baseUrl(v, field + ".auth.tokenUrl", auth.getTokenUrl());
    }
    if (auth.getScopesCount() > 32) {
      v.add(field + ".auth.scopes", "maxItems", "must have at most 32 items");
    }
  }

  /** What the outbound guard says of a URL before any lookup (literal private addresses, numeric forms). */
  private void destination(String field, String url) {
    try {
      guard.check(URI.create(url));
    } catch (OutboundRefusedException refused) {
      String message = refused.getMessage().startsWith("url: ") ? refused.getMessage().substring(5) : refused.getMessage();
      throw NerveException.invalid(field, "outbound." + refused.reason().tag(), message);
    }
  }

  /** An absolute http(s) URL with a host and no user info. */
  static void baseUrl(Inputs.Violations v, String field, String url) {
    if (url.isEmpty()) {
      v.add(field, "required", "must not be empty");
      return;
    }
    if (url.length() > MAX_URL_CHARS) {
      v.add(field, "maxLength", "must be at most " + MAX_URL_CHARS + " characters long");
      return;
    }
    try {
      URI uri = new URI(url);
      String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
      if (!scheme.equals("http") && !scheme.equals("https")) {
        v.add(field, "format", "must be an http or https URL");
      } else if (uri.getHost() == null || uri.getHost().isEmpty()) {
        v.add(field, "format", "must name a host");
      } else if (uri.getRawUserInfo() != null) {
        v.add(field, "format", "must not carry user info (credentials belong in an integration)");
      } else if (uri.getRawQuery() != null || uri.getRawFragment() != null) {
        v.add(field, "format", "must not have a query or fragment (use queryTemplate)");
      }
    } catch (URISyntaxException e) {
      v.add(field, "format", "is not a valid URL");
    }
  }

  /** Placeholders are {@code {name}} with a plain name; braces must balance. */
  static void template(Inputs.Violations v, String field, String template) {
    int i = 0;
    while (i < template.length()) {
      int open = template.indexOf('{', i);
      int close = template.indexOf('}', i);
      if (open < 0) {
        if (close >= 0) {
          v.add(field, "template", "has a } without {");
        }
        return;
      }
      if (close >= 0 && close < open) {
        v.add(field, "template", "has a } without {");
        return;
      }
      int end = template.indexOf('}', open);
      if (end < 0) {
        v.add(field, "template", "has a { without }");
        return;
      }
      if (!PLACEHOLDER_NAME.matcher(template.substring(open + 1, end)).matches()) {
        v.add(field, "template", "placeholders must be {name} with 1-64 of A-Z a-z 0-9 _ . -");
        return;
      }
      i = end + 1;
    }
  }

  private static void positive(Inputs.Violations v, String field, boolean set, com.google.protobuf.Duration value) {
    if (!set) {
      return;
    }
    Duration d = Times.duration(value);
    if (d == null || d.isNegative() || d.isZero() || d.compareTo(Duration.ofHours(1)) > 0) {
      v.add(field, "range", "must be positive and at most 1 hour");
    }
  }
}
