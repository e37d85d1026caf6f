package dev.nerve.learning.patterns;

import dev.nerve.learning.LearningProperties;
import dev.nerve.learning.activity.ActivityRepository;
import dev.nerve.learning.support.BackgroundJobs;
import dev.nerve.platform.grpc.TargetService;
import dev.nerve.platform.target.Target;
import java.util.function.Consumer;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionTemplate;

/** Wires pattern mining: storage, background mining jobs and the PatternService contract. */
@Configuration(proxyBeanMethods = false)
public class PatternConfiguration {

  @Bean
  PatternRepository patternRepository(JdbcTemplate jdbc) {
    return new PatternRepository(jdbc);
  }

  @Bean
  Identification patternIdentification(ActivityRepository activity, PatternRepository patterns, LearningProperties properties) {
    return new Identification(activity, patterns, properties.patterns());
  }

  @Bean
  MiningJobs miningJobs(JdbcTemplate jdbc, TransactionTemplate tx, ObjectProvider<BackgroundJobs> jobs, Identification identification) {
    return new MiningJobs(jdbc, tx, jobs::getObject, identification);
  }

  /** The runner of large identifications, registered with the background jobs by name. */
  @Bean
  BackgroundJobs.Runner miningRunner(MiningJobs jobs) {
    return new BackgroundJobs.Runner(MiningJobs.TASK, (Consumer<String>) jobs::run);
  }

  @Bean
  TargetService patternService(Identification identification, PatternRepository repository, MiningJobs jobs) {
    return new TargetService(Target.LEARNING, new PatternGrpcService(identification, repository, jobs));
  }
}
