package dev.nerve.memory;

import dev.nerve.memory.context.ContextConfiguration;
import dev.nerve.memory.embedding.EmbeddingConfiguration;
import dev.nerve.memory.events.EventsConfiguration;
import dev.nerve.memory.longterm.LongTermConfiguration;
import dev.nerve.memory.shortterm.ShortTermConfiguration;
import dev.nerve.memory.support.Inputs;
import dev.nerve.memory.support.MemoryEvents;
import dev.nerve.platform.storage.ServiceSchema;
import dev.nerve.platform.target.ConditionalOnTarget;
import dev.nerve.platform.target.Target;
import io.lettuce.core.api.StatefulRedisConnection;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;

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

  @Bean
  MemoryEvents memoryEvents(StatefulRedisConnection<String, String> redis) {
    return new MemoryEvents(redis);
  }

}
