package dev.nerve.server;

import dev.nerve.platform.redis.EmbeddedRedisServer;
import dev.nerve.platform.storage.EmbeddedPostgresServer;
import dev.nerve.testing.TestPorts;
import dev.nerve.testing.TestServers;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * A PostgreSQL and a Redis that one outage drill owns, on fixed loopback ports so it can stop them
 * and start them again on the same data while the server under test keeps running.
 */
final class OwnedStores implements AutoCloseable {

  private final Path dir;
  private final int postgresPort = TestPorts.free();
  private final int redisPort = TestPorts.free();
  private EmbeddedPostgresServer postgres;
  private EmbeddedRedisServer redis;
  private ConfigurableApplicationContext nerve;

  /** Starts both under {@code dir}. */
  OwnedStores(Path dir) {
    this.dir = dir;
    startPostgres();
    startRedis();
  }

  /**
   * A Nerve application in this JVM running {@code targets} on these two, with further settings;
   * closed first by {@link #close}.
   */
  ConfigurableApplicationContext startNerve(String targets, Map<String, String> extra) {
    Map<String, String> settings = new LinkedHashMap<>(TestServers.applicationProperties());
    settings.put("nerve.targets", targets);
    settings.put("server.port", "0");
    settings.put("nerve.database.url", postgres.endpoint().jdbcUrl());
    settings.put("nerve.database.username", "postgres");
    settings.put("nerve.database.password", "postgres");
    settings.put("nerve.redis.url", "redis://127.0.0.1:" + redisPort);
    settings.putAll(extra);
    List<String> arguments = new ArrayList<>();
    settings.forEach((k, v) -> arguments.add("--" + k + "=" + v));
    nerve = new SpringApplicationBuilder(NerveApplication.class).run(arguments.toArray(String[]::new));
    return nerve;
  }

  void stopPostgres() {
    postgres.close();
    postgres = null;
  }

  void startPostgres() {
    postgres = EmbeddedPostgresServer.start(dir.resolve("postgres"), dir.resolve("postgres-runtime"), true, postgresPort);
  }

  void stopRedis() {
    redis.close();
    redis = null;
  }

  void startRedis() {
    redis = EmbeddedRedisServer.start(dir.resolve("redis"), redisPort);
  }

  @Override
  public void close() {
    if (nerve != null) {
      nerve.close();
    }
    if (redis != null) {
      redis.close();
    }
    if (postgres != null) {
      postgres.close();
    }
  }
}
