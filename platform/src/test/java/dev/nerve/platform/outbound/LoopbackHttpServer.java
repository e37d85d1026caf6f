package dev.nerve.platform.outbound;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A JDK HTTP server on 127.0.0.1 with the routes the outbound tests need: echo, redirects, slow
 * answers and a 50 MiB streamed body that records how much of it was written.
 */
final class LoopbackHttpServer implements AutoCloseable {

  static final long BIG_BODY = 50L * 1024 * 1024;

  private final HttpServer server;
  final AtomicInteger requests = new AtomicInteger();
  final AtomicLong bigBytesWritten = new AtomicLong();
  final CountDownLatch bigDone = new CountDownLatch(1);

  LoopbackHttpServer() throws IOException {
    this(InetAddress.getLoopbackAddress());
  }

  LoopbackHttpServer(InetAddress address) throws IOException {
    server = HttpServer.create(new InetSocketAddress(address, 0), 0);
    server.setExecutor(Executors.newCachedThreadPool());
    server.createContext("/", this::handle);
    server.start();
  }

  int port() {
    return server.getAddress().getPort();
  }

  URI url(String pathAndQuery) {
    String host = server.getAddress().getAddress().getHostAddress();
    host = host.contains(":") ? "[" + host + "]" : host;
    return URI.create("http://" + host + ":" + port() + pathAndQuery);
  }

  private void handle(HttpExchange exchange) throws IOException {
    requests.incrementAndGet();
    String path = exchange.getRequestURI().getPath();
    Map<String, String> query = query(exchange.getRequestURI().getRawQuery());
    try (exchange) {
      switch (path) {
        case "/hello" -> send(exchange, 200, "hello");
        case "/echo" -> {
          byte[] body = exchange.getRequestBody().readAllBytes();
          String text =
              "method=" + exchange.getRequestMethod()
                  + " body=" + new String(body, StandardCharsets.UTF_8)
                  + " type=" + exchange.getRequestHeaders().getFirst("Content-Type")
                  + " authorization=" + exchange.getRequestHeaders().getFirst("Authorization")
                  + " key=" + exchange.getRequestHeaders().getFirst("X-Api-Key")
                  + " plain=" + exchange.getRequestHeaders().getFirst("X-Plain");
          exchange.getResponseHeaders().add("X-Multi", "a");
          exchange.getResponseHeaders().add("X-Multi", "b");
          send(exchange, 200, text);
        }
        case "/status" -> send(exchange, Integer.parseInt(query.get("code")), "status");
        case "/redirect" -> {
          exchange.getRequestBody().readAllBytes();
          exchange.getResponseHeaders().add("Location", query.get("to"));
          exchange.sendResponseHeaders(Integer.parseInt(query.getOrDefault("status", "302")), -1);
        }
        case "/chain" -> {
          int left = Integer.parseInt(query.get("n"));
          if (left == 0) {
            send(exchange, 200, "end of chain");
          } else {
            exchange.getResponseHeaders().add("Location", "/chain?n=" + (left - 1));
            exchange.sendResponseHeaders(302, -1);
          }
        }
        case "/bytes" -> {
          int n = Integer.parseInt(query.get("n"));
          exchange.sendResponseHeaders(200, n);
          exchange.getResponseBody().write(new byte[n]);
        }
        case "/big" -> streamBig(exchange, query.containsKey("declared"));
        case "/slow" -> {
          sleep(Long.parseLong(query.get("ms")));
          send(exchange, 200, "late");
        }
        case "/trickle" -> {
          exchange.sendResponseHeaders(200, 0);
          OutputStream out = exchange.getResponseBody();
          for (int i = 0; i < 100; i++) {
            out.write('x');
            out.flush();
            sleep(100);
          }
        }
        default -> send(exchange, 404, "not found");
      }
    } catch (IOException | RuntimeException ex) {
      // the client went away; nothing to answer
    }
  }

  private void streamBig(HttpExchange exchange, boolean declared) {
    try {
      exchange.sendResponseHeaders(200, declared ? BIG_BODY : 0);
      OutputStream out = exchange.getResponseBody();
      byte[] chunk = new byte[64 * 1024];
      for (long written = 0; written < BIG_BODY; written += chunk.length) {
        out.write(chunk);
        bigBytesWritten.addAndGet(chunk.length);
      }
      out.close();
    } catch (IOException ex) {
      // expected: the client stopped reading and closed the connection
    } finally {
      bigDone.countDown();
    }
  }

  private static void send(HttpExchange exchange, int status, String text) throws IOException {
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().add("Content-Type", "text/plain; charset=utf-8");
    exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
    exchange.getResponseBody().write(bytes);
  }

  private static Map<String, String> query(String raw) {
    if (raw == null) {
      return Map.of();
    }
    Map<String, String> values = new HashMap<>();
    for (String pair : raw.split("&")) {
      int eq = pair.indexOf('=');
      values.put(
          pair.substring(0, eq),
          URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
    }
    return values;
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException ex) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    server.stop(0);
    ExecutorService executor = (ExecutorService) server.getExecutor();
    executor.shutdownNow();
    try {
      executor.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException ex) {
      Thread.currentThread().interrupt();
    }
  }
}
