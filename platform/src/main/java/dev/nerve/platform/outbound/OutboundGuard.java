package dev.nerve.platform.outbound;

import io.micrometer.core.instrument.MeterRegistry;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Pattern;

/**
 * The one place that decides whether Nerve may send a request somewhere (SSRF protection): it
 * checks a URL's scheme and host, then every address the host resolves to, against the current
 * {@link OutboundPolicy}. {@link GuardedHttpClient} connects only to addresses this returned, so
 * nothing can change between the check and the connection. Callers that open sockets themselves
 * (SMTP, for instance) connect to the addresses {@link #resolve} returns and to nothing else.
 */
public final class OutboundGuard {

  private static final int MAX_URL_CHARS = 8192;
  private static final Pattern CANONICAL_IPV4 =
      Pattern.compile("(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)(\\.(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)){3}");
  /** A last label that makes a URL parser read the host as IPv4 (WHATWG "ends in a number"). */
  private static final Pattern NUMERIC_LABEL = Pattern.compile("\\d+|0[xX][0-9a-fA-F]*");

  private final AtomicReference<OutboundPolicy> policy;
  private final HostResolver resolver;
  private final OutboundMetrics metrics;

  public OutboundGuard(OutboundPolicy policy, HostResolver resolver, MeterRegistry registry) {
    this.policy = new AtomicReference<>(policy);
    this.resolver = resolver;
    this.metrics = new OutboundMetrics(registry);
  }

  /** The policy in force. */
  public OutboundPolicy policy() {
    return policy.get();
  }

  /** Puts another policy in force; requests that start from now on use it. */
  public void replace(OutboundPolicy next) {
    policy.set(Objects.requireNonNull(next, "policy"));
  }

  /**
   * Checks a URL without resolving it: http or https, no user info, a valid host that is not a
   * numeric IPv4 form, and, when the host is an IP address or a metadata name, that it is allowed.
   *
   * @throws OutboundRefusedException when refused ({@code INVALID_ARGUMENT}, field {@code url})
   */
  public void check(URI url) {
    destination(url);
  }

  /**
   * Resolves a host and checks every address it has; one refused address refuses the host.
   *
   * @return the addresses to connect to, all checked, with the port
   * @throws OutboundRefusedException when refused
   * @throws UnknownHostException when the name does not resolve
   */
  public List<InetSocketAddress> resolve(String host, int port) throws UnknownHostException {
    OutboundPolicy current = policy.get();
    String name = normalize(host);
    Optional<InetAddress> literal = literal(name);
    List<InetAddress> addresses;
    if (literal.isPresent()) {
      addresses = List.of(literal.get());
    } else {
      refuseName(current, name, port);
      addresses = resolver.resolve(name);
      if (addresses.isEmpty()) {
        throw new UnknownHostException(name);
      }
    }
    List<InetSocketAddress> checked = new ArrayList<>(addresses.size());
    for (InetAddress address : addresses) {
      refuseAddress(current, name, address, port, literal.isPresent());
      checked.add(new InetSocketAddress(address, port));
    }
    return List.copyOf(checked);
  }

  /** Checks the address a connection actually reached, right before a request is written on it. */
  void checkConnected(String host, InetSocketAddress remote) {
    String name = normalize(host);
    refuseAddress(policy.get(), name, remote.getAddress(), remote.getPort(), literal(name).isPresent());
  }

  OutboundMetrics metrics() {
    return metrics;
  }

  /** Scheme, host and port of a URL that passed {@link #check}. */
  record Destination(String scheme, String host, int port) {

    /** {@code https://api.example.com:443}, for messages: never the path or query. */
    String origin() {
      return scheme + "://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }
  }

  Destination destination(URI url) {
    if (url == null || !url.isAbsolute() || url.isOpaque()) {
      throw refuse(RefusalReason.INVALID_URL, "must be an absolute http or https URL");
    }
    if (url.toString().length() > MAX_URL_CHARS) {
      throw refuse(RefusalReason.INVALID_URL, "is longer than " + MAX_URL_CHARS + " characters");
    }
    String scheme = url.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("http") && !scheme.equals("https")) {
      throw refuse(
          RefusalReason.SCHEME,
          "scheme '" + shorten(scheme) + "' is refused; outbound requests use http or https only");
    }
    String authority = url.getRawAuthority();
    if (authority == null || authority.isEmpty()) {
      throw refuse(RefusalReason.INVALID_URL, "has no host");
    }
    if (authority.contains("@")) {
      throw refuse(
          RefusalReason.USER_INFO,
          "URLs with user info (user:password@host) are refused; send credentials in a header");
    }
    String host = url.getHost();
    if (host == null) {
      String candidate = authority.replaceFirst(":\\d*$", "");
      literal(normalize(candidate)); // refuses numeric forms such as 127.1 with their own message
      throw refuse(
          RefusalReason.INVALID_URL, "host '" + shorten(candidate) + "' is not a valid host name");
    }
    if (host.contains("%")) {
      throw refuse(RefusalReason.INVALID_URL, "IPv6 zone ids are refused");
    }
    int port = url.getPort() != -1 ? url.getPort() : scheme.equals("https") ? 443 : 80;
    if (port == 0) {
      throw refuse(RefusalReason.INVALID_URL, "port 0 is refused");
    }
    OutboundPolicy current = policy.get();
    String name = normalize(host);
    Optional<InetAddress> literal = literal(name);
    if (literal.isPresent()) {
      refuseAddress(current, name, literal.get(), port, true);
    } else {
      refuseName(current, name, port);
    }
    return new Destination(scheme, name, port);
  }

  /** Lower case, without IPv6 brackets and without one trailing dot. */
  private static String normalize(String host) {
    String name = host.toLowerCase(Locale.ROOT);
    if (name.startsWith("[") && name.endsWith("]")) {
      name = name.substring(1, name.length() - 1);
    }
    return name.endsWith(".") ? name.substring(0, name.length() - 1) : name;
  }

  /** The address an IP literal stands for, or empty for a name; refuses numeric IPv4 forms. */
  private Optional<InetAddress> literal(String name) {
    try {
      if (name.contains(":")) {
        return Optional.of(InetAddress.getByName("[" + name + "]"));
      }
      if (CANONICAL_IPV4.matcher(name).matches()) {
        return Optional.of(InetAddress.getByName(name));
      }
    } catch (UnknownHostException ex) {
      throw refuse(RefusalReason.INVALID_URL, "host '" + shorten(name) + "' is not a valid IP address");
    }
    String last = name.substring(name.lastIndexOf('.') + 1);
    if (NUMERIC_LABEL.matcher(last).matches()) {
      throw refuse(
          RefusalReason.NUMERIC_HOST,
          "host '" + shorten(name) + "' is a non-canonical numeric IPv4 form (decimal, octal, hex or "
              + "shortened); write the address as four decimal numbers such as 203.0.113.7");
    }
    return Optional.empty();
  }

  private void refuseName(OutboundPolicy current, String name, int port) {
    if (current.refusesName(name, port).isPresent()) {
      throw refuse(
          RefusalReason.CLOUD_METADATA,
          "host " + name + " is a cloud metadata service; it is refused unless "
              + "nerve.outbound.allow-hosts names it exactly and nerve.outbound.allow-cidrs names "
              + "its exact address");
    }
  }

  private void refuseAddress(
      OutboundPolicy current, String name, InetAddress address, int port, boolean literal) {
    Optional<RefusalReason> refused = current.refusesAddress(name, address, port);
    if (refused.isEmpty()) {
      return;
    }
    RefusalReason reason = refused.get();
    String text = address.getHostAddress();
    String what =
        literal
            ? (text.equals(name) ? "host " + name + " is " : "host " + name + " is " + text + ", ")
                + reason.description()
            : "host " + name + " resolves to " + text + ", " + reason.description();
    String how =
        reason == RefusalReason.CLOUD_METADATA
            ? "cloud metadata addresses are refused unless nerve.outbound.allow-cidrs names the exact address"
            : "outbound requests to " + reason.plural() + " are refused unless allowed by "
                + "nerve.outbound.allow-cidrs" + (literal ? "" : " or nerve.outbound.allow-hosts");
    throw refuse(reason, what + "; " + how);
  }

  private OutboundRefusedException refuse(RefusalReason reason, String description) {
    metrics.refused(reason);
    return OutboundRefusedException.ofUrl(reason, description);
  }

  private static String shorten(String text) {
    return text.length() <= 80 ? text : text.substring(0, 80) + "...";
  }
}
