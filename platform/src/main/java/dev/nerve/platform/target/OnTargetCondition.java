package dev.nerve.platform.target;

import java.util.Map;
import org.springframework.context.annotation.Condition;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.core.type.AnnotatedTypeMetadata;

/** Evaluates {@link ConditionalOnTarget} against {@code nerve.targets}. */
final class OnTargetCondition implements Condition {

  @Override
  public boolean matches(ConditionContext context, AnnotatedTypeMetadata metadata) {
    Map<String, Object> attributes =
        metadata.getAnnotationAttributes(ConditionalOnTarget.class.getName());
    if (attributes == null) {
      return false;
    }
    Target target = (Target) attributes.get("value");
    return TargetSelection.parse(context.getEnvironment().getProperty("nerve.targets"))
        .runs(target);
  }
}
