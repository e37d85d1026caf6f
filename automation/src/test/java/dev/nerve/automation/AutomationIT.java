package dev.nerve.automation;

import dev.nerve.platform.grpc.ChannelFactory;
import dev.nerve.platform.identity.Identity;
import org.junit.jupiter.api.BeforeEach;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Import;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Base of the automation integration tests: all share one application context (the automation
 * target with the test action kinds, fake memory and SDK services, loopback allowed for
 * http.request, and a {@link TestClock} as the task scheduling clock), so one engine serves the test
 * database, as in a one-replica deployment.
 */
@SpringBootTest(
    classes = AutomationTestApplication.class,
    webEnvironment = SpringBootTest.WebEnvironment.NONE,
    properties = {
      "nerve.targets=automation",
      "nerve.automation.engine.poll-interval=50ms",
      "nerve.automation.tasks.misfire-threshold=2s",
      "nerve.outbound.allow-cidrs=127.0.0.1"
    })
@Import({TestKinds.class, TestClock.class})
public abstract class AutomationIT {

  /** Fake memory and SDK services every context of this JVM points at. */
  public static final FakeServices FAKES = new FakeServices();

  @DynamicPropertySource
  static void routes(DynamicPropertyRegistry registry) {
    registry.add("nerve.services.memory.address", FAKES::address);
    registry.add("nerve.services.sdk.address", FAKES::address);
  }

  @Autowired protected ChannelFactory channels;
  @Autowired protected JdbcClient jdbc;
  @Autowired protected TestClock clock;

  protected AutomationTests t;
  protected Identity alice;

  @BeforeEach
  void automationFixture() {
    t = new AutomationTests(channels);
    alice = AutomationTests.operator(AutomationTests.freshTenant());
  }
}
