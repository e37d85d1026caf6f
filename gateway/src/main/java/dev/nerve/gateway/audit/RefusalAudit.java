package dev.nerve.gateway.audit;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.time.Duration;
import java.util.List;

/**
 * Audits mutations refused before they ran (permission denied, rate limited, bad request to the
 * guard). A client that keeps hammering a refused mutation would otherwise write one row per
 * attempt, so the same caller, operation and result is recorded at most once a minute; every
 * refusal is still counted by the gateway's metrics.
 */
public final class RefusalAudit {

  private static final Duration WINDOW = Duration.ofMinutes(1);

  private final AuditLog audit;
  private final TraceIds traces;
  private final Cache<String, Boolean> recent =
      Caffeine.newBuilder().expireAfterWrite(WINDOW).maximumSize(100_000).build();

  public RefusalAudit(AuditLog audit, TraceIds traces) {
    this.audit = audit;
    this.traces = traces;
  }

  /** Records that {@code actor} of {@code tenantId} was refused {@code operation} with {@code result}. */
  public void refused(String tenantId, String actor, String operation, List<String> targetIds, String result) {
    String key = tenantId + '\n' + actor + '\n' + operation + '\n' + result;
    if (recent.asMap().putIfAbsent(key, Boolean.TRUE) != null) {
      return;
    }
    audit.record(tenantId, actor, operation, targetIds, result, traces.current());
  }
}
