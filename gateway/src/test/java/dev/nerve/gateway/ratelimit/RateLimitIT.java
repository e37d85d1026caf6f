package dev.nerve.gateway.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nerve.gateway.GatewayClient;
import dev.nerve.gateway.GatewayTestApplication;
import dev.nerve.gateway.identity.UserStore;
import dev.nerve.platform.redis.EmbeddedRedisServer;
import dev.nerve.testing.TestServers;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;

/**
 * Budgets live in Redis: two gateway instances draw from the same buckets; login has its own,
 * stricter budget; and when Redis goes away the limiter fails open (default, counted) or closed.
 */
class RateLimitIT {

  /** A gateway-only application; {@code overrides} ({@code --name=value}) replace the test defaults. */
  private static ConfigurableApplicationContext gateway(String... overrides) {
    Map<String, String> properties = new LinkedHashMap<>(TestServers.applicationProperties());
    properties.put("nerve.targets", "gateway");
    properties.put("server.port", "0");
    for (String override : overrides) {
      String[] pair = override.substring(2).split("=", 2);
      properties.put(pair[0], pair[1]);
    }
    List<String> args = new ArrayList<>();
    properties.forEach((name, value) -> args.add("--" + name + "=" + value));
    return new SpringApplicationBuilder(GatewayTestApplication.class).run(args.toArray(String[]::new));
  }

  private static GatewayClient client(ConfigurableApplicationContext context) {
    return new GatewayClient(((WebServerApplicationContext) context).getWebServer().getPort());
  }

  @Test
  void twoInstancesShareOneBudgetAndLoginHasAStricterOne() {
    String prefix = "--nerve.gateway.rate-limit.key-prefix=rl-" + UUID.randomUUID() + ":";
    String[] settings = {prefix, "--nerve.gateway.rate-limit.per-minute=5", "--nerve.gateway.rate-limit.login-per-minute=4"};
    try (ConfigurableApplicationContext a = gateway(settings);
        ConfigurableApplicationContext b = gateway(settings)) {
      GatewayClient first = client(a);
      GatewayClient second = client(b);
      String username = GatewayClient.user(a.getBean(UserStore.class), "rl-" + UUID.randomUUID(), "viewer");
      String token = first.accessToken(username, GatewayClient.PASSWORD);

      for (int i = 0; i < 5; i++) {
        GatewayClient client = i % 2 == 0 ? first : second;
        assertThat(client.get("/api/v1/auth/me", token).status()).as("request %d", i + 1).isEqualTo(200);
      }
      GatewayClient.Response limited = second.get("/api/v1/auth/me", token);
      assertThat(limited.status()).isEqualTo(429);
      assertThat(Long.parseLong(limited.header("Retry-After"))).isBetween(1L, 60L);
      assertThat(limited.json().get("code").asString()).isEqualTo("RATE_LIMITED");
      assertThat(limited.json().get("retryAfterSeconds").asLong()).isPositive();

      JsonNode graphql = first.graphql(token, "{ me { userId } }");
      assertThat(graphql.at("/errors/0/extensions/code").asString()).isEqualTo("RATE_LIMITED");
      assertThat(graphql.at("/errors/0/extensions/retryAfterSeconds").asLong()).isPositive();

      // Password guessing: 4 attempts per minute per client IP (one used by the login above) and
      // per username, across both instances.
      String victim = GatewayClient.user(a.getBean(UserStore.class), "rl-" + UUID.randomUUID(), "admin");
      Map<String, String> guess = Map.of("username", victim, "password", "guess-guess-guess");
      assertThat(first.post("/api/v1/auth/token", null, guess).status()).isEqualTo(401);
      assertThat(second.post("/api/v1/auth/token", null, guess).status()).isEqualTo(401);
      assertThat(first.post("/api/v1/auth/token", null, guess).status()).isEqualTo(401);
      GatewayClient.Response blocked = second.post("/api/v1/auth/token", null, guess);
      assertThat(blocked.status()).isEqualTo(429);
      assertThat(blocked.header("Retry-After")).isNotNull();
    }
  }

  @Test
  void redisOutageFailsOpenByDefaultAndClosedWhenConfigured() {
    EmbeddedRedisServer redis = EmbeddedRedisServer.start(dev.nerve.testing.TestServers.tempDirectory("nerve-redis-outage"));
    String url = "--nerve.redis.url=" + redis.endpoint().uri();
    String prefix = "--nerve.gateway.rate-limit.key-prefix=down-" + UUID.randomUUID() + ":";
    try (ConfigurableApplicationContext open = gateway(url, prefix);
        ConfigurableApplicationContext closed = gateway(url, prefix, "--nerve.gateway.rate-limit.fail-open=false")) {
      String username = GatewayClient.user(open.getBean(UserStore.class), "down-" + UUID.randomUUID(), "viewer");
      String token = client(open).accessToken(username, GatewayClient.PASSWORD);
      assertThat(client(open).get("/api/v1/auth/me", token).status()).isEqualTo(200);
      assertThat(client(closed).get("/api/v1/auth/me", token).status()).isEqualTo(200);

      redis.close();

      // A replica may serve its small local allowance (1% of 600 = 6 tokens) before it next
      // writes to Redis and notices the outage; beyond that, every request meets it.
      for (int i = 0; i < 8; i++) {
        GatewayClient.Response passed = client(open).get("/api/v1/auth/me", token);
        assertThat(passed.status()).as(passed.text()).isEqualTo(200);
      }
      assertThat(open.getBean(MeterRegistry.class).counter("nerve.gateway.ratelimit.unavailable").count())
          .isGreaterThanOrEqualTo(1.0);

      GatewayClient.Response refused = client(closed).get("/api/v1/auth/me", token);
      for (int i = 0; i < 8 && refused.status() == 200; i++) {
        refused = client(closed).get("/api/v1/auth/me", token);
      }
      assertThat(refused.status()).as(refused.text()).isEqualTo(503);
      assertThat(refused.json().get("code").asString()).isEqualTo("UNAVAILABLE");
    } finally {
      try {
        redis.close();
      } catch (RuntimeException alreadyStopped) {
        // stopped above
      }
    }
  }
}
