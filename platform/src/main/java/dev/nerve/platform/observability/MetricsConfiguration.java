package dev.nerve.platform.observability;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.context.annotation.Bean;

/**
 * Observability settings every target shares: HELP text for metric families registered without
 * one, and JDBC spans only inside a request.
 */
@AutoConfiguration
public class MetricsConfiguration {

  @Bean
  MetricDescriptions nerveMetricDescriptions() {
    return new MetricDescriptions();
  }

  @Bean
  JdbcObservationsInRequests nerveJdbcObservationsInRequests() {
    return new JdbcObservationsInRequests();
  }
}
