package dev.nerve.platform.observability;

import io.micrometer.tracing.Span;
import io.micrometer.tracing.Tracer;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import javax.sql.DataSource;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanPostProcessor;

/**
 * Puts every data source that datasource-micrometer wrapped into its observing proxy behind a
 * {@link TracedOnlyDataSource}, which uses the proxy only inside a sampled trace. It remembers each
 * data source as it was before initialization and, after every wrapper ran (it is registered after
 * datasource-micrometer's post-processor), pairs it with what the bean became.
 */
final class TracedOnlyDataSources implements BeanPostProcessor {

  private final ObjectProvider<Tracer> tracer;
  private final Map<String, DataSource> plain = new ConcurrentHashMap<>();
  /** The tracer, looked up once it exists (a lookup per connection costs more than the check). */
  private volatile Tracer resolved;

  TracedOnlyDataSources(ObjectProvider<Tracer> tracer) {
    this.tracer = tracer;
  }

  @Override
  public Object postProcessBeforeInitialization(Object bean, String name) {
    if (bean instanceof DataSource dataSource) {
      plain.put(name, dataSource);
    }
    return bean;
  }

  @Override
  public Object postProcessAfterInitialization(Object bean, String name) {
    DataSource before = plain.remove(name);
    if (before != null && bean != before && bean instanceof DataSource traced) {
      return new TracedOnlyDataSource(traced, before, this::sampled);
    }
    return bean;
  }

  private boolean sampled() {
    Tracer current = resolved;
    if (current == null) {
      current = tracer.getIfAvailable();
      resolved = current;
    }
    Span span = current == null ? null : current.currentSpan();
    return span != null && Boolean.TRUE.equals(span.context().sampled());
  }
}
