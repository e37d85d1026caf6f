package dev.nerve.platform.outbound;

import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * What outbound requests may reach and how far they may go: the admin allowlist that makes
 * exceptions to the default refusals, and the per-request limits. Immutable; {@link
 * OutboundGuard#replace} swaps it at run time.
 *
 * <p>An address in a refused class (see {@link RefusalReason}) is allowed when an {@code
 * allowCidrs} entry contains it, or when the request's host name matches an {@code allowHosts}
 * entry. Cloud metadata addresses and names are the exception: only an entry naming exactly that
 * address (a /32 or /128) or exactly that host name allows them, so allowing 169.254.0.0/16 or a
 * wildcard never exposes instance credentials.
 *
 * @param allowCidrs networks allowed although refused by default
 * @param allowHosts host names allowed although their addresses are refused by default
 * @param maxRedirects redirects followed per request; one more is an error
 * @param maxResponseBytes largest response body read; a longer one fails and is not read further
 * @param connectTimeout default time to establish a connection (TCP and TLS)
 * @param defaultTimeout default deadline of a whole request (all redirects and the body included)
 */
public record OutboundPolicy(
    List<AllowedNetwork> allowCidrs,
    List<AllowedHost> allowHosts,
    int maxRedirects,
    long maxResponseBytes,
    Duration connectTimeout,
    Duration defaultTimeout) {

  /** Names that reach instance metadata services; refused unless allowed by exact name. */
  static final Set<String> METADATA_NAMES = Set.of("metadata.google.internal", "metadata");

  public OutboundPolicy {
    allowCidrs = List.copyOf(allowCidrs);
    allowHosts = List.copyOf(allowHosts);
    if (maxRedirects < 0 || maxRedirects > 20) {
      throw new IllegalArgumentException("max-redirects must be 0 to 20");
    }
    if (maxResponseBytes < 1) {
      throw new IllegalArgumentException("max-response-bytes must be positive");
    }
    if (connectTimeout.isNegative() || connectTimeout.isZero()) {
      throw new IllegalArgumentException("connect-timeout must be positive");
    }
    if (defaultTimeout.isNegative() || defaultTimeout.isZero()) {
      throw new IllegalArgumentException("default-timeout must be positive");
    }
  }

  /** Nothing allowed beyond public addresses, 5 redirects, 5 MiB, 5 s to connect, 30 s a request. */
  public static OutboundPolicy defaults() {
    return new OutboundPolicy(
        List.of(), List.of(), 5, 5L * 1024 * 1024, Duration.ofSeconds(5), Duration.ofSeconds(30));
  }

  /** The policy these settings describe; malformed allowlist entries fail naming the entry. */
  public static OutboundPolicy of(OutboundProperties properties) {
    return new OutboundPolicy(
        properties.allowCidrs().stream().filter(s -> !s.isBlank()).map(AllowedNetwork::parse).toList(),
        properties.allowHosts().stream().filter(s -> !s.isBlank()).map(AllowedHost::parse).toList(),
        properties.maxRedirects(),
        properties.maxResponseBytes().toBytes(),
        properties.connectTimeout(),
        properties.defaultTimeout());
  }

  /** This policy with more allowed networks (entries as in {@code nerve.outbound.allow-cidrs}). */
  public OutboundPolicy allowingCidrs(String... entries) {
    List<AllowedNetwork> more = new ArrayList<>(allowCidrs);
    for (String entry : entries) {
      more.add(AllowedNetwork.parse(entry));
    }
    return new OutboundPolicy(
        more, allowHosts, maxRedirects, maxResponseBytes, connectTimeout, defaultTimeout);
  }

  /** This policy with more allowed host names (entries as in {@code nerve.outbound.allow-hosts}). */
  public OutboundPolicy allowingHosts(String... entries) {
    List<AllowedHost> more = new ArrayList<>(allowHosts);
    for (String entry : entries) {
      more.add(AllowedHost.parse(entry));
    }
    return new OutboundPolicy(
        allowCidrs, more, maxRedirects, maxResponseBytes, connectTimeout, defaultTimeout);
  }

  /** This policy with other limits. */
  public OutboundPolicy withLimits(
      int maxRedirects, long maxResponseBytes, Duration connectTimeout, Duration defaultTimeout) {
    return new OutboundPolicy(
        allowCidrs, allowHosts, maxRedirects, maxResponseBytes, connectTimeout, defaultTimeout);
  }

  /** Why a normalized host name is refused before it is resolved, or empty. */
  Optional<RefusalReason> refusesName(String host, int port) {
    if (METADATA_NAMES.contains(host)
        && allowHosts.stream().noneMatch(h -> !h.wildcard() && h.matches(host, port))) {
      return Optional.of(RefusalReason.CLOUD_METADATA);
    }
    return Optional.empty();
  }

  /** Why connecting to this address for this host name and port is refused, or empty. */
  Optional<RefusalReason> refusesAddress(String host, InetAddress address, int port) {
    Optional<RefusalReason> reason = AddressClassifier.classify(address);
    if (reason.isEmpty()) {
      return reason;
    }
    if (reason.get() == RefusalReason.CLOUD_METADATA) {
      boolean exact =
          allowCidrs.stream().anyMatch(n -> n.singleAddress() && n.contains(address, port));
      return exact ? Optional.empty() : reason;
    }
    boolean allowed =
        allowCidrs.stream().anyMatch(n -> n.contains(address, port))
            || allowHosts.stream().anyMatch(h -> h.matches(host, port));
    return allowed ? Optional.empty() : reason;
  }
}
