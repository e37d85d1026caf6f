package dev.nerve.platform.activity;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.nerve.api.learning.v1.ActivityEvent;
import dev.nerve.api.learning.v1.ActivityServiceGrpc;
import dev.nerve.api.learning.v1.RecordActivitiesRequest;
import dev.nerve.platform.identity.Identity;
import dev.nerve.platform.identity.IdentityContext;
import io.grpc.Channel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Drains one schema's {@code activity_outbox} to the learning target's {@code
 * ActivityService/RecordActivities}, oldest first, in batches: rows are locked ({@code FOR UPDATE
 * SKIP LOCKED}, so replicas share the work), delivered per tenant, and deleted in the same
 * transaction only after the learning target acknowledged them. A failure rolls back, keeps the
 * rows and backs off exponentially; learning ignores event ids it has already recorded, so a
 * batch delivered twice (an acknowledgement lost in a crash) is recorded once.
 */
public final class OutboxRelay implements AutoCloseable {

  /** User the relay acts as; it records other users' events, which needs the admin role. */
  public static final String RELAY_USER = "service:activity-relay";

  private static final Logger log = LoggerFactory.getLogger(OutboxRelay.class);
  private static final Pattern SCHEMA = Pattern.compile("[a-z][a-z0-9_]{0,62}");

  private final JdbcTemplate jdbc;
  private final TransactionTemplate tx;
  private final Supplier<Channel> learning;
  private final ActivityProperties properties;
  private final String table;
  private volatile Thread worker;
  private volatile boolean running;

  OutboxRelay(
      JdbcTemplate jdbc,
      TransactionTemplate tx,
      Supplier<Channel> learning,
      String schema,
      ActivityProperties properties) {
    this.jdbc = jdbc;
    this.tx = tx;
    this.learning = learning;
    this.properties = properties;
    this.table = table(schema);
  }

  /** The qualified outbox table of {@code schema}, refusing names that are not plain schemas. */
  static String table(String schema) {
    if (!SCHEMA.matcher(schema).matches()) {
      throw new IllegalArgumentException("not a schema name: " + schema);
    }
    return schema + ".activity_outbox";
  }

  /**
   * Delivers one batch; returns how many events it delivered (0 when the outbox is empty). A
   * failed delivery throws and leaves every row of the batch in place.
   */
  public int drainOnce() {
    Integer delivered =
        tx.execute(
            status -> {
              List<Row> rows =
                  jdbc.query(
                      "select seq, tenant_id, event from "
                          + table
                          + " order by seq limit ? for update skip locked",
                      (rs, n) -> new Row(rs.getLong(1), rs.getString(2), rs.getBytes(3)),
                      properties.batchSize());
              if (rows.isEmpty()) {
                return 0;
              }
              Map<String, List<ActivityEvent>> byTenant = new LinkedHashMap<>();
              for (Row row : rows) {
                byTenant.computeIfAbsent(row.tenantId(), t -> new ArrayList<>()).add(row.event());
              }
              byTenant.forEach(this::deliver);
              Long[] seqs = rows.stream().map(Row::seq).toArray(Long[]::new);
              jdbc.update(
                  con -> {
                    var statement = con.prepareStatement("delete from " + table + " where seq = any(?)");
                    statement.setArray(1, con.createArrayOf("bigint", seqs));
                    return statement;
                  });
              return rows.size();
            });
    return delivered == null ? 0 : delivered;
  }

  private void deliver(String tenantId, List<ActivityEvent> events) {
    Identity relay = new Identity(tenantId, RELAY_USER, Set.of("admin"));
    IdentityContext.callAs(
        relay,
        () ->
            ActivityServiceGrpc.newBlockingStub(learning.get())
                .withDeadlineAfter(properties.deadline().toMillis(), TimeUnit.MILLISECONDS)
                .recordActivities(RecordActivitiesRequest.newBuilder().addAllEvents(events).build()));
  }

  /** Drops the oldest events beyond {@code maxOutboxRows}; returns how many it dropped. */
  public int trim() {
    Long count = jdbc.queryForObject("select count(*) from " + table, Long.class);
    long excess = count == null ? 0 : count - properties.maxOutboxRows();
    if (excess <= 0) {
      return 0;
    }
    int dropped =
        jdbc.update(
            "delete from " + table + " where seq in (select seq from " + table + " order by seq limit ?)",
            excess);
    log.warn(
        "{} held more than {} undelivered activity events; dropped the oldest {} (is the learning target reachable?)",
        table,
        properties.maxOutboxRows(),
        dropped);
    return dropped;
  }

  /** Starts delivering in the background on a daemon thread. */
  public synchronized void start() {
    if (running) {
      return;
    }
    running = true;
    worker = new Thread(this::loop, "activity-relay-" + table);
    worker.setDaemon(true);
    worker.start();
  }

  private void loop() {
    Duration backoff = properties.minBackoff();
    boolean failing = false;
    long nextTrim = 0;
    while (running) {
      try {
        if (System.nanoTime() - nextTrim > 0) {
          trim();
          nextTrim = System.nanoTime() + TimeUnit.MINUTES.toNanos(1);
        }
        int delivered = drainOnce();
        if (failing) {
          log.info("activity relay of {} delivers again", table);
          failing = false;
        }
        backoff = properties.minBackoff();
        if (delivered < properties.batchSize()) {
          sleep(properties.relayInterval());
        }
      } catch (RuntimeException e) {
        if (!running) {
          return;
        }
        if (!failing) {
          log.warn("activity relay of {} could not deliver, retrying with back-off: {}", table, e.toString());
          failing = true;
        }
        sleep(backoff);
        backoff = backoff.multipliedBy(2).compareTo(properties.maxBackoff()) > 0 ? properties.maxBackoff() : backoff.multipliedBy(2);
      }
    }
  }

  private void sleep(Duration duration) {
    try {
      Thread.sleep(duration.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      running = false;
    }
  }

  /** Stops the background thread; an undelivered batch stays in the outbox. */
  @Override
  public synchronized void close() {
    running = false;
    Thread thread = worker;
    worker = null;
    if (thread != null) {
      thread.interrupt();
      try {
        thread.join(TimeUnit.SECONDS.toMillis(10));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** Whether the background thread runs. */
  public boolean running() {
    return running;
  }

  private record Row(long seq, String tenantId, byte[] bytes) {
    ActivityEvent event() {
      try {
        return ActivityEvent.parseFrom(bytes);
      } catch (InvalidProtocolBufferException e) {
        throw new IllegalStateException("unreadable outbox row " + seq, e);
      }
    }
  }
}
