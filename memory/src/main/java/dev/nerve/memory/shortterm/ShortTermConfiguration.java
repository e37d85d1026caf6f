package dev.nerve.memory.shortterm;

import dev.nerve.memory.MemoryProperties;
import dev.nerve.memory.support.Inputs;
import dev.nerve.platform.grpc.TargetService;
import dev.nerve.platform.target.Target;
import io.lettuce.core.api.StatefulRedisConnection;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Wires working memory (Redis) and its gRPC service. */
@Configuration(proxyBeanMethods = false)
public class ShortTermConfiguration {

  @Bean
  ShortTermMemory shortTermMemory(
      StatefulRedisConnection<String, String> redis, MemoryProperties properties) {
    return new ShortTermMemory(new ShortTermStore(redis), properties.shortTerm());
  }

  @Bean
  TargetService shortTermMemoryService(
      ShortTermMemory memory, Promotion promotion, Inputs inputs, MemoryProperties properties) {
    return new TargetService(
        Target.MEMORY,
        new ShortTermGrpcService(memory, promotion, inputs, properties.shortTerm()));
  }
}
