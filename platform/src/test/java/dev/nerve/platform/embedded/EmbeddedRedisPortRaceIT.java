package dev.nerve.platform.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nerve.platform.redis.EmbeddedRedisServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A zero-config Redis whose port another process binds first (between the pick and the server's
 * own bind) starts on another port instead of failing. (PostgreSQL cannot be started again in the
 * same JVM after such a failure: zonky keeps its data directory lock.)
 */
class EmbeddedRedisPortRaceIT {

  @TempDir Path dataDir;

  /** The other process: it binds ports before the server does. */
  private final PortTaker taker = new PortTaker();

  @AfterEach
  void release() throws IOException {
    taker.close();
  }

  @Test
  void redisStartsOnAnotherPortWhenItsPortWasTaken() throws Exception {
    List<Integer> tried = new ArrayList<>();
    long start = System.nanoTime();
    try (EmbeddedRedisServer redis =
        LoopbackPorts.startOnFreePort(port -> EmbeddedRedisServer.start(dataDir.resolve("redis"), takenFirst(tried, port)))) {
      int port = URI.create(redis.endpoint().uri()).getPort();
      assertThat(tried).hasSize(2);
      assertThat(port).isEqualTo(tried.get(1));
      assertThat(ping(port)).isEqualTo("+PONG");
      // The first server's exit was seen when it happened, not after the 20 s startup wait.
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(15));
    }
  }

  private static String ping(int port) throws IOException {
    try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
      socket.setSoTimeout(2_000);
      socket.getOutputStream().write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
      return new String(socket.getInputStream().readNBytes(5), StandardCharsets.US_ASCII);
    }
  }

  /** Records the port and, the first time, binds it as another process would. */
  private int takenFirst(List<Integer> tried, int port) {
    tried.add(port);
    if (tried.size() == 1) {
      taker.take(port);
    }
    return port;
  }
}
