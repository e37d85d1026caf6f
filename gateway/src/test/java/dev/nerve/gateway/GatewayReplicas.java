package dev.nerve.gateway;

import dev.nerve.testing.TestServers;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/** Gateway-only applications on the test servers, for tests that need several replicas. */
public final class GatewayReplicas {

  private GatewayReplicas() {}

  /** A gateway replica; {@code overrides} ({@code --name=value}) replace the test defaults. */
  public static ConfigurableApplicationContext start(String... overrides) {
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

  /** HTTP client of a replica. */
  public static GatewayClient client(ConfigurableApplicationContext context) {
    return new GatewayClient(((WebServerApplicationContext) context).getWebServer().getPort());
  }
}
