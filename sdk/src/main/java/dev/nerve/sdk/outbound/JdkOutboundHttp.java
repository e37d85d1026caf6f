package dev.nerve.sdk.outbound;

import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * Sends requests with one shared JDK {@link HttpClient} (HTTP/1.1 keep-alive, redirects not
 * followed, so a redirect reaches the caller as its 3xx response).
 */
public final class JdkOutboundHttp implements OutboundHttp {

  private final HttpClient client;

  public JdkOutboundHttp(Duration connectTimeout) {
    this.client =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .followRedirects(HttpClient.Redirect.NEVER)
            .connectTimeout(connectTimeout)
            .build();
  }

  @Override
  public HttpResponse<InputStream> send(HttpRequest request) throws IOException, InterruptedException {
    return client.send(request, HttpResponse.BodyHandlers.ofInputStream());
  }
}
