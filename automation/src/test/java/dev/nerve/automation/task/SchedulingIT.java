package dev.nerve.automation.task;

import static dev.nerve.automation.AutomationTests.as;
import static dev.nerve.automation.AutomationTests.fails;
import static dev.nerve.automation.AutomationTests.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.util.Durations;
import dev.nerve.api.automation.v1.CancelTaskRequest;
import dev.nerve.api.automation.v1.CronSchedule;
import dev.nerve.api.automation.v1.GetTaskRequest;
import dev.nerve.api.automation.v1.ListTasksRequest;
import dev.nerve.api.automation.v1.MisfirePolicy;
import dev.nerve.api.automation.v1.OverlapPolicy;
import dev.nerve.api.automation.v1.RunStatus;
import dev.nerve.api.automation.v1.ScheduleTaskRequest;
import dev.nerve.api.automation.v1.Task;
import dev.nerve.api.automation.v1.TaskStatus;
import dev.nerve.automation.AutomationIT;
import dev.nerve.automation.AutomationTestApplication;
import dev.nerve.automation.TestKinds;
import dev.nerve.automation.engine.TaskNames;
import dev.nerve.automation.support.Times;
import dev.nerve.platform.error.ErrorCode;
import dev.nerve.platform.identity.Identity;
import dev.nerve.testing.TestServers;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/** TaskService: one-off, cron (across DST changes), interval, misfire and overlap policies, cancel, two schedulers. */
class SchedulingIT extends AutomationIT {

  private Task schedule(Identity who, Task task) {
    return as(who, () -> t.tasks().schedule(ScheduleTaskRequest.newBuilder().setTask(task).build()));
  }

  private Task get(Identity who, String id) {
    return as(who, () -> t.tasks().get(GetTaskRequest.newBuilder().setId(id).build()));
  }

  private Task awaitStatus(Identity who, String id, TaskStatus status, Duration within) {
    Task[] last = new Task[1];
    Awaitility.await().atMost(within).pollInterval(Duration.ofMillis(100)).until(() -> {
      last[0] = get(who, id);
      return last[0].getStatus() == status;
    });
    return last[0];
  }

  /** Executions a task started: [started, finished (or null), scheduled-for key]. */
  private List<Object[]> runsOf(String taskId) {
    return jdbc.sql("SELECT created_at, finished_at, idempotency_key FROM automation.run WHERE trigger = ? ORDER BY created_at")
        .param("task:" + taskId)
        .query((rs, i) -> new Object[] {Times.read(rs, "created_at"), Times.read(rs, "finished_at"), rs.getString(3)})
        .list();
  }

  private void workflow(Identity who, String id, String waitDuration) {
    t.create(who, waitDuration == null
        ? "{\"id\": \"" + id + "\", \"steps\": [{\"id\": \"a\", \"actionId\": \"log\", \"input\": {\"message\": \"tick\"}}]}"
        : "{\"id\": \"" + id + "\", \"steps\": [{\"id\": \"a\", \"wait\": {\"duration\": \"" + waitDuration + "\"}}]}");
  }

  @Test
  void aOneOffActionTaskRunsOnceAndCompletes() {
    Task task = schedule(alice, Task.newBuilder().setName("once").setActionId("log").setInput(json("{\"message\": \"hello\"}"))
        .setRunAt(Times.proto(Instant.now().plusMillis(500))).build());
    assertThat(task.getStatus()).isEqualTo(TaskStatus.TASK_STATUS_SCHEDULED);
    assertThat(task.hasNextRunAt()).isTrue();
    Task done = awaitStatus(alice, task.getId(), TaskStatus.TASK_STATUS_COMPLETED, Duration.ofSeconds(20));
    assertThat(done.getLastRun().getStatus()).isEqualTo(RunStatus.RUN_STATUS_SUCCEEDED);
    assertThat(done.getRunCount()).isEqualTo(1);
    assertThat(done.hasNextRunAt()).isFalse();
    fails(() -> as(alice, () -> t.tasks().cancel(CancelTaskRequest.newBuilder().setId(task.getId()).build())),
        ErrorCode.FAILED_PRECONDITION, null);
  }

  @Test
  void aFailingOneOffTaskEndsFailedAfterItsAttempts() {
    Task task = schedule(alice, Task.newBuilder().setActionId("test.fail").setInput(json("{\"retryable\": true}")).setMaxAttempts(3)
        .setRunAt(Times.proto(Instant.now())).build());
    Task done = awaitStatus(alice, task.getId(), TaskStatus.TASK_STATUS_FAILED, Duration.ofSeconds(20));
    assertThat(done.getLastRun().getAttempts()).isEqualTo(3);
    assertThat(done.getLastRun().getError()).contains("failed on purpose");
  }

  @Test
  void aCronTaskInATimeZoneFiresEachOccurrenceUntilItsRunLimit() {
    workflow(alice, "ticker", null);
    Task task = schedule(alice, Task.newBuilder().setWorkflowId("ticker").setMaxRuns(3)
        .setCron(CronSchedule.newBuilder().setExpression("* * * * * *").setTimeZone("America/New_York")).build());
    Task done = awaitStatus(alice, task.getId(), TaskStatus.TASK_STATUS_COMPLETED, Duration.ofSeconds(30));
    assertThat(done.getRunCount()).isEqualTo(3);
    List<Object[]> runs = runsOf(task.getId());
    assertThat(runs).hasSize(3);
    assertThat(runs).extracting(r -> (String) r[2]).doesNotHaveDuplicates();
    assertThat(done.getLastRun().getScheduledFor().getNanos()).isZero();
  }

  @Test
  void anIntervalTaskFiresUntilItsEndDate() {
    Task task = schedule(alice, Task.newBuilder().setActionId("log").setInput(json("{\"message\": \"beat\"}"))
        .setInterval(Durations.fromMillis(1000)).setEndAt(Times.proto(Instant.now().plusMillis(3500))).build());
    Task done = awaitStatus(alice, task.getId(), TaskStatus.TASK_STATUS_COMPLETED, Duration.ofSeconds(30));
    assertThat(done.getRunCount()).isBetween(2, 3);
    fails(() -> schedule(alice, Task.newBuilder().setActionId("log").setInput(json("{\"message\": \"x\"}"))
        .setInterval(Durations.fromMillis(10)).build()), ErrorCode.INVALID_ARGUMENT, "task.interval");
    fails(() -> schedule(alice, Task.newBuilder().setActionId("log").setInput(json("{\"message\": \"x\"}"))
        .setCron(CronSchedule.newBuilder().setExpression("not a cron")).build()), ErrorCode.INVALID_ARGUMENT, "task.cron.expression");
    fails(() -> schedule(alice, Task.newBuilder().setActionId("log").setInput(json("{}"))
        .setRunAt(Times.proto(Instant.now().plusSeconds(60))).build()), ErrorCode.INVALID_ARGUMENT, "task.input.message");
  }

  /** Makes the task's next occurrence look missed: due 30 s ago. */
  private void miss(Identity who, String taskId) {
    Instant past = Instant.now().minusSeconds(30);
    Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> jdbc.sql(
            "UPDATE automation.scheduled_tasks SET execution_time = ? WHERE task_name = ? AND task_instance = ? AND NOT picked")
        .params(Times.sql(past), TaskNames.TASK_FIRE, who.tenantId() + "/" + taskId)
        .update() == 1);
  }

  @Test
  void missedOccurrencesAreSkippedOrRunOnceByPolicy() {
    workflow(alice, "nightly", null);
    Task skip = schedule(alice, Task.newBuilder().setWorkflowId("nightly").setInterval(Durations.fromSeconds(3600))
        .setMisfirePolicy(MisfirePolicy.MISFIRE_POLICY_SKIP).build());
    Task once = schedule(alice, Task.newBuilder().setWorkflowId("nightly").setInterval(Durations.fromSeconds(3600))
        .setMisfirePolicy(MisfirePolicy.MISFIRE_POLICY_RUN_ONCE).build());
    miss(alice, skip.getId());
    miss(alice, once.getId());
    Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> get(alice, once.getId()).getRunCount() == 1);
    Awaitility.await().atMost(Duration.ofSeconds(20)).until(() ->
        Times.instant(get(alice, skip.getId()).getNextRunAt()).isAfter(Instant.now().plusSeconds(3000)));
    Task skipped = get(alice, skip.getId());
    assertThat(skipped.getRunCount()).isZero();
    assertThat(runsOf(skip.getId())).isEmpty();
    Task ranOnce = get(alice, once.getId());
    assertThat(Times.instant(ranOnce.getNextRunAt())).isAfter(Instant.now().plusSeconds(3000));
    assertThat(runsOf(once.getId())).hasSize(1);
  }

  /**
   * Puts the task at an occurrence: its next run and its pending db-scheduler execution become
   * {@code at}, so the scheduler fires it as soon as it polls.
   */
  private void place(Identity who, String taskId, Instant at) {
    jdbc.sql("UPDATE automation.task SET next_run_at = ? WHERE tenant_id = ? AND id = ?")
        .params(Times.sql(at), who.tenantId(), taskId).update();
    Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> jdbc.sql(
            "UPDATE automation.scheduled_tasks SET execution_time = ? WHERE task_name = ? AND task_instance = ? AND NOT picked")
        .params(Times.sql(at), TaskNames.TASK_FIRE, who.tenantId() + "/" + taskId)
        .update() == 1);
  }

  /** An occurrence that fires and the next one it must schedule, as local times with their offsets. */
  private record Firing(String occurrence, String next) {
    Instant at() {
      return OffsetDateTime.parse(occurrence).toInstant();
    }

    Instant nextAt() {
      return OffsetDateTime.parse(next).toInstant();
    }
  }

  /** The occurrences test.hold was called for by the task, from their idempotency keys. */
  private static List<Instant> heldFor(String taskId) {
    String prefix = "task:" + taskId + ":";
    return TestKinds.HELD.stream().filter(k -> k.startsWith(prefix))
        .map(k -> Instant.ofEpochMilli(Long.parseLong(k.substring(prefix.length(), k.lastIndexOf(':'))))).toList();
  }

  /**
   * Fires a Berlin "30 2 * * *" task (whose action, test.hold, waits for the test) at each given
   * occurrence in turn, with the scheduling clock one second past it: the first is placed, each next
   * one is the occurrence the scheduler computed, fired when the test lets the previous call return.
   * While a call waits, the task (through the API) must show that occurrence as its last run and
   * the expected next one as its next run. At the end the task is cancelled (and the clock
   * released, failed or not), and the occurrences its action ran for must be exactly the given ones.
   *
   */
  private void firesInBerlin(Firing... firings) {
    TestKinds.HOLD.drainPermits();
    Task task = schedule(alice, Task.newBuilder().setName("half past two").setActionId("test.hold")
        .setCron(CronSchedule.newBuilder().setExpression("30 2 * * *").setTimeZone("Europe/Berlin")).build());
    try {
      for (int i = 0; i < firings.length; i++) {
        Instant occurrence = firings[i].at();
        Instant next = firings[i].nextAt();
        clock.pin(occurrence.plusSeconds(1));
        if (i == 0) {
          place(alice, task.getId(), occurrence);
        } else {
          TestKinds.HOLD.release();
        }
        int fired = i + 1;
        Awaitility.await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(50))
            .until(() -> heldFor(task.getId()).size() == fired);
        assertThat(heldFor(task.getId())).last().as("occurrence %d fired", fired).isEqualTo(occurrence);
        Task seen = get(alice, task.getId());
        assertThat(Times.instant(seen.getLastRun().getScheduledFor())).as("scheduled_for of run %d", fired).isEqualTo(occurrence);
        assertThat(seen.getLastRun().getStatus()).isEqualTo(RunStatus.RUN_STATUS_RUNNING);
        assertThat(Times.instant(seen.getNextRunAt())).as("next_run_at after run %d", fired).isEqualTo(next);
        assertThat(seen.getRunCount()).isEqualTo(fired);
        assertThat(seen.getStatus()).isEqualTo(TaskStatus.TASK_STATUS_SCHEDULED);
      }
    } finally {
      clock.release();
      as(alice, () -> t.tasks().cancel(CancelTaskRequest.newBuilder().setId(task.getId()).build()));
      TestKinds.HOLD.release();
    }
    Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> jdbc.sql(
            "SELECT count(*) FROM automation.scheduled_tasks WHERE task_name = ? AND task_instance = ?")
        .params(TaskNames.TASK_FIRE, alice.tenantId() + "/" + task.getId()).query(Long.class).single() == 0);
    List<Instant> expected = new ArrayList<>();
    for (Firing firing : firings) {
      expected.add(firing.at());
    }
    assertThat(heldFor(task.getId())).as("the occurrences the action ran for").containsExactlyElementsOf(expected);
    Task after = get(alice, task.getId());
    assertThat(after.getStatus()).isEqualTo(TaskStatus.TASK_STATUS_CANCELLED);
    assertThat(after.getRunCount()).isEqualTo(expected.size());
  }

  @Test
  void aCronTaskSkipsItsLocalTimeOnTheDayItDoesNotExist() {
    // 2026-03-29: Berlin springs forward from 02:00 CET to 03:00 CEST, so 02:30 does not exist that day.
    firesInBerlin(
        new Firing("2026-03-28T02:30+01:00", "2026-03-30T02:30+02:00"),
        new Firing("2026-03-30T02:30+02:00", "2026-03-31T02:30+02:00"));
  }

  @Test
  void aCronTaskFiresOnceAtALocalTimeThatHappensTwice() {
    // 2026-10-25: Berlin falls back from 03:00 CEST to 02:00 CET, so 02:30 happens at 00:30Z and 01:30Z.
    firesInBerlin(
        new Firing("2026-10-24T02:30+02:00", "2026-10-25T02:30+02:00"),
        new Firing("2026-10-25T02:30+02:00", "2026-10-26T02:30+01:00"),
        new Firing("2026-10-26T02:30+01:00", "2026-10-27T02:30+01:00"));
  }

  private static boolean overlapping(List<Object[]> runs) {
    for (int i = 1; i < runs.size(); i++) {
      Instant previousEnd = (Instant) runs.get(i - 1)[1];
      Instant start = (Instant) runs.get(i)[0];
      if (previousEnd == null || start.isBefore(previousEnd)) {
        return true;
      }
    }
    return false;
  }

  @Test
  void overlapPoliciesSkipQueueOrAllowARunWhileOneIsInProgress() {
    workflow(alice, "slow", "2.500s");
    Task skip = schedule(alice, Task.newBuilder().setWorkflowId("slow").setInterval(Durations.fromSeconds(1))
        .setMaxRuns(2).setOverlapPolicy(OverlapPolicy.OVERLAP_POLICY_SKIP).build());
    Task queue = schedule(alice, Task.newBuilder().setWorkflowId("slow").setInterval(Durations.fromSeconds(1))
        .setMaxRuns(2).setOverlapPolicy(OverlapPolicy.OVERLAP_POLICY_QUEUE_ONE).build());
    Task allow = schedule(alice, Task.newBuilder().setWorkflowId("slow").setInterval(Durations.fromSeconds(1))
        .setMaxRuns(2).setOverlapPolicy(OverlapPolicy.OVERLAP_POLICY_ALLOW).build());
    Awaitility.await().atMost(Duration.ofSeconds(40)).pollInterval(Duration.ofMillis(200)).until(() ->
        runsOf(skip.getId()).size() == 2 && runsOf(queue.getId()).size() == 2 && runsOf(allow.getId()).size() == 2
            && runsOf(skip.getId()).get(1)[1] != null && runsOf(queue.getId()).get(1)[1] != null);
    assertThat(overlapping(runsOf(skip.getId()))).isFalse();
    assertThat(overlapping(runsOf(queue.getId()))).isFalse();
    assertThat(overlapping(runsOf(allow.getId()))).isTrue();
    List<Object[]> queued = runsOf(queue.getId());
    assertThat(Duration.between((Instant) queued.get(0)[1], (Instant) queued.get(1)[0])).as("the queued run starts when the first ends")
        .isLessThan(Duration.ofMillis(900));
    Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> get(alice, skip.getId()).getLastRun().getStatus() != RunStatus.RUN_STATUS_RUNNING);
  }

  @Test
  void aCancelledTaskFiresNoMore() {
    Task task = schedule(alice, Task.newBuilder().setActionId("log").setInput(json("{\"message\": \"x\"}"))
        .setCron(CronSchedule.newBuilder().setExpression("* * * * * *")).build());
    Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> get(alice, task.getId()).getRunCount() >= 1);
    var cancelled = as(alice, () -> t.tasks().cancel(CancelTaskRequest.newBuilder().setId(task.getId()).build()));
    assertThat(cancelled.getStatus()).isEqualTo(TaskStatus.TASK_STATUS_CANCELLED);
    int count = get(alice, task.getId()).getRunCount();
    Awaitility.await().during(Duration.ofMillis(2500)).atMost(Duration.ofSeconds(5))
        .until(() -> get(alice, task.getId()).getRunCount() <= count + 1);
    Task after = get(alice, task.getId());
    assertThat(after.getStatus()).isEqualTo(TaskStatus.TASK_STATUS_CANCELLED);
    assertThat(after.hasNextRunAt()).isFalse();
    assertThat(as(alice, () -> t.tasks().cancel(CancelTaskRequest.newBuilder().setId(task.getId()).build())).getStatus())
        .isEqualTo(TaskStatus.TASK_STATUS_CANCELLED);
    var listed = as(alice, () -> t.tasks().list(ListTasksRequest.newBuilder().setStatus(TaskStatus.TASK_STATUS_CANCELLED).build()));
    assertThat(listed.getTasksList()).extracting(Task::getId).contains(task.getId());
    fails(() -> get(AutomationIT_operator(), task.getId()), ErrorCode.NOT_FOUND, null);
  }

  private static Identity AutomationIT_operator() {
    return dev.nerve.automation.AutomationTests.operator(dev.nerve.automation.AutomationTests.freshTenant());
  }

  @Test
  void twoSchedulersFireEachOccurrenceExactlyOnce() {
    Map<String, Object> properties = new HashMap<>(TestServers.applicationProperties());
    properties.put("nerve.targets", "automation");
    properties.put("nerve.automation.engine.poll-interval", "50ms");
    properties.put("nerve.automation.engine.name", "second-scheduler");
    try (ConfigurableApplicationContext second = new SpringApplicationBuilder(AutomationTestApplication.class, TestKinds.class)
        .web(WebApplicationType.NONE).properties(properties).run()) {
      workflow(alice, "pulse", null);
      Task task = schedule(alice, Task.newBuilder().setWorkflowId("pulse").setMaxRuns(8).setOverlapPolicy(OverlapPolicy.OVERLAP_POLICY_ALLOW)
          .setCron(CronSchedule.newBuilder().setExpression("* * * * * *")).build());
      awaitStatus(alice, task.getId(), TaskStatus.TASK_STATUS_COMPLETED, Duration.ofSeconds(40));
      List<Object[]> runs = runsOf(task.getId());
      assertThat(runs).hasSize(8);
      assertThat(runs).extracting(r -> (String) r[2]).doesNotHaveDuplicates();
      List<Long> seconds = runs.stream().map(r -> Long.parseLong(((String) r[2]).substring(((String) r[2]).lastIndexOf(':') + 1)) / 1000).toList();
      for (int i = 1; i < seconds.size(); i++) {
        assertThat(seconds.get(i) - seconds.get(i - 1)).as("consecutive occurrences, none missed").isEqualTo(1);
      }
      assertThat(second.isActive()).isTrue();
    }
  }
}
