package dev.nerve.automation.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nerve.api.automation.v1.ExecutionStatus;
import dev.nerve.automation.AutomationIT;
import dev.nerve.automation.AutomationTests;
import dev.nerve.automation.support.Principal;
import dev.nerve.platform.error.ErrorCode;
import dev.nerve.platform.error.NerveException;
import dev.nerve.platform.error.StoreErrors;
import io.grpc.Context;
import io.grpc.Deadline;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import javax.sql.DataSource;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * Group commit of starts: Execute calls that queue while a batch is written share the next
 * transaction, and one bad or late call among them fails alone, with nothing of it written.
 * A failure of the store fails the whole batch at once. Starts queue deterministically behind a
 * first start that holds the only batch slot while it waits for an idempotency key the test holds
 * locked.
 */
class StartBatchesIT extends AutomationIT {

  @Autowired Engine engine;
  @Autowired DataSource dataSource;

  private final ExecutorService callers = Executors.newCachedThreadPool();
  private StartBatches batches;
  private Principal alicePrincipal;

  @BeforeEach
  void batchesOfOneWriter() {
    batches = new StartBatches(engine, 32, 1);
    alicePrincipal = Principal.of(alice);
    t.create(alice, """
        {"id": "double", "steps": [
          {"id": "a", "actionId": "transform", "input": {"expression": "params.n * 2.0", "n": "${input.n}"}}
        ]}""");
  }

  @AfterEach
  void stopCallers() {
    callers.shutdownNow();
  }

  private Engine.Start start(String workflowId, int n, String key) {
    return new Engine.Start(alicePrincipal, workflowId, null, AutomationTests.json("{\"n\": " + n + "}"), "manual", key);
  }

  private CompletableFuture<RunRow> submit(Supplier<RunRow> call) {
    return CompletableFuture.supplyAsync(call, callers);
  }

  /**
   * Starts a first execution whose key the test holds locked, so it takes the only batch slot and
   * waits; {@code queued} are then submitted and wait for the slot; the lock is released once all
   * of them are queued. Returns the first start and the queued ones, in order.
   */
  private List<CompletableFuture<RunRow>> queuedBehindABlockedStart(List<Supplier<RunRow>> queued) throws Exception {
    return queuedBehindABlockedStart(queued, Duration.ZERO);
  }

  /** The same, keeping the lock for {@code hold} more once every call is queued. */
  private List<CompletableFuture<RunRow>> queuedBehindABlockedStart(List<Supplier<RunRow>> queued, Duration hold)
      throws Exception {
    List<CompletableFuture<RunRow>> all = queueBehindABlockedStart(queued, hold);
    for (CompletableFuture<RunRow> f : all) {
      try {
        f.get(30, TimeUnit.SECONDS);
      } catch (ExecutionException expected) {
        // asserted by the caller
      }
    }
    return all;
  }

  /** Queues {@code queued} behind a blocked first start and releases it, without waiting for them. */
  private List<CompletableFuture<RunRow>> queueBehindABlockedStart(List<Supplier<RunRow>> queued, Duration hold)
      throws Exception {
    String key = "blocker-" + UUID.randomUUID();
    List<CompletableFuture<RunRow>> all = new ArrayList<>();
    try (Connection lock = dataSource.getConnection()) {
      lock.setAutoCommit(false);
      holdKey(lock, key);
      all.add(submit(() -> batches.start(start("double", 0, key))));
      Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> backendWaitingForAKey() != null);
      for (Supplier<RunRow> call : queued) {
        all.add(submit(call));
      }
      Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> batches.waiting() == queued.size());
      Thread.sleep(hold.toMillis());
      lock.rollback();
    }
    return all;
  }

  /** Inserts an idempotency key in {@code connection}'s open transaction: starts with it wait. */
  private void holdKey(Connection connection, String key) throws Exception {
    try (PreparedStatement insert = connection.prepareStatement(
        "INSERT INTO automation.run_key (tenant_id, key, run_id, created_at) VALUES (?, ?, ?, now())")) {
      insert.setString(1, alice.tenantId());
      insert.setString(2, key);
      insert.setObject(3, UUID.randomUUID());
      insert.executeUpdate();
    }
  }

  /** The process id of a backend waiting for a held idempotency key, or null. */
  private Integer backendWaitingForAKey() {
    return jdbc.sql("SELECT pid FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE '%run_key%'"
            + " AND pid <> pg_backend_pid() LIMIT 1")
        .query(Integer.class).optional().orElse(null);
  }

  private String transactionOf(UUID runId) {
    return jdbc.sql("SELECT xmin::text FROM automation.run WHERE id = ?").param(runId).query(String.class).single();
  }

  private long runsWithInput(int n) {
    return jdbc.sql("SELECT count(*) FROM automation.run WHERE tenant_id = ? AND (input->>'n')::float8 = ?")
        .params(alice.tenantId(), (double) n).query(Long.class).single();
  }

  @Test
  void startsThatArriveWhileABatchIsWrittenShareTheNextTransaction() throws Exception {
    List<Supplier<RunRow>> queued = new ArrayList<>();
    for (int i = 1; i <= 5; i++) {
      int n = i;
      queued.add(() -> batches.start(start("double", n, "")));
    }
    List<CompletableFuture<RunRow>> all = queuedBehindABlockedStart(queued);

    List<String> transactions = new ArrayList<>();
    for (CompletableFuture<RunRow> f : all.subList(1, all.size())) {
      RunRow run = f.join();
      // The pure step ran in place: each execution ended in the start's transaction.
      assertThat(run.status()).isEqualTo(ExecutionStatus.EXECUTION_STATUS_SUCCEEDED);
      var stored = t.get(alice, run.id().toString());
      assertThat(stored.getStatus()).isEqualTo(ExecutionStatus.EXECUTION_STATUS_SUCCEEDED);
      assertThat(stored.getOutput().getFieldsOrThrow("a").getNumberValue()).isEqualTo(2.0 * run.input().getFieldsOrThrow("n").getNumberValue());
      assertThat(stored.getSteps(0).getAttemptHistoryList()).hasSize(1);
      transactions.add(transactionOf(run.id()));
    }
    assertThat(transactions).as("the five queued starts commit together").containsOnly(transactions.get(0));
    assertThat(transactionOf(all.get(0).join().id())).isNotEqualTo(transactions.get(0));
  }

  @Test
  void aStartThatFailsInABatchFailsAloneAndWritesNothing() throws Exception {
    List<Supplier<RunRow>> queued = List.of(
        () -> batches.start(start("double", 101, "")),
        () -> batches.start(start("no-such-workflow", 102, "")),
        () -> batches.start(start("double", 103, "")));
    List<CompletableFuture<RunRow>> all = queuedBehindABlockedStart(queued);

    assertThat(all.get(1).join().status()).isEqualTo(ExecutionStatus.EXECUTION_STATUS_SUCCEEDED);
    assertThat(all.get(3).join().status()).isEqualTo(ExecutionStatus.EXECUTION_STATUS_SUCCEEDED);
    assertThatThrownBy(all.get(2)::join).hasCauseInstanceOf(NerveException.class)
        .cause().satisfies(e -> assertThat(((NerveException) e).code()).isEqualTo(ErrorCode.NOT_FOUND));
    assertThat(runsWithInput(101)).isEqualTo(1);
    assertThat(runsWithInput(102)).isZero();
    assertThat(runsWithInput(103)).isEqualTo(1);
  }

  @Test
  void aCallerWhoseDeadlinePassedWhileQueuedIsToldSoAndNothingOfItIsWrittenWhileTheOthersAre() throws Exception {
    var timer = Executors.newSingleThreadScheduledExecutor();
    Context.CancellableContext late = Context.current().withDeadline(Deadline.after(300, TimeUnit.MILLISECONDS), timer);
    try {
      List<Supplier<RunRow>> queued = List.of(
          () -> batches.start(start("double", 201, "")),
          () -> {
            Context previous = late.attach();
            try {
              return batches.start(start("double", 202, ""));
            } finally {
              late.detach(previous);
            }
          },
          () -> batches.start(start("double", 203, "")));
      // The first start holds the only slot until the late caller's deadline has passed.
      List<CompletableFuture<RunRow>> all = queuedBehindABlockedStart(queued, Duration.ofMillis(600));

      assertThat(all.get(1).join().status()).isEqualTo(ExecutionStatus.EXECUTION_STATUS_SUCCEEDED);
      assertThat(all.get(3).join().status()).isEqualTo(ExecutionStatus.EXECUTION_STATUS_SUCCEEDED);
      assertThatThrownBy(all.get(2)::join).cause().isInstanceOfSatisfying(NerveException.class,
          e -> assertThat(e.code()).isEqualTo(ErrorCode.DEADLINE_EXCEEDED));
      assertThat(runsWithInput(201)).isEqualTo(1);
      assertThat(runsWithInput(202)).isZero();
      assertThat(runsWithInput(203)).isEqualTo(1);
      // The late start was left out before the batch began: the others still committed together.
      assertThat(transactionOf(all.get(1).join().id())).isEqualTo(transactionOf(all.get(3).join().id()));
    } finally {
      late.cancel(null);
      timer.shutdownNow();
    }
  }

  @Test
  void aStoreFailureAnswersEveryStartOfTheBatchAtOnceWithNothingWritten() throws Exception {
    String held = "held-" + UUID.randomUUID();
    List<CompletableFuture<RunRow>> all;
    try (Connection second = dataSource.getConnection()) {
      second.setAutoCommit(false);
      holdKey(second, held);
      all = queueBehindABlockedStart(List.of(
          () -> batches.start(start("double", 301, "")),
          () -> batches.start(start("double", 302, held)),
          () -> batches.start(start("double", 303, ""))), Duration.ZERO);
      assertThat(all.get(0).get(30, TimeUnit.SECONDS).status()).isEqualTo(ExecutionStatus.EXECUTION_STATUS_SUCCEEDED);
      // The queued starts' batch now waits for the held key; its connection is cut.
      Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> backendWaitingForAKey() != null);
      jdbc.sql("SELECT pg_terminate_backend(?)").param(backendWaitingForAKey()).query(Boolean.class).single();

      // Every start of the batch gets the store's failure, none is tried again alone.
      for (CompletableFuture<RunRow> f : all.subList(1, all.size())) {
        assertThatThrownBy(() -> f.get(10, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
            .cause().satisfies(e -> assertThat(StoreErrors.classify(e))
                .hasValueSatisfying(mapped -> assertThat(mapped.code()).isEqualTo(ErrorCode.UNAVAILABLE)));
      }
      second.rollback();
    }
    assertThat(runsWithInput(301) + runsWithInput(302) + runsWithInput(303)).isZero();
  }

  @Test
  void equalKeysInOneBatchStartOneExecution() throws Exception {
    String key = "same-" + UUID.randomUUID();
    List<Supplier<RunRow>> queued = List.of(
        () -> batches.start(start("double", 301, key)),
        () -> batches.start(start("double", 301, key)));
    List<CompletableFuture<RunRow>> all = queuedBehindABlockedStart(queued);

    assertThat(all.get(1).join().id()).isEqualTo(all.get(2).join().id());
    assertThat(runsWithInput(301)).isEqualTo(1);
  }
}
