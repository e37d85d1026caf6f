package dev.nerve.platform.settings;

import dev.nerve.platform.outbound.OutboundGuard;
import dev.nerve.platform.outbound.OutboundPolicy;
import dev.nerve.platform.outbound.OutboundProperties;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the process's outbound allowlist equal to the saved global settings {@code
 * /outbound/allowHosts} and {@code /outbound/allowCidrs} (each replaces the list from {@code
 * nerve.outbound.*} when saved), so a changed allowlist applies to the next request on every
 * replica. While neither is saved it never touches the guard's policy.
 */
public final class LiveAllowlist {

  static final String HOSTS = "/outbound/allowHosts";
  static final String CIDRS = "/outbound/allowCidrs";
  private static final Logger log = LoggerFactory.getLogger(LiveAllowlist.class);

  private final LiveSettings settings;
  private final OutboundGuard guard;
  private final OutboundProperties properties;
  private List<String> appliedHosts;
  private List<String> appliedCidrs;

  private LiveAllowlist(LiveSettings settings, OutboundGuard guard, OutboundProperties properties) {
    this.settings = settings;
    this.guard = guard;
    this.properties = properties;
  }

  /** Applies the saved allowlist now and after every change. */
  public static LiveAllowlist follow(LiveSettings settings, OutboundGuard guard, OutboundProperties properties) {
    LiveAllowlist allowlist = new LiveAllowlist(settings, guard, properties);
    settings.onChange(allowlist::apply);
    allowlist.apply();
    return allowlist;
  }

  synchronized void apply() {
    List<String> hosts = settings.strings(null, HOSTS).orElse(null);
    List<String> cidrs = settings.strings(null, CIDRS).orElse(null);
    if (java.util.Objects.equals(hosts, appliedHosts) && java.util.Objects.equals(cidrs, appliedCidrs)) {
      return;
    }
    OutboundProperties effective =
        new OutboundProperties(
            Optional.ofNullable(cidrs).orElse(properties.allowCidrs()),
            Optional.ofNullable(hosts).orElse(properties.allowHosts()),
            properties.maxRedirects(),
            properties.connectTimeout(),
            properties.defaultTimeout(),
            properties.maxResponseBytes(),
            properties.maxConnections(),
            properties.maxConnectionsPerHost());
    try {
      guard.replace(OutboundPolicy.of(effective));
      appliedHosts = hosts;
      appliedCidrs = cidrs;
      log.info("outbound allowlist now from the saved configuration: hosts={} cidrs={}",
          effective.allowHosts(), effective.allowCidrs());
    } catch (IllegalArgumentException e) {
      log.warn("ignoring a saved outbound allowlist that does not parse: {}", e.getMessage());
    }
  }
}
