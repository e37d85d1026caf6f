package dev.nerve.memory.events;

import dev.nerve.platform.grpc.TargetService;
import dev.nerve.platform.target.Target;
import io.lettuce.core.RedisClient;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Memory events: the feed of this replica and the streaming RPC that serves it. */
@Configuration(proxyBeanMethods = false)
public class EventsConfiguration {

  @Bean(destroyMethod = "close")
  MemoryEventFeed memoryEventFeed(RedisClient redis) {
    return new MemoryEventFeed(redis);
  }

  @Bean
  TargetService memoryEventService(MemoryEventFeed feed) {
    return new TargetService(Target.MEMORY, new MemoryEventGrpcService(feed));
  }
}
