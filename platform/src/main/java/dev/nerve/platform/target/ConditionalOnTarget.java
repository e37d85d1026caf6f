package dev.nerve.platform.target;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.springframework.context.annotation.Conditional;

/** Activates a module's configuration only when its target is selected in this process. */
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.TYPE, ElementType.METHOD})
@Documented
@Conditional(OnTargetCondition.class)
public @interface ConditionalOnTarget {
  /** The target whose presence enables the annotated configuration. */
  dev.nerve.platform.target.Target value();
}
