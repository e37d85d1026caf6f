package dev.nerve.automation.action;

import dev.nerve.automation.AutomationProperties;
import dev.nerve.automation.cel.CelEngine;
import dev.nerve.automation.support.JsonSchemas;
import dev.nerve.platform.grpc.ChannelFactory;
import dev.nerve.platform.grpc.TargetService;
import dev.nerve.platform.outbound.GuardedHttpClient;
import dev.nerve.platform.target.Target;
import java.util.ArrayList;
import java.util.List;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.simple.JdbcClient;

/** Wires the action registry with its built-in kinds, the runner and the ActionService. */
@Configuration(proxyBeanMethods = false)
public class ActionsConfiguration {

  @Bean
  ActionRegistry automationActionRegistry(
      JdbcClient jdbc,
      CelEngine cel,
      ChannelFactory channels,
      ObjectProvider<EventSink> events,
      GuardedHttpClient http,
      ObjectProvider<ActionKind> extra) {
    List<ActionKind> kinds = new ArrayList<>();
    kinds.add(new HttpRequestKind(http));
    kinds.add(new LogKind());
    kinds.add(new DelayKind());
    kinds.add(new TransformKind(cel));
    kinds.add(new EventEmitKind(events::getObject));
    kinds.add(MemoryKinds.store(channels));
    kinds.add(MemoryKinds.search(channels));
    kinds.add(SdkKinds.call(channels));
    extra.orderedStream().forEach(kinds::add);
    return new ActionRegistry(kinds, id -> SdkKinds.extension(channels, id), new ActionRepository(jdbc));
  }

  @Bean(destroyMethod = "close")
  ActionRunner automationActionRunner(ActionRegistry registry, JsonSchemas schemas, AutomationProperties properties) {
    return new ActionRunner(registry, schemas, properties);
  }

  @Bean
  Actions automationActions(
      ActionRegistry registry, JdbcClient jdbc, ActionRunner runner, JsonSchemas schemas, AutomationProperties properties) {
    return new Actions(registry, new ActionRepository(jdbc), runner, schemas, properties);
  }

  @Bean
  TargetService automationActionService(Actions actions) {
    return new TargetService(Target.AUTOMATION, new ActionGrpcService(actions));
  }
}
