package dev.nerve.platform.embedded;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.IntFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Free loopback ports for a server that another process will bind (embedded PostgreSQL and Redis,
 * child processes in tests). A port is drawn from below the kernel's ephemeral range when there is
 * room: a port from that range (what binding port 0 hands out) can be taken by any outgoing
 * connection or port-0 bind on the machine between this check and the server's own bind, and
 * was ("Port ... was already in use"). Ports below the range are only ever taken by an explicit
 * bind, and {@link #startOnFreePort} starts a server again on another port when one was.
 */
public final class LoopbackPorts {

  /** Lowest port handed out: above the registered services most machines run. */
  static final int LOWEST = 10_000;

  /** Fewest ports between {@link #LOWEST} and the ephemeral range worth drawing from. */
  private static final int ROOM = 1_000;

  /** Starts tried by {@link #startOnFreePort}, each on a newly drawn port. */
  private static final int ATTEMPTS = 3;

  private static final Logger log = LoggerFactory.getLogger(LoopbackPorts.class);

  private LoopbackPorts() {}

  /** A loopback port free at the time of the call. */
  public static int free() {
    int ephemeralLow = ephemeralRangeStart();
    if (ephemeralLow - LOWEST > ROOM) {
      for (int attempt = 0; attempt < 100; attempt++) {
        int port = LOWEST + ThreadLocalRandom.current().nextInt(ephemeralLow - LOWEST);
        if (bindable(port)) {
          return port;
        }
      }
    }
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException("no free loopback port", e);
    }
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

  /**
   * Starts a server on a free port, and on another one when the start fails and the port has been
   * taken meanwhile (another process bound it between {@link #free()} and the server's bind); any
   * other failure is thrown as it is.
   */
  public static <T> T startOnFreePort(IntFunction<T> start) {
    for (int attempt = 1; ; attempt++) {
      int port = free();
      try {
        return start.apply(port);
      } catch (RuntimeException e) {
        if (attempt == ATTEMPTS || bindable(port)) {
          throw e;
        }
        log.warn("port {} was taken before the server bound it; starting it on another", port);
      }
    }
  }

  private static boolean bindable(int port) {
    try {
      new ServerSocket(port, 1, InetAddress.getLoopbackAddress()).close();
      return true;
    } catch (IOException taken) {
      return false;
    }
  }
}
