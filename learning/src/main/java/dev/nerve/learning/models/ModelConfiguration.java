package dev.nerve.learning.models;

import dev.nerve.learning.LearningProperties;
import dev.nerve.learning.support.BackgroundJobs;
import dev.nerve.learning.support.LearningEvents;
import dev.nerve.platform.grpc.TargetService;
import dev.nerve.platform.target.Target;
import java.util.function.Consumer;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionTemplate;

/** Wires models: storage, training jobs, the prediction cache and the ModelService contract. */
@Configuration(proxyBeanMethods = false)
public class ModelConfiguration {

  @Bean
  ModelRepository modelRepository(JdbcTemplate jdbc) {
    return new ModelRepository(jdbc);
  }

  @Bean
  TrainingData trainingData(ModelRepository repository, LearningProperties properties) {
    LearningProperties.Models models = properties.models();
    return new TrainingData(repository, new TabularData.Limits(models.maxTrainingRows(), models.maxFeatures(), 1000));
  }

  @Bean
  TrainingJobs trainingJobs(
      ModelRepository repository, TrainingData data, TransactionTemplate tx, ObjectProvider<BackgroundJobs> jobs, LearningEvents events) {
    return new TrainingJobs(repository, data, tx, jobs::getObject, events);
  }

  @Bean
  BackgroundJobs.Runner trainingRunner(TrainingJobs jobs) {
    return new BackgroundJobs.Runner(TrainingJobs.TASK, (Consumer<String>) jobs::run);
  }

  @Bean
  ModelCache modelCache(ModelRepository repository, LearningProperties properties, LearningEvents events) {
    return new ModelCache(repository, properties.models().cacheSize(), events);
  }

  @Bean(destroyMethod = "close")
  TrainingWatch trainingWatch(LearningEvents events) {
    return new TrainingWatch(events);
  }

  @Bean
  TargetService modelService(
      ModelRepository repository,
      TrainingJobs training,
      TrainingData data,
      ModelCache cache,
      TrainingWatch watch,
      LearningEvents events,
      TransactionTemplate tx,
      LearningProperties properties) {
    return new TargetService(
        Target.LEARNING,
        new ModelGrpcService(repository, training, data, cache, watch, events, tx, properties.models().maxPredictBatch()));
  }
}
