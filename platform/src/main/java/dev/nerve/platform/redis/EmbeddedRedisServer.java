package dev.nerve.platform.redis;

import dev.nerve.platform.embedded.DirectoryLock;
import dev.nerve.platform.embedded.LoopbackPorts;
import dev.nerve.platform.embedded.Orphans;
import dev.nerve.platform.embedded.Watchdog;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.embedded.core.ExecutableProvider;
import redis.embedded.model.OsArchitecture;

/**
 * A real Redis server (the binary shipped in the embedded-redis jar) on a free loopback port
 * ({@link LoopbackPorts}, started again on another when the port was taken). It keeps nothing on
 * disk because Redis only holds data Nerve can lose or rebuild, but everything it needs (binary,
 * configuration, pid file, working directory) lives in one directory under the data directory,
 * never in {@code /tmp}. A {@link Watchdog} shell starts it and stops it when this JVM
 * is gone; a server a crashed Nerve left running in the directory is stopped before starting.
 */
public final class EmbeddedRedisServer implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(EmbeddedRedisServer.class);
  private static final Duration STARTUP = Duration.ofSeconds(20);

  private final int port;
  private final Watchdog watchdog;
  private final DirectoryLock lock;

  private EmbeddedRedisServer(int port, Watchdog watchdog, DirectoryLock lock) {
    this.port = port;
    this.watchdog = watchdog;
    this.lock = lock;
  }

  /** Starts a server on a free port with {@code directory} as its home. */
  public static EmbeddedRedisServer start(Path directory) {
    return start(directory, 0);
  }

  /** Starts a server on {@code port} (0 picks a free one) with {@code directory} as its home. */
  public static EmbeddedRedisServer start(Path directory, int port) {
    return port > 0
        ? startOn(directory, port)
        : LoopbackPorts.startOnFreePort(free -> startOn(directory, free));
  }

  private static EmbeddedRedisServer startOn(Path directory, int port) {
    Path home = directory.toAbsolutePath().normalize();
    DirectoryLock lock = DirectoryLock.acquire(home);
    try {
      Path binary = installBinary(home);
      Orphans.stop(
          "Redis in " + home,
          Orphans.find(
              home,
              Optional.of(home.resolve("redis.pid")),
              command -> Orphans.withoutDeletedMark(command).equals(binary.toString())),
          Duration.ofSeconds(10));
      Path config = home.resolve("redis.conf");
      Files.writeString(config, config(home, port), StandardCharsets.UTF_8);
      List<String> output = new CopyOnWriteArrayList<>();
      String script =
          """
          "$1" "$2" &
          child=$!
          read -r line
          kill -TERM "$child" 2>/dev/null
          wait "$child"
          """;
      Watchdog watchdog =
          Watchdog.start(
                  "redis-watchdog",
                  home,
                  script,
                  List.of(binary.toString(), config.toString()),
                  line -> {
                    output.add(line);
                    log.debug("redis: {}", line);
                  })
              .orElseThrow(() -> new IllegalStateException("embedded Redis needs sh to run"));
      awaitReady(port, watchdog, output);
      return new EmbeddedRedisServer(port, watchdog, lock);
    } catch (IOException e) {
      lock.close();
      throw new UncheckedIOException("cannot start embedded Redis in " + home, e);
    } catch (RuntimeException e) {
      lock.close();
      throw e;
    }
  }

  /** Copies the binary for this platform out of the jar once, into {@code home}. */
  private static Path installBinary(Path home) throws IOException {
    String resource = ExecutableProvider.newProvidedVersionsMap().get(OsArchitecture.detectOSandArchitecture());
    if (resource == null) {
      throw new IllegalStateException("no embedded Redis binary for this platform; set NERVE_REDIS_URL");
    }
    String name = resource.substring(resource.lastIndexOf('/') + 1);
    Path binary = home.resolve(name);
    try (InputStream in =
        EmbeddedRedisServer.class.getResourceAsStream(resource.startsWith("/") ? resource : "/" + resource)) {
      if (in == null) {
        throw new IllegalStateException("the embedded Redis binary " + resource + " is missing from the classpath");
      }
      byte[] content = in.readAllBytes();
      if (!Files.isRegularFile(binary) || Files.size(binary) != content.length) {
        Path partial = Files.createTempFile(home, name, ".partial");
        Files.write(partial, content);
        Files.move(partial, binary, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      }
    }
    if (!binary.toFile().setExecutable(true, true)) {
      throw new IOException("cannot make " + binary + " executable");
    }
    return binary;
  }

  private static String config(Path home, int port) {
    return String.join(
        "\n",
        "port " + port,
        "bind 127.0.0.1",
        "protected-mode yes",
        "daemonize no",
        "dir " + quoted(home.toString()),
        "pidfile " + quoted(home.resolve("redis.pid").toString()),
        "save \"\"",
        "appendonly no",
        "maxmemory-policy noeviction",
        "logfile \"\"",
        "")
    ;
  }

  private static String quoted(String value) {
    return '"' + value.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
  }

  private static void awaitReady(int port, Watchdog watchdog, List<String> output) {
    long deadline = System.nanoTime() + STARTUP.toNanos();
    while (System.nanoTime() < deadline) {
      if (ping(port)) {
        return;
      }
      if (!watchdog.alive() || (!watchdog.childRuns() && !output.isEmpty())) {
        watchdog.close(Duration.ofSeconds(5));
        throw new IllegalStateException("embedded Redis did not start:\n" + String.join("\n", output));
      }
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    watchdog.close(Duration.ofSeconds(5));
    throw new IllegalStateException("embedded Redis did not answer within " + STARTUP + ":\n" + String.join("\n", output));
  }

  /** Whether a Redis answers PING on the port. */
  static boolean ping(int port) {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 200);
      socket.setSoTimeout(500);
      OutputStream out = socket.getOutputStream();
      out.write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
      out.flush();
      byte[] reply = new byte[5];
      int read = socket.getInputStream().readNBytes(reply, 0, 5);
      return read == 5 && new String(reply, StandardCharsets.US_ASCII).equals("+PONG");
    } catch (IOException e) {
      return false;
    }
  }

  public RedisEndpoint endpoint() {
    return new RedisEndpoint("redis://127.0.0.1:" + port, true);
  }

  /** The server process and its watchdog, for tests that stop the server from outside. */
  public Set<ProcessHandle> processes() {
    Set<ProcessHandle> all = new java.util.LinkedHashSet<>();
    all.add(watchdog.process().toHandle());
    watchdog.process().descendants().forEach(all::add);
    return all;
  }

  @Override
  public void close() {
    try {
      watchdog.close(Duration.ofSeconds(10));
    } finally {
      lock.close();
    }
  }
}
