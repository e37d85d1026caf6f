package dev.nerve.gateway.audit;

import dev.nerve.platform.concurrent.DaemonThreads;
import dev.nerve.platform.error.NerveException;
import dev.nerve.platform.input.StoredText;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.charset.StandardCharsets;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.BlockingDeque;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingDeque;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Every mutation through the gateway (GraphQL mutations, REST writes, logins), recorded in
 * PostgreSQL; admins read their tenant's entries newest first with filters and cursors.
 *
 * <p>Recording never fails a request and survives a database outage: an entry that cannot be
 * written waits in a bounded buffer (in order, with its original time) and is retried every
 * second until PostgreSQL answers. Only when the buffer is full is an entry dropped, counted by
 * {@code nerve.gateway.audit.dropped} and logged; {@code nerve.gateway.audit.pending} shows the
 * buffer. Text is cleaned before the insert (NUL and unpaired surrogates become U+FFFD), so no
 * client-chosen id can break it.
 */
public final class AuditLog implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(AuditLog.class);
  /** Entries kept for retry while PostgreSQL is unreachable. */
  public static final int DEFAULT_BUFFER = 10_000;

  private final JdbcClient jdbc;
  private final BlockingDeque<Pending> buffer;
  private final Counter dropped;
  private final ScheduledExecutorService retries;
  private final List<Listener> listeners = new java.util.concurrent.CopyOnWriteArrayList<>();

  /** An entry not yet written. */
  private record Pending(
      String tenantId, String actor, String operation, List<String> targetIds, String result, String traceId, Instant at) {}

  public AuditLog(JdbcClient jdbc, MeterRegistry meters, int bufferSize) {
    this.jdbc = jdbc;
    this.buffer = new LinkedBlockingDeque<>(bufferSize);
    this.dropped =
        Counter.builder("nerve.gateway.audit.dropped")
            .description("Audit entries lost because the retry buffer was full")
            .register(meters);
    Gauge.builder("nerve.gateway.audit.pending", buffer, BlockingDeque::size)
        .description("Audit entries waiting for PostgreSQL")
        .register(meters);
    this.retries =
        Executors.newSingleThreadScheduledExecutor(
            DaemonThreads.named("audit-retry"));
    retries.scheduleWithFixedDelay(this::flush, 1, 1, TimeUnit.SECONDS);
  }

  /** Hears every recorded operation, e.g. to pass it on as user activity; must never throw. */
  public interface Listener {
    void recorded(String tenantId, String actor, String operation, String result);
  }

  /** Adds a listener that hears every operation recorded from now on. */
  public void listen(Listener listener) {
    listeners.add(listener);
  }

  /**
   * One recorded operation.
   *
   * @param id position in the log (cursor source)
   * @param tenantId tenant the operation acted in
   * @param actor principal that acted ({@code user:<id>}, {@code key:<id>}, {@code ip:<addr>})
   * @param operation GraphQL field ({@code Mutation.identityApiKeysCreate}) or REST route
   * @param targetIds ids of the objects the operation named or produced
   * @param result {@code OK} or the error code the caller received
   * @param traceId trace of the request, to find its logs and spans
   * @param at when it happened
   */
  public record Entry(
      long id,
      String tenantId,
      String actor,
      String operation,
      List<String> targetIds,
      String result,
      String traceId,
      Instant at) {}

  /**
   * Filters of an audit query; null fields do not filter.
   *
   * @param actor exact principal
   * @param operation exact operation name
   * @param result exact result
   * @param since entries at or after
   * @param until entries before
   */
  public record Filter(String actor, String operation, String result, Instant since, Instant until) {}

  /** A page of entries and the cursor of the next one (null on the last page). */
  public record Page(List<Entry> entries, String nextCursor) {}

  /** Records an operation; never fails the request (see the class comment for the guarantee). */
  public void record(
      String tenantId, String actor, String operation, List<String> targetIds, String result, String traceId) {
    Pending entry =
        new Pending(
            StoredText.clean(tenantId),
            StoredText.clean(actor),
            StoredText.clean(operation),
            targetIds.stream().map(StoredText::clean).toList(),
            StoredText.clean(result),
            StoredText.clean(traceId),
            Instant.now());
    listeners.forEach(listener -> listener.recorded(entry.tenantId(), entry.actor(), entry.operation(), entry.result()));
    if (buffer.isEmpty()) {
      try {
        insert(entry);
        return;
      } catch (RuntimeException e) {
        log.warn("audit entry for {} could not be written now; retrying until PostgreSQL answers: {}", operation, e.toString());
      }
    }
    if (!buffer.offerLast(entry)) {
      dropped.increment();
      log.error("audit entry for {} by {} dropped: the retry buffer is full", operation, entry.actor());
    }
  }

  /** Writes buffered entries in order until one fails (then the next round retries). */
  void flush() {
    Pending next;
    while ((next = buffer.peekFirst()) != null) {
      try {
        insert(next);
      } catch (RuntimeException e) {
        return;
      }
      buffer.pollFirst();
    }
  }

  /** Entries waiting for PostgreSQL. */
  public int pending() {
    return buffer.size();
  }

  private void insert(Pending entry) {
    jdbc.sql(
            "insert into gateway.audit_log (tenant_id, actor, operation, target_ids, result, trace_id, at)"
                + " values (?, ?, ?, ?, ?, ?, ?)")
        .params(
            entry.tenantId(),
            entry.actor(),
            entry.operation(),
            entry.targetIds().toArray(String[]::new),
            entry.result(),
            entry.traceId(),
            Timestamp.from(entry.at()))
        .update();
  }

  @Override
  public void close() {
    retries.shutdownNow();
    flush();
    if (!buffer.isEmpty()) {
      log.error("{} audit entries could not be written before shutdown", buffer.size());
    }
  }

  /** The tenant's entries, newest first. */
  public Page query(String tenantId, Filter filter, int first, String after) {
    return query(tenantId, filter, first, after, "after");
  }

  /** The tenant's entries, newest first; {@code cursorField} names the cursor in errors. */
  public Page query(String tenantId, Filter filter, int first, String after, String cursorField) {
    StringBuilder sql =
        new StringBuilder(
            "select id, tenant_id, actor, operation, target_ids, result, trace_id, at"
                + " from gateway.audit_log where tenant_id = ?");
    List<Object> params = new ArrayList<>(List.of(tenantId));
    if (after != null && !after.isBlank()) {
      sql.append(" and id < ?");
      params.add(decode(after, cursorField));
    }
    if (filter != null) {
      condition(sql, params, "actor = ?", filter.actor());
      condition(sql, params, "operation = ?", filter.operation());
      condition(sql, params, "result = ?", filter.result());
      condition(sql, params, "at >= ?", filter.since() == null ? null : Timestamp.from(filter.since()));
      condition(sql, params, "at < ?", filter.until() == null ? null : Timestamp.from(filter.until()));
    }
    sql.append(" order by id desc limit ?");
    params.add(first + 1);
    List<Entry> rows =
        jdbc.sql(sql.toString())
            .params(params)
            .query(
                (rs, n) ->
                    new Entry(
                        rs.getLong("id"),
                        rs.getString("tenant_id"),
                        rs.getString("actor"),
                        rs.getString("operation"),
                        List.of((String[]) rs.getArray("target_ids").getArray()),
                        rs.getString("result"),
                        rs.getString("trace_id"),
                        rs.getTimestamp("at").toInstant()))
            .list();
    boolean more = rows.size() > first;
    List<Entry> page = more ? rows.subList(0, first) : rows;
    return new Page(List.copyOf(page), more ? encode(page.get(page.size() - 1).id()) : null);
  }

  private static void condition(StringBuilder sql, List<Object> params, String clause, Object value) {
    if (value != null && !(value instanceof String s && s.isBlank())) {
      sql.append(" and ").append(clause);
      params.add(value);
    }
  }

  static String encode(long id) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(("audit:" + id).getBytes(StandardCharsets.UTF_8));
  }

  static long decode(String cursor, String field) {
    try {
      String text = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
      if (!text.startsWith("audit:")) {
        throw new IllegalArgumentException();
      }
      return Long.parseLong(text.substring(6));
    } catch (IllegalArgumentException e) {
      throw NerveException.invalid(field, "format", "is not a cursor of this list");
    }
  }
}
