package dev.nerve.automation.engine;

import com.github.kagkarlsson.scheduler.Clock;
import com.github.kagkarlsson.scheduler.CurrentlyExecuting;
import com.github.kagkarlsson.scheduler.HeartbeatConfig;
import com.github.kagkarlsson.scheduler.SchedulerClient;
import com.github.kagkarlsson.scheduler.SchedulerState;
import com.github.kagkarlsson.scheduler.SystemClock;
import com.github.kagkarlsson.scheduler.task.Execution;
import com.github.kagkarlsson.scheduler.task.ExecutionContext;
import com.github.kagkarlsson.scheduler.task.TaskInstance;
import dev.nerve.automation.support.Times;
import dev.nerve.platform.concurrent.DaemonThreads;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Heartbeats of the step executions this replica started picked itself (db-scheduler only
 * heartbeats those it claimed): every heartbeat interval one UPDATE of all of them, matching
 * instance, version and this worker, so that a row revived elsewhere is not touched. Each one's
 * heartbeat state is db-scheduler's own, so the worker's watchdog reads it like a claimed one's.
 */
final class LocalLeases {

  private static final Logger log = LoggerFactory.getLogger(LocalLeases.class);

  private final JdbcClient jdbc;
  private final String worker;
  private final HeartbeatConfig config;
  private final Clock clock = new SystemClock();
  private final Map<String, Lease> leases = new ConcurrentHashMap<>();
  private final ScheduledExecutorService beats =
      Executors.newSingleThreadScheduledExecutor(
          DaemonThreads.named("automation-local-heartbeat"));

  /** One held execution: its row's instance and version, and its heartbeat state. */
  private record Lease(String instance, long version, CurrentlyExecuting state) {}

  LocalLeases(JdbcClient jdbc, String worker, Duration interval, int missed) {
    this.jdbc = jdbc;
    this.worker = worker;
    this.config = new HeartbeatConfig(interval, missed, interval.multipliedBy(missed));
    long period = interval.toMillis();
    beats.scheduleAtFixedRate(this::beat, period, period, TimeUnit.MILLISECONDS);
  }

  /**
   * Holds a step execution inserted picked by this worker at {@code at} (version 1, its last
   * heartbeat then): returns the execution context its attempts run with.
   */
  ExecutionContext hold(SchedulerState state, SchedulerClient client, String instance, String data, Instant at) {
    Execution execution =
        new Execution(at, new TaskInstance<>(TaskNames.STEP, instance, data), true, worker, null, null, 0, at, 1L);
    CurrentlyExecuting current = new CurrentlyExecuting(execution, clock, config);
    current.heartbeat(true, at);
    leases.put(instance, new Lease(instance, execution.version, current));
    return new ExecutionContext(state, execution, client, current);
  }

  /** Stops heartbeating an execution (its worker is done with it). */
  void drop(String instance) {
    leases.remove(instance);
  }

  /** One UPDATE for all held executions; each one's state learns whether its row was still held. */
  void beat() {
    if (leases.isEmpty()) {
      return;
    }
    List<Lease> all = List.copyOf(leases.values());
    String[] instances = new String[all.size()];
    Long[] versions = new Long[all.size()];
    for (int i = 0; i < all.size(); i++) {
      instances[i] = all.get(i).instance();
      versions[i] = all.get(i).version();
    }
    Instant now = clock.now();
    Set<String> held;
    try {
      held = new HashSet<>(
          jdbc.sql(
                  "UPDATE automation.scheduled_tasks SET last_heartbeat = ? WHERE task_name = ? AND picked AND picked_by = ?"
                      + " AND (task_instance, version) IN (SELECT * FROM unnest(CAST(? AS text[]), CAST(? AS bigint[])))"
                      + " RETURNING task_instance")
              .params(Times.sql(now), TaskNames.STEP, worker, instances, versions)
              .query(String.class)
              .list());
    } catch (RuntimeException e) {
      log.warn("heartbeat of {} locally started step execution(s) failed: {}", all.size(), e.toString());
      held = Set.of();
    }
    for (Lease lease : all) {
      lease.state().heartbeat(held.contains(lease.instance()), now);
    }
  }

  /** Stops heartbeating: what is still held is left to revival after its lease. */
  void close() {
    beats.shutdownNow();
    if (!leases.isEmpty()) {
      log.warn("{} locally started step execution(s) left unfinished; another replica revives them after their lease",
          leases.size());
    }
  }
}
