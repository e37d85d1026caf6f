package dev.nerve.platform.outbound;

import java.net.URI;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * What {@link GuardedHttpClient#send} returns: the final response after redirects, with its whole
 * body (at most the policy's {@code max-response-bytes}) and timing.
 *
 * @param status HTTP status code (any: 4xx and 5xx are responses, not errors)
 * @param headers response headers; names are matched case-insensitively
 * @param body the response body (empty when there is none)
 * @param url the URL that answered (differs from the request's after redirects)
 * @param redirects redirects followed
 * @param timeToHeaders from the start of the request to the final response's headers
 * @param elapsed from the start of the request to the end of the body
 */
public record OutboundResponse(
    int status,
    Map<String, List<String>> headers,
    byte[] body,
    URI url,
    int redirects,
    Duration timeToHeaders,
    Duration elapsed) {

  /** The first value of a header, if present. */
  public Optional<String> header(String name) {
    List<String> values = headers.get(name);
    return values == null || values.isEmpty() ? Optional.empty() : Optional.of(values.get(0));
  }

  /** Whether the status is 2xx. */
  public boolean successful() {
    return status >= 200 && status < 300;
  }

  /** The body decoded with the charset of its Content-Type, UTF-8 when none is named. */
  public String bodyText() {
    Charset charset = StandardCharsets.UTF_8;
    Optional<String> type = header("Content-Type");
    if (type.isPresent()) {
      for (String part : type.get().split(";")) {
        String p = part.strip();
        if (p.toLowerCase(Locale.ROOT).startsWith("charset=")) {
          try {
            charset = Charset.forName(p.substring(8).replace("\"", ""));
          } catch (RuntimeException ex) {
            // unknown charset: keep UTF-8
          }
        }
      }
    }
    return new String(body, charset);
  }

  @Override
  public String toString() {
    return "OutboundResponse[" + status + ", " + body.length + " bytes, redirects=" + redirects
        + ", elapsed=" + elapsed + "]";
  }
}
