package dev.nerve.gateway;

import dev.nerve.gateway.identity.UserStore;
import dev.nerve.testing.TestServers;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** HTTP calls against a running gateway: REST, GraphQL and logins, with raw bodies when needed. */
public final class GatewayClient {

  public static final JsonMapper JSON = JsonMapper.builder().build();

  private final String base;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  public GatewayClient(int port) {
    this.base = "http://localhost:" + port;
  }

  /**
   * A response.
   *
   * @param status HTTP status
   * @param headers response headers
   * @param text raw body
   */
  public record Response(int status, java.net.http.HttpHeaders headers, String text) {
    public JsonNode json() {
      return text == null || text.isBlank() ? JSON.nullNode() : JSON.readTree(text);
    }

    public String header(String name) {
      return headers.firstValue(name).orElse(null);
    }
  }

  /** Sends a request; {@code body} is serialized to JSON unless it already is a String. */
  public Response send(String method, String path, String token, Object body, Map<String, String> headers) {
    String payload = body == null ? null : body instanceof String s ? s : JSON.writeValueAsString(body);
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(base + path))
            .timeout(Duration.ofSeconds(30))
            .method(
                method,
                payload == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(payload));
    if (payload != null) {
      request.header("Content-Type", "application/json");
    }
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    headers.forEach(request::header);
    try {
      HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
      return new Response(response.statusCode(), response.headers(), response.body());
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  public Response get(String path, String token) {
    return send("GET", path, token, null, Map.of());
  }

  public Response post(String path, String token, Object body) {
    return send("POST", path, token, body, Map.of());
  }

  /** A GraphQL request over HTTP. */
  public JsonNode graphql(String token, String query, Map<String, Object> variables) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("query", query);
    if (variables != null) {
      body.put("variables", variables);
    }
    return post("/graphql", token, body).json();
  }

  public JsonNode graphql(String token, String query) {
    return graphql(token, query, null);
  }

  /** Logs in and returns the full token response. */
  public JsonNode login(String username, String password) {
    Response response = post("/api/v1/auth/token", null, Map.of("username", username, "password", password));
    if (response.status() != 200) {
      throw new AssertionError("login failed: " + response.status() + " " + response.text());
    }
    return response.json();
  }

  public String accessToken(String username, String password) {
    return login(username, password).get("accessToken").asString();
  }

  /** Access token of the bootstrapped test admin (tenant "default"). */
  public String adminToken() {
    return accessToken(TestServers.ADMIN_USERNAME, TestServers.adminPassword());
  }

  /**
   * A user with one role in a tenant of its own or a given one, straight in the store.
   *
   * @return the username; the password is {@link #PASSWORD}
   */
  public static String user(UserStore users, String tenant, String role) {
    users.ensureTenant(tenant, tenant);
    String username = role + "-" + UUID.randomUUID().toString().substring(0, 8);
    users.create(tenant, username, PASSWORD, List.of(role));
    return username;
  }

  /** Password of users made by {@link #user}. */
  public static final String PASSWORD = "correct horse battery staple";
}
