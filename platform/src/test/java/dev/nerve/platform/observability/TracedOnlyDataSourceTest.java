package dev.nerve.platform.observability;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.observation.ObservationRegistry;
import io.micrometer.tracing.Tracer;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.sql.DataSource;
import net.ttddyy.observation.boot.autoconfigure.DataSourceNameResolver;
import net.ttddyy.observation.boot.autoconfigure.DataSourceObservationAutoConfiguration;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.jdbc.datasource.SimpleDriverDataSource;

class TracedOnlyDataSourceTest {

  @Test
  void theDataSourceBeanIsTheObservingProxyBehindTheSampledSwitch() {
    SimpleDriverDataSource pool = new SimpleDriverDataSource();
    new ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(MetricsConfiguration.class, DataSourceObservationAutoConfiguration.class))
        .withBean(ObservationRegistry.class, ObservationRegistry::create)
        .withBean(Tracer.class, () -> Tracer.NOOP)
        // The default resolver names a data source by connecting to it; this one needs no server.
        .withBean(DataSourceNameResolver.class, () -> (name, dataSource) -> name)
        .withBean("dataSource", DataSource.class, () -> pool)
        .run(context -> {
          assertThat(context).hasNotFailed();
          DataSource bean = context.getBean(DataSource.class);
          assertThat(bean).isInstanceOf(TracedOnlyDataSource.class);
          TracedOnlyDataSource switching = (TracedOnlyDataSource) bean;
          // No span is current, so no sampled trace: the pool's own data source.
          assertThat(switching.current()).isSameAs(pool);
          assertThat(bean.unwrap(SimpleDriverDataSource.class)).isSameAs(pool);
        });
  }

  @Test
  void usesTheProxyOnlyWhileTheTraceIsSampled() {
    DataSource plain = new SimpleDriverDataSource();
    DataSource traced = new SimpleDriverDataSource();
    AtomicBoolean sampled = new AtomicBoolean();
    TracedOnlyDataSource switching = new TracedOnlyDataSource(traced, plain, sampled::get);
    assertThat(switching.current()).isSameAs(plain);
    sampled.set(true);
    assertThat(switching.current()).isSameAs(traced);
  }
}
