package dev.nerve.platform.embedded;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.function.IntFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Free loopback ports for the servers Nerve starts itself (embedded Redis): picked as any server
 * picks "a free port", from the kernel's ephemeral range, so a server that runs for days never
 * sits on the registered port of a service started after it. Another process can bind the port
 * between the pick and the server's own bind, so {@link #startOnFreePort} starts the server again
 * on another port when its start failed because the port was taken.
 */
public final class LoopbackPorts {

  /** Starts tried by {@link #startOnFreePort}, each on a newly picked port. */
  private static final int ATTEMPTS = 3;

  private static final Logger log = LoggerFactory.getLogger(LoopbackPorts.class);

  private LoopbackPorts() {}

  /** A loopback port free at the time of the call, from the ephemeral range. */
  public static int free() {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException("no free loopback port", e);
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

  /** Whether the loopback port can be bound right now. */
  public static boolean bindable(int port) {
    try {
      new ServerSocket(port, 1, InetAddress.getLoopbackAddress()).close();
      return true;
    } catch (IOException taken) {
      return false;
    }
  }
}
