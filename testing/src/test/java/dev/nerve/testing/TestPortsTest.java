package dev.nerve.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.InetAddress;
import java.net.ServerSocket;
import org.junit.jupiter.api.Test;

/** The ports tests hand to servers cannot be taken by a loopback connection before they bind. */
class TestPortsTest {

  @Test
  void portsComeFromBelowTheEphemeralRangeAndAreFree() throws Exception {
    int ephemeralLow = TestPorts.ephemeralRangeStart();
    assertThat(ephemeralLow).isGreaterThan(1024);
    assumeTrue(ephemeralLow > TestPorts.LOWEST + 1_000, "no room below the ephemeral range starting at " + ephemeralLow);
    for (int i = 0; i < 20; i++) {
      int port = TestPorts.free();
      assertThat(port).isBetween(TestPorts.LOWEST, ephemeralLow - 1);
      try (ServerSocket bound = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
        assertThat(bound.getLocalPort()).isEqualTo(port);
      }
    }
  }
}
