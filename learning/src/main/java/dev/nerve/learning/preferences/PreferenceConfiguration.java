package dev.nerve.learning.preferences;

import dev.nerve.learning.LearningProperties;
import dev.nerve.learning.activity.ActivityRepository;
import dev.nerve.platform.grpc.TargetService;
import dev.nerve.platform.target.Target;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionTemplate;

/** Wires preference learning and the PreferenceService contract. */
@Configuration(proxyBeanMethods = false)
public class PreferenceConfiguration {

  @Bean
  TargetService preferenceService(
      JdbcTemplate jdbc, TransactionTemplate tx, ActivityRepository activity, LearningProperties properties) {
    PreferenceStore store = new PreferenceStore(jdbc, properties.preferences().halfLife());
    return new TargetService(
        Target.LEARNING,
        new PreferenceGrpcService(new PreferenceLearning(store, tx), store, activity, properties.preferences().maxSignals()));
  }
}
