package dev.nerve.platform.embedded;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;

/** Stands in for another process that binds a server's port first: holds the ports until closed. */
final class PortTaker implements AutoCloseable {

  private final List<ServerSocket> held = new ArrayList<>();

  /** Binds and listens on {@code port}, as another server would. */
  void take(int port) {
    try {
      held.add(new ServerSocket(port, 50, InetAddress.getLoopbackAddress()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() throws IOException {
    for (ServerSocket socket : held) {
      socket.close();
    }
  }
}
