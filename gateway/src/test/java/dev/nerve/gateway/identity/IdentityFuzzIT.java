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
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.EdgeCasesMode;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import net.jqwik.api.statistics.Statistics;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;

/**
 * Property-based fuzzing of the identity surfaces through a running gateway: login, refresh,
 * logout, users and API keys over REST and GraphQL, with every input field (and the body itself)
 * drawn from {@link HostileInputs}: hostile strings sent as JSON escapes (NUL, unpaired
 * surrogates), edge numbers, wrong types, null and nesting. Nothing may answer 5xx or a GraphQL
 * {@code INTERNAL}, and every REST error is problem+json.
 */
class IdentityFuzzIT {

  private static ConfigurableApplicationContext gateway;
  private static GatewayClient client;
  private static String admin;

  @BeforeContainer
  static void start() {
    gateway = GatewayReplicas.start();
    client = GatewayReplicas.client(gateway);
    admin = client.adminToken();
  }

  @AfterContainer
  static void stop() {
    if (gateway != null) {
      gateway.close();
    }
  }

  /** A hostile JSON value: string, number, boolean, null, array or object. */
  static Arbitrary<Object> values() {
    Arbitrary<Object> leaves =
        Arbitraries.oneOf(
            HostileInputs.strings().map(s -> (Object) s),
            HostileInputs.numbers().map(n -> (Object) n),
            HostileInputs.longs().map(n -> (Object) n),
            Arbitraries.of(true, false).map(b -> (Object) b),
            Arbitraries.just(Json.NULL));
    return Arbitraries.frequencyOf(
        List.of(
            net.jqwik.api.Tuple.of(8, leaves),
            net.jqwik.api.Tuple.of(1, leaves.list().ofMaxSize(3).map(l -> (Object) l)),
            net.jqwik.api.Tuple.of(1, Arbitraries.maps(HostileInputs.strings(), leaves).ofMaxSize(2).map(m -> (Object) m))));
  }

  /** A body for fields {@code names}: an object with hostile values (some fields missing), or any value. */
  static Arbitrary<String> body(String... names) {
    Arbitrary<Map<String, Object>> object =
        Combinators.combine(values().list().ofSize(names.length), Arbitraries.integers().between(0, (1 << names.length) - 1))
            .as(
                (fields, mask) -> {
                  Map<String, Object> map = new LinkedHashMap<>();
                  for (int i = 0; i < names.length; i++) {
                    if ((mask & (1 << i)) != 0) {
                      map.put(names[i], fields.get(i));
                    }
                  }
                  return map;
                });
    return Arbitraries.frequencyOf(
        List.of(
            net.jqwik.api.Tuple.of(8, object.map(Json::write)),
            net.jqwik.api.Tuple.of(2, values().map(Json::write)),
            net.jqwik.api.Tuple.of(1, Arbitraries.of("", "{", "{\"username\":", "\u0000", "{}}", "nul"))));
  }

  @Provide
  Arbitrary<Request> requests() {
    return Arbitraries.oneOf(
        body("username", "password").map(b -> new Request("POST", "/api/v1/auth/token", null, b)),
        body("refreshToken").map(b -> new Request("POST", "/api/v1/auth/token", null, b)),
        body("refreshToken").map(b -> new Request("POST", "/api/v1/auth/logout", null, b)),
        body("username", "password", "roles").map(b -> new Request("POST", "/api/v1/identity/users", "admin", b)),
        body("name", "roles").map(b -> new Request("POST", "/api/v1/identity/api-keys", "admin", b)),
        HostileInputs.strings()
            .map(id -> new Request("DELETE", "/api/v1/identity/api-keys/" + URLEncoder.encode(id, StandardCharsets.UTF_8), "admin", null)),
        graphql("mutation($input: AuthLoginInput!) { authLogin(input: $input) { expiresIn } }", "input", null, "username", "password"),
        graphql("mutation($input: AuthRefreshInput!) { authRefresh(input: $input) { expiresIn } }", "input", null, "refreshToken"),
        graphql("mutation($input: AuthLogoutInput!) { authLogout(input: $input) }", "input", null, "refreshToken"),
        graphql("mutation($input: IdentityUsersCreateInput!) { identityUsersCreate(input: $input) { id } }", "input", "admin", "username", "password", "roles"),
        graphql("mutation($input: IdentityApiKeysCreateInput!) { identityApiKeysCreate(input: $input) { secret } }", "input", "admin", "name", "roles"),
        graphql("mutation($id: ID!) { identityUsersDisable(id: $id) { id } }", "id", "admin"),
        graphql("mutation($id: ID!) { identityApiKeysRevoke(id: $id) { id } }", "id", "admin"));
  }

  private static Arbitrary<Request> graphql(String query, String variable, String as, String... fields) {
    Arbitrary<String> value = fields.length == 0 ? values().map(Json::write) : body(fields);
    return value.map(
        v -> new Request("POST", "/graphql", as, "{\"query\":" + Json.write(query) + ",\"variables\":{\"" + variable + "\":" + v + "}}"));
  }

  @Property(tries = 400, seed = "20261130", edgeCases = EdgeCasesMode.MIXIN)
  void noInputCausesAServerError(@ForAll("requests") Request request) {
    GatewayClient.Response response =
        client.send(request.method(), request.path(), "admin".equals(request.as()) ? admin : null, request.body(), Map.of());
    Statistics.label("status").collect(response.status());
    assertThat(response.status()).as("%s -> %s", request, response.text()).isLessThan(500);
    if (request.path().equals("/graphql")) {
      JsonNode errors = response.json().path("errors");
      for (JsonNode error : errors) {
        assertThat(error.at("/extensions/code").asString()).as("%s -> %s", request, response.text()).isNotEqualTo("INTERNAL");
      }
    } else if (response.status() >= 400) {
      assertThat(response.header("Content-Type")).as("%s -> %s", request, response.text()).startsWith("application/problem+json");
    }
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
