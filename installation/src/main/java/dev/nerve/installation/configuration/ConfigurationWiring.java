package dev.nerve.installation.configuration;

import dev.nerve.platform.concurrent.DaemonThreads;
import dev.nerve.platform.grpc.TargetService;
import dev.nerve.platform.settings.LiveSettings;
import dev.nerve.platform.target.Target;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Wires the configuration service, and publishes every stored document to Redis at start and
 * every {@link #REPUBLISH_EVERY} after, so replicas catch up with a Redis that was restarted or
 * missed a publication.
 */
@Configuration(proxyBeanMethods = false)
public class ConfigurationWiring {

  static final Duration REPUBLISH_EVERY = Duration.ofMinutes(1);
  private static final Logger log = LoggerFactory.getLogger(ConfigurationWiring.class);

  @Bean
  SettingsCatalog settingsCatalog() {
    return SettingsCatalog.load();
  }

  @Bean
  ConfigurationDocuments configurationDocuments(
      SettingsCatalog catalog, JdbcClient jdbc, TransactionTemplate tx, LiveSettings live) {
    return new ConfigurationDocuments(catalog, new ConfigurationStore(jdbc), tx, live, Clock.systemUTC());
  }

  @Bean
  TargetService configurationService(
      ConfigurationDocuments documents,
      ConfigurableEnvironment environment,
      // The gateway's tenant of the bootstrap admin: its administrators administer the installation.
      @Value("${nerve.gateway.default-tenant:default}") String adminTenant) {
    return new TargetService(
        Target.INSTALLATION, new ConfigurationGrpcService(documents, new PropertyLayers(environment), adminTenant));
  }

  @Bean
  dev.nerve.installation.environment.Probe configurationProbe(ConfigurationDocuments documents) {
    return new ConfigurationProbe(documents);
  }

  @Bean(destroyMethod = "shutdownNow")
  ScheduledExecutorService configurationPublisher(ConfigurationDocuments documents) {
    ScheduledExecutorService timer =
        Executors.newSingleThreadScheduledExecutor(
            DaemonThreads.named("configuration-publisher"));
    timer.scheduleWithFixedDelay(
        () -> {
          try {
            documents.publishAll();
          } catch (RuntimeException e) {
            log.warn("could not publish the stored configuration ({}); trying again in {}", e.toString(), REPUBLISH_EVERY);
          }
        },
        0,
        REPUBLISH_EVERY.toSeconds(),
        TimeUnit.SECONDS);
    return timer;
  }
}
