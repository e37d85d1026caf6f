package dev.nerve.platform.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A server that lost its port to another process's bind starts on another port. */
class LoopbackPortsTest {

  /** The other process: it binds ports before the server does. */
  private final PortTaker taker = new PortTaker();

  @AfterEach
  void release() throws IOException {
    taker.close();
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
