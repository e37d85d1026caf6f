package dev.nerve.learning.activity;

import dev.nerve.learning.LearningProperties;
import dev.nerve.platform.grpc.TargetService;
import dev.nerve.platform.target.Target;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionTemplate;

/** Wires the activity stream: its repository and the ActivityService contract. */
@Configuration(proxyBeanMethods = false)
public class ActivityConfiguration {

  @Bean
  ActivityRepository activityRepository(JdbcTemplate jdbc) {
    return new ActivityRepository(jdbc);
  }

  @Bean
  TargetService activityService(
      ActivityRepository repository, JdbcTemplate jdbc, TransactionTemplate tx, LearningProperties properties) {
    ForgottenUsers forgotten = new ForgottenUsers(jdbc);
    return new TargetService(
        Target.LEARNING,
        new ActivityGrpcService(
            repository,
            new ActivityIntake(repository, forgotten, tx),
            new LearningUserEraser(jdbc, tx, forgotten),
            properties.activity().maxBatch()));
  }
}
