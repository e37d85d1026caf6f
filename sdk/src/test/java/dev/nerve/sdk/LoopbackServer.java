package dev.nerve.sdk;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;

/** A loopback HTTP server for tests that records every request it receives. */
public final class LoopbackServer implements AutoCloseable {

  /** One received request. */
  public record Received(String method, String uri, com.sun.net.httpserver.Headers headers, String body) {}

  private final HttpServer server;
  public final List<Received> received = new CopyOnWriteArrayList<>();

  public LoopbackServer() {
    try {
      server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    server.setExecutor(Executors.newFixedThreadPool(8, r -> {
      Thread t = new Thread(r, "loopback-http");
      t.setDaemon(true);
      return t;
    }));
    server.start();
  }

  public String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  public int port() {
    return server.getAddress().getPort();
  }

  /** Serves {@code path} with {@code handler}, recording each request first. */
  public LoopbackServer on(String path, HttpHandler handler) {
    server.createContext(path, exchange -> {
      String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
      received.add(new Received(exchange.getRequestMethod(), exchange.getRequestURI().toString(), exchange.getRequestHeaders(), body));
      try {
        handler.handle(exchange);
      } catch (IOException e) {
        // the client went away
      } finally {
        exchange.close();
      }
    });
    return this;
  }

  public static void send(HttpExchange exchange, int status, String contentType, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", contentType);
    exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
    if (bytes.length > 0) {
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(bytes);
      }
    }
  }

  public static void json(HttpExchange exchange, int status, String body) throws IOException {
    send(exchange, status, "application/json", body);
  }

  public List<Received> requests(String pathPrefix) {
    return received.stream().filter(r -> r.uri().startsWith(pathPrefix)).toList();
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
