package dev.nerve.platform.activity;

import dev.nerve.platform.grpc.ChannelFactory;
import javax.sql.DataSource;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;

/** Activity outboxes for every process: producers open theirs from {@link ActivityOutboxes}. */
@AutoConfiguration(
    afterName = {
      "dev.nerve.platform.storage.StorageConfiguration",
      "dev.nerve.platform.grpc.GrpcConfiguration"
    })
@EnableConfigurationProperties(ActivityProperties.class)
public class ActivityConfiguration {

  @Bean
  ActivityOutboxes activityOutboxes(DataSource dataSource, ChannelFactory channels, ActivityProperties properties) {
    return new ActivityOutboxes(dataSource, channels, properties);
  }
}
