package dev.nerve.platform.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Ports for servers other processes bind cannot be taken by an outgoing connection before they
 * bind, and a server that lost its port to another bind anyway starts on another one.
 */
class LoopbackPortsTest {

  /** The other process: it binds ports before the server does. */
  private final PortTaker taker = new PortTaker();

  @AfterEach
  void release() throws IOException {
    taker.close();
  }

  @Test
  void portsComeFromBelowTheEphemeralRangeAndAreFree() throws Exception {
    int ephemeralLow = LoopbackPorts.ephemeralRangeStart();
    assertThat(ephemeralLow).isGreaterThan(1024);
    assumeTrue(ephemeralLow > LoopbackPorts.LOWEST + 1_000, "no room below the ephemeral range starting at " + ephemeralLow);
    for (int i = 0; i < 20; i++) {
      int port = LoopbackPorts.free();
      assertThat(port).isBetween(LoopbackPorts.LOWEST, ephemeralLow - 1);
      try (ServerSocket bound = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
        assertThat(bound.getLocalPort()).isEqualTo(port);
      }
    }
  }

  @Test
  void aServerWhosePortWasTakenStartsOnAnother() {
    List<Integer> tried = new ArrayList<>();
    int started =
        LoopbackPorts.startOnFreePort(
            port -> {
              tried.add(port);
              if (tried.size() == 1) {
                taker.take(port);
                throw new IllegalStateException("could not bind: Address already in use");
              }
              return port;
            });

    assertThat(tried).hasSize(2);
    assertThat(started).isEqualTo(tried.get(1)).isNotEqualTo(tried.get(0));
  }

  @Test
  void anyOtherFailureIsThrownAtOnce() {
    List<Integer> tried = new ArrayList<>();
    assertThatThrownBy(
            () ->
                LoopbackPorts.startOnFreePort(
                    port -> {
                      tried.add(port);
                      throw new IllegalStateException("the binary is missing");
                    }))
        .hasMessage("the binary is missing");
    assertThat(tried).hasSize(1);
  }

  @Test
  void aPortLostEveryTimeEndsAfterThreeStarts() {
    List<Integer> tried = new ArrayList<>();
    assertThatThrownBy(
            () ->
                LoopbackPorts.startOnFreePort(
                    port -> {
                      tried.add(port);
                      taker.take(port);
                      throw new IllegalStateException("could not bind " + port);
                    }))
        .hasMessageStartingWith("could not bind");
    assertThat(tried).hasSize(3).doesNotHaveDuplicates();
  }
}
