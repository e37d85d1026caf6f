package dev.nerve.sdk.outbound;

import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

/**
 * The one way the SDK sends HTTP requests (endpoint calls, OAuth2 tokens, integration tests), so
 * every request leaves through the same client and the same destination checks.
 */
public interface OutboundHttp {

  /** Sends {@code request} and returns once the headers arrived; the body is read by the caller. */
  HttpResponse<InputStream> send(HttpRequest request) throws IOException, InterruptedException;
}
