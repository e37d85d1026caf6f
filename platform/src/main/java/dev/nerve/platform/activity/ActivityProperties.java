package dev.nerve.platform.activity;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Settings of the activity outboxes and their relays (prefix {@code nerve.activity}); each is
 * listed with its default in the README's configuration table.
 *
 * @param enabled whether producers record activity at all
 * @param relayInterval how long a relay waits after finding its outbox empty
 * @param batchSize events a relay delivers per call
 * @param minBackoff first wait after a failed delivery; doubled after each further failure
 * @param maxBackoff longest wait between delivery attempts
 * @param deadline deadline of one delivery call
 * @param maxOutboxRows outbox size above which the oldest undelivered events are dropped (with a
 *     warning), so an unreachable learning target cannot grow a producer's schema without bound
 */
@ConfigurationProperties("nerve.activity")
public record ActivityProperties(
    @DefaultValue("true") boolean enabled,
    @DefaultValue("1s") Duration relayInterval,
    @DefaultValue("500") int batchSize,
    @DefaultValue("1s") Duration minBackoff,
    @DefaultValue("1m") Duration maxBackoff,
    @DefaultValue("10s") Duration deadline,
    @DefaultValue("1000000") long maxOutboxRows) {}
