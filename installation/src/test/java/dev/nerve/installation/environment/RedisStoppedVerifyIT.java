package dev.nerve.installation.environment;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nerve.api.installation.v1.CheckStatus;
import dev.nerve.api.installation.v1.EnvironmentCheck;
import dev.nerve.api.installation.v1.EnvironmentServiceGrpc;
import dev.nerve.api.installation.v1.VerificationResult;
import dev.nerve.api.installation.v1.VerifyEnvironmentRequest;
import dev.nerve.installation.InstallationTestApplication;
import dev.nerve.platform.grpc.ChannelFactory;
import dev.nerve.platform.identity.Identity;
import dev.nerve.platform.identity.IdentityContext;
import dev.nerve.platform.redis.EmbeddedRedisServer;
import dev.nerve.platform.target.Target;
import dev.nerve.testing.TestServers;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * verify on an installation whose Redis (a throwaway one this test owns) stops while it runs: the
 * systems that do not run are reported SKIPPED without failing the verification, and once Redis
 * is gone verify reports exactly that, within a bounded time, instead of hanging.
 */
class RedisStoppedVerifyIT {

  /** Redis calls in the checks give up after 3 s each; the whole verify must stay well inside this. */
  static final Duration BOUND = Duration.ofSeconds(20);
  private static final Identity OPERATOR = new Identity("default", "redis-stopped-it", Set.of("operator"));

  @TempDir Path dir;

  private EmbeddedRedisServer redis;
  private ConfigurableApplicationContext app;

  @BeforeEach
  void start() {
    redis = EmbeddedRedisServer.start(dir.resolve("redis"));
    Map<String, String> settings = new LinkedHashMap<>(TestServers.applicationProperties());
    settings.put("nerve.targets", "installation");
    settings.put("nerve.redis.url", redis.endpoint().uri());
    settings.put("nerve.database.max-pool-size", "3");
    List<String> arguments = new ArrayList<>();
    settings.forEach((key, value) -> arguments.add("--" + key + "=" + value));
    app =
        new SpringApplicationBuilder(InstallationTestApplication.class)
            .web(org.springframework.boot.WebApplicationType.NONE)
            .run(arguments.toArray(String[]::new));
  }

  @AfterEach
  void stop() {
    if (app != null) {
      app.close();
    }
    if (redis != null) {
      redis.close();
    }
  }

  private VerificationResult verify() {
    return IdentityContext.callAs(
        OPERATOR,
        () ->
            EnvironmentServiceGrpc.newBlockingStub(app.getBean(ChannelFactory.class).channel(Target.INSTALLATION))
                .withDeadlineAfter(60, TimeUnit.SECONDS)
                .verify(VerifyEnvironmentRequest.getDefaultInstance()));
  }

  private static Map<String, EnvironmentCheck> byId(VerificationResult result) {
    return result.getChecksList().stream()
        .collect(Collectors.toMap(EnvironmentCheck::getId, c -> c, (a, b) -> a, LinkedHashMap::new));
  }

  @Test
  void systemsThatDoNotRunAreSkippedAndAStoppedRedisIsReportedInBoundedTime() {
    VerificationResult healthy = verify();

    Map<String, EnvironmentCheck> before = byId(healthy);
    assertThat(before.get("redis.roundtrip").getStatus()).isEqualTo(CheckStatus.CHECK_STATUS_OK);
    for (String system : List.of("memory", "memory.context", "automation", "sdk", "learning")) {
      EnvironmentCheck smoke = before.get("smoke." + system);
      assertThat(smoke.getStatus()).as(smoke.toString()).isEqualTo(CheckStatus.CHECK_STATUS_SKIPPED);
      assertThat(smoke.getDetail()).contains("does not run here").contains("nerve.targets");
      assertThat(smoke.getRemedy()).isEmpty();
    }
    assertThat(healthy.getOk()).as("skipped systems are not failures: " + healthy).isTrue();

    redis.close();
    long startNanos = System.nanoTime();
    VerificationResult broken = verify();
    Duration took = Duration.ofNanos(System.nanoTime() - startNanos);

    assertThat(took).isLessThan(BOUND);
    Map<String, EnvironmentCheck> after = byId(broken);
    EnvironmentCheck reachable = after.get("redis.reachable");
    assertThat(reachable.getStatus()).isEqualTo(CheckStatus.CHECK_STATUS_FAIL);
    assertThat(reachable.getDetail()).contains("cannot reach").contains(redis.endpoint().display());
    assertThat(reachable.getRemedy()).contains("NERVE_REDIS_URL");
    assertThat(after.get("redis.roundtrip").getStatus()).isEqualTo(CheckStatus.CHECK_STATUS_FAIL);
    assertThat(after.get("postgres.roundtrip").getStatus()).isEqualTo(CheckStatus.CHECK_STATUS_OK);
    assertThat(broken.getOk()).isFalse();
  }
}
