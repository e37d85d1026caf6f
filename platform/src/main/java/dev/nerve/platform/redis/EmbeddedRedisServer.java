package dev.nerve.platform.redis;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import redis.embedded.RedisServer;

/**
 * A real Redis server from the embedded-redis binaries on a free loopback port; it keeps nothing on
 * disk because Redis only holds data Nerve can lose or rebuild.
 */
public final class EmbeddedRedisServer implements AutoCloseable {

  private final RedisServer server;
  private final int port;

  private EmbeddedRedisServer(RedisServer server, int port) {
    this.server = server;
    this.port = port;
  }

  /** Starts a server on a free port. */
  public static EmbeddedRedisServer start() {
    int port = freePort();
    try {
      RedisServer server =
          RedisServer.newRedisServer()
              .port(port)
              .bind("127.0.0.1")
              .setting("save \"\"")
              .setting("appendonly no")
              .setting("maxmemory-policy noeviction")
              .build();
      server.start();
      return new EmbeddedRedisServer(server, port);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start embedded Redis", e);
    }
  }

  private static int freePort() {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException("no free port for embedded Redis", e);
    }
  }

  public RedisEndpoint endpoint() {
    return new RedisEndpoint("redis://127.0.0.1:" + port, true);
  }

  @Override
  public void close() {
    try {
      server.stop();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot stop embedded Redis", e);
    }
  }
}
