package dev.nerve.platform.outbound;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

class OutboundConfigurationTest {

  private final ApplicationContextRunner runner =
      new ApplicationContextRunner()
          .withConfiguration(AutoConfigurations.of(OutboundConfiguration.class));

  @Test
  void safeDefaults() {
    runner.run(
        context -> {
          assertThat(context).hasBean("outboundGuard").hasBean("guardedHttpClient");
          OutboundPolicy policy = context.getBean(OutboundGuard.class).policy();
          assertThat(policy).isEqualTo(OutboundPolicy.defaults());
          assertThat(context.getBean(GuardedHttpClient.class).guard())
              .isSameAs(context.getBean(OutboundGuard.class));
        });
  }

  @Test
  void propertiesBecomeThePolicy() {
    runner
        .withPropertyValues(
            "nerve.outbound.allow-cidrs=10.0.0.0/8, 127.0.0.1:11434",
            "nerve.outbound.allow-hosts=*.corp.example.com,",
            "nerve.outbound.max-redirects=2",
            "nerve.outbound.max-response-bytes=1MB",
            "nerve.outbound.connect-timeout=2s",
            "nerve.outbound.default-timeout=1m")
        .run(
            context -> {
              OutboundPolicy policy = context.getBean(OutboundGuard.class).policy();
              assertThat(policy.allowCidrs()).map(AllowedNetwork::toString)
                  .containsExactly("10.0.0.0/8", "127.0.0.1/32:11434");
              assertThat(policy.allowHosts()).map(AllowedHost::toString).containsExactly("*.corp.example.com");
              assertThat(policy.maxRedirects()).isEqualTo(2);
              assertThat(policy.maxResponseBytes()).isEqualTo(1024 * 1024);
              assertThat(policy.connectTimeout()).isEqualTo(Duration.ofSeconds(2));
              assertThat(policy.defaultTimeout()).isEqualTo(Duration.ofMinutes(1));
            });
  }

  @Test
  void aMalformedEntryFailsTheStartNamingIt() {
    runner
        .withPropertyValues("nerve.outbound.allow-cidrs=10.0.0.0/40")
        .run(context -> assertThat(context).hasFailed().getFailure().rootCause()
            .hasMessageContaining("allow-cidrs entry '10.0.0.0/40'"));
  }
}
