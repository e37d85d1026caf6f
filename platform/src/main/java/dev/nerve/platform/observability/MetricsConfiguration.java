package dev.nerve.platform.observability;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.context.annotation.Bean;

/** Metric settings every target shares: HELP text for families registered without one. */
@AutoConfiguration
public class MetricsConfiguration {

  @Bean
  MetricDescriptions nerveMetricDescriptions() {
    return new MetricDescriptions();
  }
}
