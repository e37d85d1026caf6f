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
 * NERVE_OTLP_ENDPOINT} (an OpenTelemetry collector's OTLP/HTTP base URL) turns on trace and metric
 * export.
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
    String otlp = environment.getProperty("nerve.otlp-endpoint", "").strip();
    if (otlp.isEmpty()) {
      // Metrics are scraped from /actuator/prometheus; pushing them is opt-in with the collector.
      derived.put("management.otlp.metrics.export.enabled", "false");
    } else {
      String base = otlp.endsWith("/") ? otlp.substring(0, otlp.length() - 1) : otlp;
      derived.put("management.opentelemetry.tracing.export.otlp.endpoint", base + "/v1/traces");
      derived.put("management.otlp.metrics.export.url", base + "/v1/metrics");
      derived.put("management.otlp.metrics.export.enabled", "true");
    }
    if (!derived.isEmpty()) {
      environment.getPropertySources().addFirst(new MapPropertySource(SOURCE, derived));
    }
  }
}
