package dev.nerve.memory;

import dev.nerve.memory.context.ContextConfiguration;
import dev.nerve.memory.embedding.EmbeddingConfiguration;
import dev.nerve.memory.events.EventsConfiguration;
import dev.nerve.memory.longterm.LongTermConfiguration;
import dev.nerve.memory.shortterm.ShortTermConfiguration;
import dev.nerve.memory.support.Inputs;
import dev.nerve.memory.support.MemoryActivity;
import dev.nerve.memory.support.MemoryEvents;
import dev.nerve.platform.activity.ActivityOutbox;
import dev.nerve.platform.activity.ActivityOutboxes;
import dev.nerve.memory.support.MemoryGates;
import dev.nerve.platform.idempotency.IdempotencyKeys;
import dev.nerve.platform.storage.ServiceSchema;
import dev.nerve.platform.target.ConditionalOnTarget;
import dev.nerve.platform.target.Target;
import io.lettuce.core.api.StatefulRedisConnection;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The memory target: its schema, the shared pieces of its features (input limits, events) and the
 * short-term, long-term and context features, each wired by its own configuration.
 */
@AutoConfiguration
@ConditionalOnTarget(Target.MEMORY)
@EnableConfigurationProperties(MemoryProperties.class)
@Import({
  ShortTermConfiguration.class,
  ContextConfiguration.class,
  EmbeddingConfiguration.class,
  LongTermConfiguration.class,
  EventsConfiguration.class
})
public class MemoryConfiguration {

  @Bean
  ServiceSchema memorySchema() {
    return new ServiceSchema(Target.MEMORY);
  }

  @Bean
  Inputs memoryInputs(MemoryProperties properties) {
    return new Inputs(properties.limits());
  }

  /** Idempotency keys of memory's writes, in {@code memory.idempotency_key}. */
  @Bean
  IdempotencyKeys memoryIdempotencyKeys(JdbcClient jdbc) {
    return new IdempotencyKeys(jdbc, "memory");
  }

  @Bean
  MemoryGates memoryGates(MemoryProperties properties, ObjectProvider<MeterRegistry> meters) {
    return new MemoryGates(properties.admission(), meters.getIfAvailable(SimpleMeterRegistry::new));
  }

  @Bean
  MemoryEvents memoryEvents(StatefulRedisConnection<String, String> redis) {
    return new MemoryEvents(redis);
  }

  /** Memory's activity outbox (table {@code memory.activity_outbox}) and its relay to learning. */
  @Bean
  ActivityOutbox memoryActivityOutbox(ActivityOutboxes outboxes) {
    return outboxes.open("memory", "memory");
  }

  @Bean
  MemoryActivity memoryActivity(@Qualifier("memoryActivityOutbox") ActivityOutbox outbox) {
    return new MemoryActivity(outbox.recorder());
  }

}
