package dev.nerve.server.deploy;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Just enough of the Kubernetes API, on loopback, for helm's {@code lookup "v1" "Secret"}: the
 * discovery of the core group and GET of a Secret, answered from an in-memory map (404 when
 * absent). The Helm library in the test renders with lookups enabled, so without this it would
 * ask whatever cluster the environment points at; with it the chart's "reuse the existing
 * Secret" logic can be tested both ways.
 */
final class FakeKubernetesApi implements AutoCloseable {

  private static final Pattern SECRET = Pattern.compile("/api/v1/namespaces/([^/]+)/secrets/([^/]+)");
  private static final String CORE_RESOURCES =
      """
      {"kind":"APIResourceList","apiVersion":"v1","groupVersion":"v1","resources":[
        {"name":"secrets","singularName":"secret","namespaced":true,"kind":"Secret","verbs":["get","list"]}]}
      """;

  private final HttpServer server;
  private final Map<String, Map<String, String>> secrets = new ConcurrentHashMap<>();
  private final List<String> requests = new CopyOnWriteArrayList<>();

  private FakeKubernetesApi(HttpServer server) {
    this.server = server;
  }

  static FakeKubernetesApi start() throws IOException {
    HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    FakeKubernetesApi api = new FakeKubernetesApi(server);
    server.createContext("/", api::handle);
    server.start();
    return api;
  }

  /** Writes a kubeconfig whose only cluster is this server. */
  void writeKubeconfig(Path file) throws IOException {
    Files.createDirectories(file.getParent());
    Files.writeString(
        file,
        """
        apiVersion: v1
        kind: Config
        clusters:
          - name: fake
            cluster:
              server: http://127.0.0.1:%d
        contexts:
          - name: fake
            context: {cluster: fake, user: fake, namespace: default}
        current-context: fake
        users:
          - name: fake
            user: {}
        """
            .formatted(server.getAddress().getPort()));
  }

  /** Stores a Secret (plain values; the API answers them base64-encoded, as Kubernetes does). */
  void putSecret(String namespace, String name, Map<String, String> data) {
    secrets.put(namespace + "/" + name, Map.copyOf(data));
  }

  /** Paths of the requests received so far. */
  List<String> requests() {
    return List.copyOf(requests);
  }

  void reset() {
    secrets.clear();
    requests.clear();
  }

  @Override
  public void close() {
    server.stop(0);
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      String path = exchange.getRequestURI().getPath();
      requests.add(exchange.getRequestMethod() + " " + path);
      if (!exchange.getRequestMethod().equals("GET")) {
        respond(exchange, 405, status(405, "MethodNotAllowed", "read-only fake"));
        return;
      }
      if (path.equals("/api/v1")) {
        respond(exchange, 200, CORE_RESOURCES);
        return;
      }
      Matcher secret = SECRET.matcher(path);
      Map<String, String> data = secret.matches() ? secrets.get(secret.group(1) + "/" + secret.group(2)) : null;
      if (data == null) {
        respond(exchange, 404, status(404, "NotFound", path + " not found"));
        return;
      }
      StringBuilder encoded = new StringBuilder();
      data.forEach(
          (key, value) ->
              encoded
                  .append(encoded.length() == 0 ? "" : ",")
                  .append('"')
                  .append(key)
                  .append("\":\"")
                  .append(Base64.getEncoder().encodeToString(value.getBytes(StandardCharsets.UTF_8)))
                  .append('"'));
      respond(
          exchange,
          200,
          """
          {"kind":"Secret","apiVersion":"v1","metadata":{"name":"%s","namespace":"%s"},"type":"Opaque","data":{%s}}
          """
              .formatted(secret.group(2), secret.group(1), encoded));
    }
  }

  private static String status(int code, String reason, String message) {
    return """
        {"kind":"Status","apiVersion":"v1","status":"Failure","message":"%s","reason":"%s","code":%d}
        """
        .formatted(message, reason, code);
  }

  private static void respond(HttpExchange exchange, int code, String body) {
    try {
      byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().set("Content-Type", "application/json");
      exchange.sendResponseHeaders(code, bytes.length);
      exchange.getResponseBody().write(bytes);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
