package dev.nerve.installation.environment;

import dev.nerve.platform.redis.RedisEndpoint;
import io.lettuce.core.api.StatefulRedisConnection;
import java.util.concurrent.TimeUnit;

/** Redis answers and is a supported version (6.2 or newer). */
final class RedisProbe implements Probe {

  private final StatefulRedisConnection<String, String> redis;
  private final RedisEndpoint endpoint;

  RedisProbe(StatefulRedisConnection<String, String> redis, RedisEndpoint endpoint) {
    this.redis = redis;
    this.endpoint = endpoint;
  }

  @Override
  public String id() {
    return "redis.reachable";
  }

  @Override
  public String title() {
    return "Redis reachable";
  }

  @Override
  public Finding run() {
    String version;
    try {
      version = serverVersion(redis.async().info("server").get(3, TimeUnit.SECONDS));
    } catch (Exception e) {
      return Finding.fail(
          "cannot reach " + endpoint.display() + ": " + PostgresProbe.rootMessage(e),
          "check NERVE_REDIS_URL and that Redis accepts connections");
    }
    String detail =
        "Redis " + version + " at " + endpoint.display() + (endpoint.embedded() ? " (embedded)" : "");
    return supported(version)
        ? Finding.ok(detail)
        : Finding.fail(detail, "upgrade Redis to 6.2 or newer");
  }

  static String serverVersion(String info) {
    return info.lines()
        .filter(line -> line.startsWith("redis_version:"))
        .map(line -> line.substring("redis_version:".length()).trim())
        .findFirst()
        .orElse("unknown");
  }

  static boolean supported(String version) {
    String[] parts = version.split("\\.");
    try {
      int major = Integer.parseInt(parts[0]);
      int minor = parts.length > 1 ? Integer.parseInt(parts[1]) : 0;
      return major > 6 || (major == 6 && minor >= 2);
    } catch (NumberFormatException e) {
      return false;
    }
  }
}
