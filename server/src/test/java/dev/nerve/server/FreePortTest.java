package dev.nerve.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.InetAddress;
import java.net.ServerSocket;
import org.junit.jupiter.api.Test;

/** The ports handed to child processes cannot be taken by an outgoing connection before they bind. */
class FreePortTest {

  @Test
  void portsComeFromBelowTheEphemeralRangeAndAreFree() throws Exception {
    int ephemeralLow = NerveProcess.ephemeralRangeStart();
    assertThat(ephemeralLow).isGreaterThan(1024);
    assumeTrue(ephemeralLow > 11_000, "no room below the ephemeral range starting at " + ephemeralLow);
    for (int i = 0; i < 20; i++) {
      int port = NerveProcess.freePort();
      assertThat(port).isBetween(10_000, ephemeralLow - 1);
      try (ServerSocket bound = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
        assertThat(bound.getLocalPort()).isEqualTo(port);
      }
    }
  }
}
