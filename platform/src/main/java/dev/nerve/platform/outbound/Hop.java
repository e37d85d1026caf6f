package dev.nerve.platform.outbound;

import dev.nerve.platform.error.ErrorCode;
import dev.nerve.platform.error.NerveException;
import dev.nerve.platform.outbound.OutboundRequest.Header;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * One request of a redirect chain, and how a redirect turns it into the next: 303 (and 301/302
 * after a POST) become a GET without body, 307/308 repeat method and body, and a redirect that
 * leaves the origin drops every credential header.
 */
record Hop(String method, URI url, List<Header> headers, byte[] body, String contentType) {

  private static final Set<Integer> REDIRECTS = Set.of(301, 302, 303, 307, 308);
  private static final Set<String> CREDENTIALS = Set.of("authorization", "proxy-authorization", "cookie");

  static Hop of(OutboundRequest request) {
    return new Hop(request.method(), request.url(), request.headers(), request.body(), request.contentType());
  }

  static boolean isRedirect(int status) {
    return REDIRECTS.contains(status);
  }

  /** The hop a redirect with this status and Location leads to. */
  Hop redirect(int status, String location) {
    URI target;
    try {
      target = url.resolve(new URI(location.strip()));
    } catch (URISyntaxException | IllegalArgumentException ex) {
      throw new NerveException(
          ErrorCode.FAILED_PRECONDITION, "url: the server sent a redirect with an invalid Location");
    }
    boolean toGet =
        (status == 303 && !method.equals("HEAD"))
            || ((status == 301 || status == 302) && method.equals("POST"));
    List<Header> kept =
        sameOrigin(url, target)
            ? headers
            : headers.stream()
                .filter(h -> !h.secret() && !CREDENTIALS.contains(h.name().toLowerCase(Locale.ROOT)))
                .toList();
    return toGet
        ? new Hop("GET", target, kept, null, null)
        : new Hop(method, target, kept, body, contentType);
  }

  /** {@code scheme://host:port} of a URL, for messages: never its path or query. */
  static String origin(URI url) {
    String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
    String host = url.getHost() != null ? url.getHost() : String.valueOf(url.getRawAuthority());
    if (host.length() > 80) {
      host = host.substring(0, 80) + "...";
    }
    return scheme + "://" + host + (url.getPort() == -1 ? "" : ":" + url.getPort());
  }

  private static boolean sameOrigin(URI a, URI b) {
    return a.getScheme().equalsIgnoreCase(String.valueOf(b.getScheme()))
        && String.valueOf(a.getHost()).equalsIgnoreCase(String.valueOf(b.getHost()))
        && port(a) == port(b);
  }

  private static int port(URI url) {
    return url.getPort() != -1 ? url.getPort() : "https".equalsIgnoreCase(url.getScheme()) ? 443 : 80;
  }
}
