package dev.nerve.gateway.graphiql;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import org.springframework.core.io.ClassPathResource;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.web.servlet.function.ServerRequest;
import org.springframework.web.servlet.function.ServerResponse;

/**
 * The GraphiQL page: GraphiQL 3 with React 18, all served from the executable (no CDN), so it
 * works on a machine without internet access. The page knows the GraphQL HTTP and WebSocket
 * paths; its header editor starts with an {@code Authorization} header to fill in.
 */
final class GraphiQlPage {

  /** Only this server's own scripts, styles and GraphQL endpoint (HTTP and WebSocket). */
  static final String CONTENT_SECURITY_POLICY =
      "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
          + "font-src 'self' data:; connect-src 'self' ws: wss:; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

  private final String template = template();
  private final String graphqlPath;
  private final String subscriptionPath;

  GraphiQlPage(String graphqlPath, String subscriptionPath) {
    this.graphqlPath = graphqlPath;
    this.subscriptionPath = subscriptionPath;
  }

  ServerResponse render(ServerRequest request) {
    String context = request.requestPath().contextPath().value();
    String html =
        template
            .replace("{{graphqlPath}}", attribute(context + graphqlPath))
            .replace("{{subscriptionPath}}", attribute(context + subscriptionPath));
    return ServerResponse.ok()
        .contentType(new MediaType(MediaType.TEXT_HTML, StandardCharsets.UTF_8))
        .header(HttpHeaders.CACHE_CONTROL, "no-cache")
        .header("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        .body(html);
  }

  private static String template() {
    try (InputStream in = new ClassPathResource("graphiql-assets/index.html").getInputStream()) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("graphiql-assets/index.html is missing from the gateway jar", e);
    }
  }

  private static String attribute(String value) {
    return value.replace("&", "&amp;").replace("\"", "&quot;").replace("<", "&lt;").replace(">", "&gt;");
  }
}
