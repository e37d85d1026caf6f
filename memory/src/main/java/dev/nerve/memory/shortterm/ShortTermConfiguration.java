package dev.nerve.memory.shortterm;

import dev.nerve.memory.MemoryProperties;
import dev.nerve.memory.support.Inputs;
import dev.nerve.memory.support.MemoryGates;
import dev.nerve.platform.grpc.TargetService;
import dev.nerve.platform.redis.RedisCircuit;
import dev.nerve.platform.target.Target;
import io.lettuce.core.api.StatefulRedisConnection;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Wires working memory (Redis) and its gRPC service. */
@Configuration(proxyBeanMethods = false)
public class ShortTermConfiguration {

  @Bean
  ShortTermMemory shortTermMemory(
      StatefulRedisConnection<String, String> redis, MemoryProperties properties, RedisCircuit circuit) {
    return new ShortTermMemory(new ShortTermStore(redis, circuit), properties.shortTerm());
  }

  @Bean
  TargetService shortTermMemoryService(
      ShortTermMemory memory,
      Promotion promotion,
      Inputs inputs,
      MemoryProperties properties,
      MemoryGates gates) {
    return new TargetService(
        Target.MEMORY,
        gates.guardWrites(new ShortTermGrpcService(memory, promotion, inputs, properties.shortTerm())));
  }
}
