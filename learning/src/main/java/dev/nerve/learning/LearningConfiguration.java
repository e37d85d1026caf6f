package dev.nerve.learning;

import dev.nerve.api.learning.v1.PatternServiceGrpc;
import dev.nerve.api.learning.v1.PreferenceServiceGrpc;
import dev.nerve.api.learning.v1.ModelServiceGrpc;
import dev.nerve.platform.grpc.TargetService;
import dev.nerve.platform.storage.ServiceSchema;
import dev.nerve.platform.target.ConditionalOnTarget;
import dev.nerve.platform.target.Target;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.context.annotation.Bean;

/**
 * Registers the learning target: patterns, preferences and models: its schema and its gRPC contracts, which answer UNIMPLEMENTED until the
 * service's implementation ships.
 */
@AutoConfiguration
@ConditionalOnTarget(Target.LEARNING)
public class LearningConfiguration {

  @Bean
  ServiceSchema learningSchema() {
    return new ServiceSchema(Target.LEARNING);
  }

  @Bean
  TargetService patternService() {
    return TargetService.unimplemented(Target.LEARNING, PatternServiceGrpc.getServiceDescriptor());
  }

  @Bean
  TargetService preferenceService() {
    return TargetService.unimplemented(Target.LEARNING, PreferenceServiceGrpc.getServiceDescriptor());
  }

  @Bean
  TargetService modelService() {
    return TargetService.unimplemented(Target.LEARNING, ModelServiceGrpc.getServiceDescriptor());
  }
}
