package dev.nerve.gateway.identity;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nerve.gateway.GatewayClient;
import dev.nerve.gateway.GatewayReplicas;
import dev.nerve.testing.HostileInputs;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;

/**
 * Fuzzing of the identity surfaces through a running gateway (400 requests from a fixed seed, so a
 * failure names the try that reproduces it): login, refresh,
 * logout, users and API keys over REST and GraphQL, with every input field (and the body itself)
 * drawn from {@link HostileInputs}: hostile strings sent as JSON escapes (NUL, unpaired
 * surrogates), edge numbers, wrong types, null and nesting. Nothing may answer 5xx or a GraphQL
 * {@code INTERNAL}, and every REST error is problem+json.
 */
class IdentityFuzzIT {

  private static ConfigurableApplicationContext gateway;
  private static GatewayClient client;
  private static String admin;

  @BeforeAll
  static void start() {
    gateway = GatewayReplicas.start();
    client = GatewayReplicas.client(gateway);
    admin = client.adminToken();
  }

  @AfterAll
  static void stop() {
    if (gateway != null) {
      gateway.close();
    }
  }

  private static final long SEED = 20261130L;
  private static final int TRIES = 400;
  private static final List<String> BROKEN_BODIES = List.of("", "{", "{\"username\":", "\u0000", "{}}", "nul");

  /** A hostile JSON value: string, number, boolean, null, array or object. */
  static Object value(Random random) {
    int pick = random.nextInt(10);
    if (pick == 8) {
      List<Object> list = new ArrayList<>();
      int size = random.nextInt(4);
      for (int i = 0; i < size; i++) {
        list.add(leaf(random));
      }
      return list;
    }
    if (pick == 9) {
      Map<String, Object> map = new LinkedHashMap<>();
      int size = random.nextInt(3);
      for (int i = 0; i < size; i++) {
        map.put(HostileInputs.string(random), leaf(random));
      }
      return map;
    }
    return leaf(random);
  }

  private static Object leaf(Random random) {
    return switch (random.nextInt(5)) {
      case 0 -> HostileInputs.string(random);
      case 1 -> HostileInputs.number(random);
      case 2 -> HostileInputs.longValue(random);
      case 3 -> random.nextBoolean();
      default -> Json.NULL;
    };
  }

  /** A body for fields {@code names}: an object with hostile values (some fields missing), or any value. */
  static String body(Random random, String... names) {
    int pick = random.nextInt(11);
    if (pick < 8) {
      Map<String, Object> map = new LinkedHashMap<>();
      for (String name : names) {
        if (random.nextBoolean()) {
          map.put(name, value(random));
        }
      }
      return Json.write(map);
    }
    return pick < 10 ? Json.write(value(random)) : BROKEN_BODIES.get(random.nextInt(BROKEN_BODIES.size()));
  }

  /** The request of try {@code n}. */
  static Request request(int n) {
    Random random = new Random(SEED + n);
    return switch (random.nextInt(13)) {
      case 0 -> new Request("POST", "/api/v1/auth/token", null, body(random, "username", "password"));
      case 1 -> new Request("POST", "/api/v1/auth/token", null, body(random, "refreshToken"));
      case 2 -> new Request("POST", "/api/v1/auth/logout", null, body(random, "refreshToken"));
      case 3 -> new Request("POST", "/api/v1/identity/users", "admin", body(random, "username", "password", "roles"));
      case 4 -> new Request("POST", "/api/v1/identity/api-keys", "admin", body(random, "name", "roles"));
      case 5 ->
          new Request(
              "DELETE", "/api/v1/identity/api-keys/" + URLEncoder.encode(HostileInputs.string(random), StandardCharsets.UTF_8), "admin", null);
      case 6 -> graphql(random, "mutation($input: AuthLoginInput!) { authLogin(input: $input) { expiresIn } }", "input", null, "username", "password");
      case 7 -> graphql(random, "mutation($input: AuthRefreshInput!) { authRefresh(input: $input) { expiresIn } }", "input", null, "refreshToken");
      case 8 -> graphql(random, "mutation($input: AuthLogoutInput!) { authLogout(input: $input) }", "input", null, "refreshToken");
      case 9 -> graphql(random, "mutation($input: IdentityUsersCreateInput!) { identityUsersCreate(input: $input) { id } }", "input", "admin", "username", "password", "roles");
      case 10 -> graphql(random, "mutation($input: IdentityApiKeysCreateInput!) { identityApiKeysCreate(input: $input) { secret } }", "input", "admin", "name", "roles");
      case 11 -> graphql(random, "mutation($id: ID!) { identityUsersDisable(id: $id) { id } }", "id", "admin");
      default -> graphql(random, "mutation($id: ID!) { identityApiKeysRevoke(id: $id) { id } }", "id", "admin");
    };
  }

  private static Request graphql(Random random, String query, String variable, String as, String... fields) {
    String value = fields.length == 0 ? Json.write(value(random)) : body(random, fields);
    return new Request("POST", "/graphql", as, "{\"query\":" + Json.write(query) + ",\"variables\":{\"" + variable + "\":" + value + "}}");
  }

  @Test
  void noInputCausesAServerError() {
    Map<Integer, Integer> statuses = new TreeMap<>();
    for (int n = 0; n < TRIES; n++) {
      statuses.merge(check(n, request(n)), 1, Integer::sum);
    }
    System.out.println("identity fuzz statuses over " + TRIES + " requests: " + statuses);
    assertThat(statuses.keySet()).as("some requests succeed and some are refused").anyMatch(s -> s < 300).anyMatch(s -> s >= 400);
  }

  private static int check(int n, Request request) {
    GatewayClient.Response response =
        client.send(request.method(), request.path(), "admin".equals(request.as()) ? admin : null, request.body(), Map.of());
    assertThat(response.status()).as("try %d: %s -> %s", n, request, response.text()).isLessThan(500);
    if (request.path().equals("/graphql")) {
      JsonNode errors = response.json().path("errors");
      for (JsonNode error : errors) {
        assertThat(error.at("/extensions/code").asString()).as("try %d: %s -> %s", n, request, response.text()).isNotEqualTo("INTERNAL");
      }
    } else if (response.status() >= 400) {
      assertThat(response.header("Content-Type")).as("try %d: %s -> %s", n, request, response.text()).startsWith("application/problem+json");
    }
    return response.status();
  }

  /**
   * One HTTP request.
   *
   * @param method HTTP method
   * @param path path and query
   * @param as "admin" to send the admin's token, null for none
   * @param body raw JSON body or null
   */
  record Request(String method, String path, String as, String body) {}

  /** JSON text with every non-ASCII and control character escaped, so lone surrogates survive. */
  static final class Json {
    static final Object NULL = new Object();

    static String write(Object value) {
      StringBuilder out = new StringBuilder();
      write(value, out);
      return out.toString();
    }

    private static void write(Object value, StringBuilder out) {
      if (value == null || value == NULL) {
        out.append("null");
      } else if (value instanceof String s) {
        out.append('"');
        for (char c : s.toCharArray()) {
          if (c == '"' || c == '\\') {
            out.append('\\').append(c);
          } else if (c < 0x20 || c > 0x7e) {
            out.append(String.format("\\u%04x", (int) c));
          } else {
            out.append(c);
          }
        }
        out.append('"');
      } else if (value instanceof Double d) {
        out.append(Double.isFinite(d) ? d.toString() : d.isNaN() ? "NaN" : d > 0 ? "1e400" : "-1e400");
      } else if (value instanceof List<?> list) {
        out.append('[');
        for (int i = 0; i < list.size(); i++) {
          if (i > 0) {
            out.append(',');
          }
          write(list.get(i), out);
        }
        out.append(']');
      } else if (value instanceof Map<?, ?> map) {
        out.append('{');
        List<String> parts = new ArrayList<>();
        map.forEach((k, v) -> parts.add(write(String.valueOf(k)) + ":" + write(v)));
        out.append(String.join(",", parts)).append('}');
      } else {
        out.append(value);
      }
    }
  }
}
