package dev.nerve.platform.observability;

import io.micrometer.tracing.Tracer;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.context.annotation.Bean;

/**
 * Observability settings every target shares: HELP text for metric families registered without
 * one, and JDBC spans only inside a sampled request. Runs after datasource-micrometer's
 * configuration, so its post-processor sees the proxy that one made of the data source.
 */
@AutoConfiguration(afterName = "net.ttddyy.observation.boot.autoconfigure.DataSourceObservationAutoConfiguration")
public class MetricsConfiguration {

  @Bean
  MetricDescriptions nerveMetricDescriptions() {
    return new MetricDescriptions();
  }

  @Bean
  JdbcObservationsInRequests nerveJdbcObservationsInRequests() {
    return new JdbcObservationsInRequests();
  }

  /** Puts the observing proxy of the data source behind {@link TracedOnlyDataSource}. */
  @Bean
  static TracedOnlyDataSources nerveTracedOnlyDataSources(ObjectProvider<Tracer> tracer) {
    return new TracedOnlyDataSources(tracer);
  }
}
