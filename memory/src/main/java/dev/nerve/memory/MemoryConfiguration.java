package dev.nerve.memory;

import dev.nerve.api.memory.v1.ShortTermMemoryServiceGrpc;
import dev.nerve.api.memory.v1.LongTermMemoryServiceGrpc;
import dev.nerve.api.memory.v1.ContextServiceGrpc;
import dev.nerve.platform.grpc.TargetService;
import dev.nerve.platform.storage.ServiceSchema;
import dev.nerve.platform.target.ConditionalOnTarget;
import dev.nerve.platform.target.Target;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.context.annotation.Bean;

/**
 * Registers the memory target: short-term, long-term and context memory: its schema and its gRPC contracts, which answer UNIMPLEMENTED until the
 * service's implementation ships.
 */
@AutoConfiguration
@ConditionalOnTarget(Target.MEMORY)
public class MemoryConfiguration {

  @Bean
  ServiceSchema memorySchema() {
    return new ServiceSchema(Target.MEMORY);
  }

  @Bean
  TargetService shortTermMemoryService() {
    return TargetService.unimplemented(Target.MEMORY, ShortTermMemoryServiceGrpc.getServiceDescriptor());
  }

  @Bean
  TargetService longTermMemoryService() {
    return TargetService.unimplemented(Target.MEMORY, LongTermMemoryServiceGrpc.getServiceDescriptor());
  }

  @Bean
  TargetService contextService() {
    return TargetService.unimplemented(Target.MEMORY, ContextServiceGrpc.getServiceDescriptor());
  }
}
