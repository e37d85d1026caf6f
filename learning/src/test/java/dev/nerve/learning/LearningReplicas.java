package dev.nerve.learning;

import dev.nerve.platform.storage.DatabaseEndpoint;
import dev.nerve.testing.TestServers;
import java.util.ArrayList;
import java.util.List;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/** Starts learning replicas as separate application contexts on the test PostgreSQL and Redis. */
public final class LearningReplicas {

  private LearningReplicas() {}

  /** A learning replica with its own data directory, gRPC port and in-process name; {@code extra} properties win. */
  public static ConfigurableApplicationContext start(String... extra) {
    DatabaseEndpoint database = TestServers.database();
    List<String> properties = new ArrayList<>(List.of(
        "nerve.targets=learning",
        "nerve.database.url=" + database.jdbcUrl(),
        "nerve.database.username=" + database.username(),
        "nerve.database.password=" + database.password(),
        "nerve.redis.url=" + TestServers.redisUri(),
        "nerve.grpc.port=0",
        "nerve.grpc.default-deadline=60s",
        "nerve.data-dir=" + TestServers.tempDirectory("nerve-learning-replica"),
        "nerve.learning.jobs.poll-interval=200ms",
        "nerve.learning.jobs.heartbeat-interval=1s"));
    properties.addAll(List.of(extra));
    return new SpringApplicationBuilder(LearningTestApplication.class)
        .web(WebApplicationType.NONE)
        .properties(properties.toArray(String[]::new))
        .run();
  }
}
