package dev.nerve.memory.context;

import dev.nerve.memory.MemoryProperties;
import dev.nerve.memory.support.Inputs;
import dev.nerve.memory.support.MemoryEvents;
import dev.nerve.memory.support.MemoryGates;
import dev.nerve.platform.grpc.TargetService;
import dev.nerve.platform.idempotency.IdempotencyKeys;
import dev.nerve.platform.redis.RedisCircuit;
import dev.nerve.platform.target.Target;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;

/** Wires contexts (PostgreSQL, cached in Redis and in each replica) and their gRPC service. */
@Configuration(proxyBeanMethods = false)
public class ContextConfiguration {

  @Bean(destroyMethod = "close")
  ContextCache contextCache(
      RedisClient client,
      StatefulRedisConnection<String, String> redis,
      MemoryProperties properties,
      RedisCircuit circuit,
      ObjectProvider<MeterRegistry> meters) {
    return new ContextCache(
        client,
        redis,
        properties.context().cacheTtl(),
        properties.context().localCacheSize(),
        circuit,
        meters.getIfAvailable(SimpleMeterRegistry::new));
  }

  @Bean
  Contexts contexts(
      JdbcClient jdbc, ContextCache cache, TransactionTemplate tx, MemoryEvents events, Inputs inputs) {
    return new Contexts(new ContextRepository(jdbc), cache, tx, events, inputs);
  }

  @Bean
  TargetService contextService(
      Contexts contexts, Inputs inputs, IdempotencyKeys idempotency, MemoryGates gates) {
    return new TargetService(
        Target.MEMORY, gates.guardWrites(new ContextGrpcService(contexts, inputs, idempotency)));
  }
}
