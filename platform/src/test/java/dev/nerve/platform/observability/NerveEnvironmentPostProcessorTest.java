package dev.nerve.platform.observability;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringApplication;
import org.springframework.mock.env.MockEnvironment;

class NerveEnvironmentPostProcessorTest {

  private final NerveEnvironmentPostProcessor processor = new NerveEnvironmentPostProcessor();

  @Test
  void jsonLogFormatSelectsEcsStructuredConsoleLogs() {
    MockEnvironment environment = new MockEnvironment().withProperty("nerve.log-format", "JSON");

    processor.postProcessEnvironment(environment, new SpringApplication());

    assertThat(environment.getProperty("logging.structured.format.console")).isEqualTo("ecs");
  }

  @Test
  void textLogFormatLeavesLoggingAlone() {
    MockEnvironment environment = new MockEnvironment();

    processor.postProcessEnvironment(environment, new SpringApplication());

    assertThat(environment.getProperty("logging.structured.format.console")).isNull();
    assertThat(environment.getProperty("management.opentelemetry.tracing.export.otlp.endpoint"))
        .isNull();
    assertThat(environment.getProperty("management.otlp.metrics.export.enabled")).isEqualTo("false");
  }

  @Test
  void otlpEndpointTurnsOnTraceAndMetricExport() {
    MockEnvironment environment =
        new MockEnvironment().withProperty("nerve.otlp-endpoint", "http://collector:4318/");

    processor.postProcessEnvironment(environment, new SpringApplication());

    assertThat(environment.getProperty("management.opentelemetry.tracing.export.otlp.endpoint"))
        .isEqualTo("http://collector:4318/v1/traces");
    assertThat(environment.getProperty("management.otlp.metrics.export.url"))
        .isEqualTo("http://collector:4318/v1/metrics");
    assertThat(environment.getProperty("management.otlp.metrics.export.enabled")).isEqualTo("true");
  }
}
