package dev.nerve.platform.outbound;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;

/**
 * One outbound guard and one guarded HTTP client per process, for every target: inject {@link
 * GuardedHttpClient} to send requests, or {@link OutboundGuard} to check a destination or swap the
 * policy.
 */
@AutoConfiguration
@EnableConfigurationProperties(OutboundProperties.class)
public class OutboundConfiguration {

  @Bean
  OutboundGuard outboundGuard(OutboundProperties properties, ObjectProvider<MeterRegistry> registry) {
    return new OutboundGuard(
        OutboundPolicy.of(properties),
        HostResolver.system(),
        registry.getIfUnique(SimpleMeterRegistry::new));
  }

  @Bean(destroyMethod = "close")
  GuardedHttpClient guardedHttpClient(OutboundGuard outboundGuard, OutboundProperties properties) {
    return new GuardedHttpClient(
        outboundGuard, properties.maxConnections(), properties.maxConnectionsPerHost());
  }
}
