package dev.nerve.sdk.integration;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Optional;
import javax.net.ssl.SSLSession;

/** A streamed response whose bounded body has been read as text. */
record StringResponse(HttpResponse<?> origin, String body) implements HttpResponse<String> {

  @Override
  public int statusCode() {
    return origin.statusCode();
  }

  @Override
  public HttpRequest request() {
    return origin.request();
  }

  @Override
  public Optional<HttpResponse<String>> previousResponse() {
    return Optional.empty();
  }

  @Override
  public HttpHeaders headers() {
    return origin.headers();
  }

  @Override
  public Optional<SSLSession> sslSession() {
    return origin.sslSession();
  }

  @Override
  public URI uri() {
    return origin.uri();
  }

  @Override
  public HttpClient.Version version() {
    return origin.version();
  }
}
