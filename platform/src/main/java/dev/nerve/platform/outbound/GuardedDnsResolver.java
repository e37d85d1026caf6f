package dev.nerve.platform.outbound;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.List;
import org.apache.hc.client5.http.DnsResolver;

/**
 * HttpClient's resolver: resolves through the guard, so the connection is made to exactly the
 * addresses that were checked, in the same step (no second lookup, no DNS rebinding).
 */
final class GuardedDnsResolver implements DnsResolver {

  private final OutboundGuard guard;

  GuardedDnsResolver(OutboundGuard guard) {
    this.guard = guard;
  }

  @Override
  public List<InetSocketAddress> resolve(String host, int port) throws UnknownHostException {
    try {
      return guard.resolve(host, port);
    } catch (OutboundRefusedException ex) {
      throw new RefusedHostException(ex);
    }
  }

  @Override
  public InetAddress[] resolve(String host) throws UnknownHostException {
    return resolve(host, -1).stream().map(InetSocketAddress::getAddress).toArray(InetAddress[]::new);
  }

  @Override
  public String resolveCanonicalHostname(String host) {
    return host; // no reverse lookups
  }
}
