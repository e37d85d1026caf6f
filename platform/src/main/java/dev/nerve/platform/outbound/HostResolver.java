package dev.nerve.platform.outbound;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;

/**
 * Turns a host name into addresses for the outbound guard: the system resolver in production, a
 * fixed table in tests (the guard checks whatever this returns, and connections go to exactly
 * those addresses). Never called with an IP literal.
 */
@FunctionalInterface
public interface HostResolver {

  /** Every address of the name; throws {@link UnknownHostException} when there is none. */
  List<InetAddress> resolve(String host) throws UnknownHostException;

  /** The JVM's resolver ({@link InetAddress#getAllByName}). */
  static HostResolver system() {
    return host -> List.of(InetAddress.getAllByName(host));
  }
}
