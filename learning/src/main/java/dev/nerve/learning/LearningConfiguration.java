package dev.nerve.learning;

import dev.nerve.learning.activity.ActivityConfiguration;
import dev.nerve.learning.activity.ActivityRepository;
import dev.nerve.learning.models.ModelConfiguration;
import dev.nerve.learning.patterns.PatternConfiguration;
import dev.nerve.learning.preferences.PreferenceConfiguration;
import dev.nerve.learning.support.BackgroundJobs;
import dev.nerve.learning.support.LearningEvents;
import dev.nerve.platform.storage.ServiceSchema;
import dev.nerve.platform.target.ConditionalOnTarget;
import dev.nerve.platform.target.Target;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;

/**
 * The learning target: its schema, the activity stream, pattern mining, preference learning and
 * models, each wired by its own configuration, plus what they share: the background jobs
 * (training, large mining runs, the activity retention purge) and the replicas' event channel.
 */
@AutoConfiguration
@ConditionalOnTarget(Target.LEARNING)
@EnableConfigurationProperties(LearningProperties.class)
@Import({ActivityConfiguration.class, PatternConfiguration.class, PreferenceConfiguration.class, ModelConfiguration.class})
public class LearningConfiguration {

  private static final Logger log = LoggerFactory.getLogger(LearningConfiguration.class);

  /** db-scheduler name of the retention purge. */
  static final String RETENTION_TASK = "learning-activity-retention";

  @Bean
  ServiceSchema learningSchema() {
    return new ServiceSchema(Target.LEARNING);
  }

  @Bean(destroyMethod = "close")
  LearningEvents learningEvents(RedisClient client, StatefulRedisConnection<String, String> redis) {
    return new LearningEvents(client, redis);
  }

  @Bean
  BackgroundJobs learningJobs(
      DataSource dataSource, LearningProperties properties, List<BackgroundJobs.Runner> runners, ActivityRepository activity) {
    Duration retention = properties.activity().retention();
    Runnable purge =
        () -> {
          long deleted = activity.purgeBefore(java.time.Instant.now().minus(retention));
          if (deleted > 0) {
            log.info("deleted {} activity events older than {}", deleted, retention);
          }
        };
    return new BackgroundJobs(dataSource, properties.jobs(), runners, Map.of(RETENTION_TASK, Map.entry(Duration.ofHours(1), purge)));
  }
}
