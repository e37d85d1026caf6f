package dev.nerve.bench.http;

import dev.nerve.testing.TestServers;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A caller of a gateway under benchmark, logged in as the test administrator: one keep-alive
 * connection and a bearer token, with calls that fail loudly on an error answer so a benchmark
 * never times failures.
 */
public final class GatewaySession implements AutoCloseable {

  private static final Pattern ACCESS_TOKEN = Pattern.compile("\"accessToken\"\\s*:\\s*\"([^\"]+)\"");
  private static final Pattern USER_ID = Pattern.compile("\"userId\"\\s*:\\s*\"([^\"]+)\"");

  private final int port;
  private final KeepAliveClient connection;
  private final Map<String, String> headers;

  private GatewaySession(int port, String token) {
    this.port = port;
    this.connection = new KeepAliveClient("127.0.0.1", port);
    this.headers = Map.of("Content-Type", "application/json", "Authorization", "Bearer " + token);
  }

  /** Logs in as {@link TestServers#ADMIN_USERNAME} at the gateway on loopback {@code port}. */
  public static GatewaySession login(int port) {
    try (KeepAliveClient anonymous = new KeepAliveClient("127.0.0.1", port)) {
      String body =
          "{\"username\":\"" + TestServers.ADMIN_USERNAME + "\",\"password\":\"" + TestServers.adminPassword() + "\"}";
      KeepAliveClient.Response response =
          ok(anonymous.send("POST", "/api/v1/auth/token", Map.of("Content-Type", "application/json"), bytes(body)));
      return new GatewaySession(port, match(ACCESS_TOKEN, response.body()));
    }
  }

  /** A second connection with the same token, for another caller thread. */
  public GatewaySession another() {
    return new GatewaySession(port, headers.get("Authorization").substring("Bearer ".length()));
  }

  /** Headers every call sends: JSON content and the bearer token. */
  public Map<String, String> headers() {
    return headers;
  }

  /** The logged-in user's id, as {@code /api/v1/auth/me} reports it. */
  public String userId() {
    return match(USER_ID, send("GET", "/api/v1/auth/me", null).body());
  }

  /** An HTTP call that must answer 2xx. */
  public KeepAliveClient.Response send(String method, String path, String body) {
    return ok(connection.send(method, path, headers, body == null ? null : bytes(body)));
  }

  /** A GraphQL request (the whole JSON body) that must answer 200 without errors. */
  public KeepAliveClient.Response graphql(byte[] request) {
    KeepAliveClient.Response response = connection.send("POST", "/graphql", headers, request);
    if (response.status() != 200 || response.body().contains("\"errors\"")) {
      throw new IllegalStateException("GraphQL call failed: " + response.status() + " " + response.body());
    }
    return response;
  }

  @Override
  public void close() {
    connection.close();
  }

  private static KeepAliveClient.Response ok(KeepAliveClient.Response response) {
    if (response.status() / 100 != 2) {
      throw new IllegalStateException("HTTP call failed: " + response.status() + " " + response.body());
    }
    return response;
  }

  private static String match(Pattern pattern, String text) {
    Matcher matcher = pattern.matcher(text);
    if (!matcher.find()) {
      throw new IllegalStateException("unexpected response: " + text);
    }
    return matcher.group(1);
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }
}
