package dev.nerve.platform.embedded;

import dev.nerve.platform.redis.EmbeddedRedisServer;
import dev.nerve.platform.storage.EmbeddedPostgresServer;
import java.nio.file.Path;

/** Starts both embedded servers on a data directory, reports them, and waits to be killed. */
public final class EmbeddedServersMain {

  private EmbeddedServersMain() {}

  public static void main(String[] args) throws Exception {
    Path dataDir = Path.of(args[0]);
    EmbeddedPostgresServer postgres = EmbeddedPostgresServer.start(dataDir.resolve("postgres"));
    EmbeddedRedisServer redis = EmbeddedRedisServer.start(dataDir.resolve("redis"));
    System.out.println("POSTGRES " + postgres.endpoint().jdbcUrl());
    System.out.println("REDIS " + redis.endpoint().uri());
    System.out.println("READY");
    System.out.flush();
    Thread.sleep(Long.MAX_VALUE);
  }
}
