package dev.nerve.testing;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.MutablePropertySources;
import org.springframework.test.context.support.TestPropertySourceUtils;
import org.springframework.test.context.ContextConfigurationAttributes;
import org.springframework.test.context.ContextCustomizer;
import org.springframework.test.context.ContextCustomizerFactory;

/**
 * Points every Spring test context at the shared {@link TestServers} and keeps it off fixed ports,
 * so no test repeats that wiring. Properties a test sets itself still win.
 */
public final class NerveTestContextCustomizerFactory implements ContextCustomizerFactory {

  @Override
  public ContextCustomizer createContextCustomizer(
      Class<?> testClass, List<ContextConfigurationAttributes> configAttributes) {
    return new Customizer();
  }

  private static final class Customizer implements ContextCustomizer {

    @Override
    public void customizeContext(
        org.springframework.context.ConfigurableApplicationContext context,
        org.springframework.test.context.MergedContextConfiguration merged) {
      Map<String, Object> properties = new HashMap<>(TestServers.applicationProperties());
      MutablePropertySources sources = context.getEnvironment().getPropertySources();
      MapPropertySource source = new MapPropertySource("nerveTestServers", properties);
      // Above application.yml, below properties a test declares itself.
      if (sources.contains(TestPropertySourceUtils.INLINED_PROPERTIES_PROPERTY_SOURCE_NAME)) {
        sources.addAfter(TestPropertySourceUtils.INLINED_PROPERTIES_PROPERTY_SOURCE_NAME, source);
      } else {
        sources.addFirst(source);
      }
    }

    @Override
    public boolean equals(Object other) {
      return other instanceof Customizer;
    }

    @Override
    public int hashCode() {
      return Customizer.class.hashCode();
    }
  }
}
