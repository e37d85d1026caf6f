package dev.nerve.platform.observability;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * Translates Nerve's short operator settings into the Spring properties they stand for, before
 * logging starts: {@code NERVE_LOG_FORMAT=json} selects ECS JSON logs and {@code
 * NERVE_OTLP_ENDPOINT} turns on trace export.
 */
public final class NerveEnvironmentPostProcessor implements EnvironmentPostProcessor {

  static final String SOURCE = "nerveDerived";

  @Override
  public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication app) {
    Map<String, Object> derived = new HashMap<>();
    String logFormat = environment.getProperty("nerve.log-format", "text");
    if (logFormat.toLowerCase(Locale.ROOT).equals("json")) {
      derived.put("logging.structured.format.console", "ecs");
    }
    String otlp = environment.getProperty("nerve.otlp-endpoint");
    if (otlp != null && !otlp.isBlank()) {
      derived.put("management.opentelemetry.tracing.export.otlp.endpoint", otlp);
    }
    if (!derived.isEmpty()) {
      environment.getPropertySources().addFirst(new MapPropertySource(SOURCE, derived));
    }
  }
}
