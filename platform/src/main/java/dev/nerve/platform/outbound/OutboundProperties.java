package dev.nerve.platform.outbound;

import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * Outbound HTTP requests (prefix {@code nerve.outbound}); every property is in the README's
 * configuration table and docs/security.md, "Outbound requests".
 *
 * @param allowCidrs networks (and optionally one port) allowed although refused by default, e.g.
 *     {@code 10.20.0.0/16} or {@code 127.0.0.1:11434}
 * @param allowHosts host names (exact, {@code *.example.com}, optionally {@code :port}) whose
 *     addresses are allowed although refused by default
 * @param maxRedirects redirects followed per request
 * @param connectTimeout default time to establish a connection
 * @param defaultTimeout default deadline of a whole request, body included
 * @param maxResponseBytes largest response body read
 * @param maxConnections connections kept in the pool, over all hosts
 * @param maxConnectionsPerHost connections to one host (scheme, name and port)
 */
@ConfigurationProperties("nerve.outbound")
public record OutboundProperties(
    @DefaultValue List<String> allowCidrs,
    @DefaultValue List<String> allowHosts,
    @DefaultValue("5") int maxRedirects,
    @DefaultValue("5s") Duration connectTimeout,
    @DefaultValue("30s") Duration defaultTimeout,
    @DefaultValue("5MB") DataSize maxResponseBytes,
    @DefaultValue("50") int maxConnections,
    @DefaultValue("20") int maxConnectionsPerHost) {

  public OutboundProperties {
    allowCidrs = allowCidrs == null ? List.of() : List.copyOf(allowCidrs);
    allowHosts = allowHosts == null ? List.of() : List.copyOf(allowHosts);
  }
}
