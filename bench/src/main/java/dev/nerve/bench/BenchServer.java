package dev.nerve.bench;

import dev.nerve.server.NerveApplication;
import dev.nerve.testing.TestServers;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The Nerve server a benchmark measures, in the benchmark's JVM: the given targets on the
 * PostgreSQL and Redis named by NERVE_TEST_DATABASE_URL / NERVE_TEST_REDIS_URL (embedded ones
 * otherwise), an ephemeral HTTP port, quiet logs and no trace sampling. {@code -Dnerve.<key>=value}
 * (and {@code -Dmanagement.*}) on the benchmark's command line override any setting, e.g. to see
 * what one feature costs.
 */
public final class BenchServer {

  private BenchServer() {}

  /** Starts {@code targets} (comma-separated) with {@code settings} on top of the defaults above. */
  public static ConfigurableApplicationContext start(String targets, Map<String, String> settings) {
    Map<String, String> properties = new LinkedHashMap<>(TestServers.applicationProperties());
    properties.put("nerve.targets", targets);
    properties.put("server.port", "0");
    properties.put("logging.level.root", "WARN");
    properties.put("management.tracing.sampling.probability", "0.0");
    properties.putAll(settings);
    System.getProperties().stringPropertyNames().stream()
        .filter(name -> name.startsWith("nerve.") || name.startsWith("management."))
        .forEach(name -> properties.put(name, System.getProperty(name)));
    // Arguments, not default properties: they must win over application.yml (targets: all).
    List<String> args = new ArrayList<>();
    properties.forEach((key, value) -> args.add("--" + key + "=" + value));
    return new SpringApplicationBuilder(NerveApplication.class).run(args.toArray(String[]::new));
  }

  /** The HTTP port the started server listens on. */
  public static int port(ConfigurableApplicationContext context) {
    return Integer.parseInt(context.getEnvironment().getProperty("local.server.port"));
  }
}
