package dev.nerve.platform.outbound;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A TCP listener on every local address (IPv4 and IPv6 loopback included) that counts the
 * connections it accepts: the proof that a refused request connected nowhere.
 */
final class CountingListener implements AutoCloseable {

  private final ServerSocket socket;
  private final AtomicInteger connections = new AtomicInteger();
  private final Thread acceptor;

  CountingListener() throws IOException {
    socket = new ServerSocket(0); // wildcard: 127.0.0.1, ::1 and 0.0.0.0 all reach it
    acceptor = new Thread(this::accept, "counting-listener");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  int port() {
    return socket.getLocalPort();
  }

  int connections() {
    return connections.get();
  }

  private void accept() {
    while (!socket.isClosed()) {
      try {
        Socket accepted = socket.accept();
        connections.incrementAndGet();
        accepted.close();
      } catch (IOException ex) {
        return;
      }
    }
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
