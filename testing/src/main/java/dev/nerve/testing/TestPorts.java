package dev.nerve.testing;

import dev.nerve.platform.embedded.LoopbackPorts;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Free loopback ports for servers a test starts on a port it picks (child {@code nerve}
 * processes, a PostgreSQL restarted on the same port): drawn from below the kernel's ephemeral
 * range when there is room. A port from that range (what binding port 0 hands out) can be taken
 * by any loopback connection or port-0 bind between the pick and the server's bind (the child's
 * own embedded servers pick theirs there), and was ("Port ... was already in use" in
 * SplitTopologyIT and ExecutableIT). Below the range only an explicit bind takes a port; test
 * servers live for seconds, so they cannot keep another service's registered port from it.
 */
public final class TestPorts {

  /** Lowest port handed out: above the registered services most machines run. */
  public static final int LOWEST = 10_000;

  /** Fewest ports between {@link #LOWEST} and the ephemeral range worth drawing from. */
  private static final int ROOM = 1_000;

  private TestPorts() {}

  /** A free loopback port, from below the ephemeral range where there is room. */
  public static int free() {
    int ephemeralLow = ephemeralRangeStart();
    if (ephemeralLow - LOWEST > ROOM) {
      for (int attempt = 0; attempt < 100; attempt++) {
        int port = LOWEST + ThreadLocalRandom.current().nextInt(ephemeralLow - LOWEST);
        if (LoopbackPorts.bindable(port)) {
          return port;
        }
      }
    }
    return LoopbackPorts.free();
  }

  /** First port of Linux's ephemeral range (32768, its usual value, where it cannot be read). */
  public static int ephemeralRangeStart() {
    // A reader, not Files.readString: /proc files report size 0, and readAllBytes returned "3".
    try (BufferedReader range = Files.newBufferedReader(Path.of("/proc/sys/net/ipv4/ip_local_port_range"))) {
      return Integer.parseInt(range.readLine().trim().split("\\s+")[0]);
    } catch (IOException | RuntimeException e) {
      return 32_768;
    }
  }
}
