package dev.nerve.platform.outbound;

import dev.nerve.platform.error.NerveException;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;
import org.apache.hc.core5.http.ContentType;

/**
 * One request for {@link GuardedHttpClient#send}: method, URL, headers, optional body and the
 * per-request limits (null means the policy's default). Build it with {@link #builder}.
 *
 * @param method GET, HEAD, POST, PUT, PATCH, DELETE or OPTIONS
 * @param url absolute http or https URL
 * @param headers request headers, in order; secret ones are dropped on a cross-origin redirect
 * @param body request body, or null for none
 * @param contentType media type of the body, or null
 * @param timeout deadline of the whole request (redirects and body included), or null
 * @param connectTimeout time to establish each connection, or null
 * @param followRedirects whether 301/302/303/307/308 are followed (each hop checked again)
 */
public record OutboundRequest(
    String method,
    URI url,
    List<Header> headers,
    byte[] body,
    String contentType,
    Duration timeout,
    Duration connectTimeout,
    boolean followRedirects) {

  private static final Set<String> METHODS =
      Set.of("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS");
  private static final Set<String> CLIENT_HEADERS =
      Set.of("host", "content-length", "transfer-encoding", "connection", "keep-alive", "upgrade",
          "te", "trailer", "expect", "proxy-connection", "content-type");
  private static final Pattern TOKEN = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]{1,256}");
  private static final int MAX_HEADER_VALUE_CHARS = 16384;
  private static final int MAX_HEADERS = 100;

  /**
   * One header.
   *
   * @param name header name
   * @param value header value (never logged when secret)
   * @param secret whether it carries a credential: dropped on cross-origin redirects, hidden in
   *     {@code toString()}
   */
  public record Header(String name, String value, boolean secret) {
    @Override
    public String toString() {
      return name + ": " + (secret ? "<hidden>" : value);
    }
  }

  public OutboundRequest {
    method = method == null ? "" : method.toUpperCase(Locale.ROOT);
    if (!METHODS.contains(method)) {
      throw NerveException.invalid("method", "outbound.method", "must be one of " + METHODS);
    }
    if (url == null) {
      throw NerveException.invalid("url", "required", "is required");
    }
    headers = List.copyOf(headers);
    if (headers.size() > MAX_HEADERS) {
      throw NerveException.invalid("headers", "maxItems", "at most " + MAX_HEADERS + " headers");
    }
    for (Header header : headers) {
      if (!TOKEN.matcher(header.name()).matches()) {
        throw NerveException.invalid("headers", "outbound.headerName", "a header name is not a valid HTTP token");
      }
      String lower = header.name().toLowerCase(Locale.ROOT);
      if (CLIENT_HEADERS.contains(lower) || lower.startsWith("proxy-")) {
        throw NerveException.invalid(
            "headers", "outbound.headerName",
            "header " + header.name() + " is set by the client" + (lower.equals("content-type") ? "; give it with the body" : ""));
      }
      String value = header.value();
      if (value == null || value.length() > MAX_HEADER_VALUE_CHARS || value.chars().anyMatch(c -> c == '\r' || c == '\n' || c == 0)) {
        throw NerveException.invalid(
            "headers", "outbound.headerValue",
            "the value of header " + header.name() + " is missing, longer than " + MAX_HEADER_VALUE_CHARS
                + " characters or contains a line break");
      }
    }
    if (contentType != null) {
      try {
        if (contentType.length() > 256 || contentType.chars().anyMatch(c -> c < 0x20)) {
          throw new IllegalArgumentException("control characters");
        }
        ContentType.parse(contentType);
      } catch (RuntimeException ex) {
        throw NerveException.invalid("contentType", "outbound.contentType", "is not a media type such as application/json");
      }
    }
    requirePositive("timeout", timeout);
    requirePositive("connectTimeout", connectTimeout);
  }

  /** A builder for a request with this method and URL. */
  public static Builder builder(String method, URI url) {
    return new Builder(method, url);
  }

  /**
   * A builder for a request with this method and URL text (e.g. a rendered template).
   *
   * @throws NerveException INVALID_ARGUMENT on field {@code url} when the text is not a URL
   */
  public static Builder builder(String method, String url) {
    try {
      return new Builder(method, new URI(url));
    } catch (URISyntaxException | NullPointerException ex) {
      throw NerveException.invalid("url", "outbound.invalid_url", "is not a valid URL");
    }
  }

  /** A GET of this URL with the policy's defaults. */
  public static OutboundRequest get(URI url) {
    return builder("GET", url).build();
  }

  private static void requirePositive(String field, Duration value) {
    if (value != null && (value.isNegative() || value.isZero())) {
      throw NerveException.invalid(field, "positive", "must be positive");
    }
  }

  @Override
  public String toString() {
    return "OutboundRequest[" + method + " " + url.getScheme() + "://" + url.getRawAuthority()
        + ", headers=" + headers + ", body=" + (body == null ? "none" : body.length + " bytes") + "]";
  }

  /** Builds an {@link OutboundRequest}. */
  public static final class Builder {
    private final String method;
    private final URI url;
    private final List<Header> headers = new ArrayList<>();
    private byte[] body;
    private String contentType;
    private Duration timeout;
    private Duration connectTimeout;
    private boolean followRedirects = true;

    private Builder(String method, URI url) {
      this.method = method;
      this.url = url;
    }

    /** Adds a header. */
    public Builder header(String name, String value) {
      headers.add(new Header(name, value, false));
      return this;
    }

    /**
     * Adds a header that carries a credential (an API key, a token): dropped when a redirect
     * leaves the origin, hidden in {@code toString()}. {@code Authorization} and {@code Cookie}
     * are always treated so.
     */
    public Builder secretHeader(String name, String value) {
      headers.add(new Header(name, value, true));
      return this;
    }

    /** Sets the body and its media type (e.g. {@code application/json}). */
    public Builder body(byte[] body, String contentType) {
      this.body = body == null ? null : body.clone();
      this.contentType = contentType;
      return this;
    }

    /** Deadline of the whole request; the policy's {@code default-timeout} when not set. */
    public Builder timeout(Duration timeout) {
      this.timeout = timeout;
      return this;
    }

    /** Time to establish a connection; the policy's {@code connect-timeout} when not set. */
    public Builder connectTimeout(Duration connectTimeout) {
      this.connectTimeout = connectTimeout;
      return this;
    }

    /** Whether redirects are followed (default true); false returns the 3xx response itself. */
    public Builder followRedirects(boolean followRedirects) {
      this.followRedirects = followRedirects;
      return this;
    }

    public OutboundRequest build() {
      return new OutboundRequest(
          method, url, headers, body, contentType, timeout, connectTimeout, followRedirects);
    }
  }
}
