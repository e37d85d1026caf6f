package dev.nerve.memory.reliability;

import static dev.nerve.memory.MemoryTests.as;
import static dev.nerve.memory.MemoryTests.fails;
import static dev.nerve.memory.MemoryTests.freshTenant;
import static dev.nerve.memory.MemoryTests.user;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nerve.api.memory.v1.Context;
import dev.nerve.api.memory.v1.ContextServiceGrpc;
import dev.nerve.api.memory.v1.ListContextVersionsRequest;
import dev.nerve.api.memory.v1.ListMemoriesRequest;
import dev.nerve.api.memory.v1.LongTermMemoryServiceGrpc;
import dev.nerve.api.memory.v1.ManageContextRequest;
import dev.nerve.api.memory.v1.RetrieveShortTermItemsRequest;
import dev.nerve.api.memory.v1.ShortTermItem;
import dev.nerve.api.memory.v1.ShortTermMemoryServiceGrpc;
import dev.nerve.api.memory.v1.StoreMemoryRequest;
import dev.nerve.api.memory.v1.StoreMemoryResponse;
import dev.nerve.api.memory.v1.StoreShortTermItemRequest;
import dev.nerve.memory.MemoryTestApplication;
import dev.nerve.memory.support.Json;
import dev.nerve.platform.error.ErrorCode;
import dev.nerve.platform.error.NerveException;
import dev.nerve.platform.grpc.ChannelFactory;
import dev.nerve.platform.identity.Identity;
import dev.nerve.platform.target.Target;
import io.grpc.Deadline;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Honest outcomes of memory's writes: a retry with the same request id returns the first result
 * and writes nothing, even when the retries race; a request id reused for another request is bad
 * input; and a transaction whose call deadline passed rolls back instead of committing.
 */
@SpringBootTest(
    classes = MemoryTestApplication.class,
    webEnvironment = SpringBootTest.WebEnvironment.NONE,
    properties = {"nerve.targets=memory", "nerve.grpc.default-deadline=60s"})
class RequestIdIT {

  @Autowired ChannelFactory channels;
  @Autowired JdbcClient jdbc;
  @Autowired TransactionTemplate tx;

  private LongTermMemoryServiceGrpc.LongTermMemoryServiceBlockingStub longTerm() {
    return LongTermMemoryServiceGrpc.newBlockingStub(channels.channel(Target.MEMORY));
  }

  @Test
  void longTermStoreRetriedWithItsRequestIdStoresOnce() throws Exception {
    Identity alice = user(freshTenant(), "alice");
    StoreMemoryRequest request =
        StoreMemoryRequest.newBuilder()
            .setText("the deploy window is Tuesday " + UUID.randomUUID())
            .setSkipDeduplication(true)
            .setRequestId(UUID.randomUUID().toString())
            .build();

    StoreMemoryResponse first = as(alice, () -> longTerm().store(request));
    StoreMemoryResponse retry = as(alice, () -> longTerm().store(request));
    List<StoreMemoryResponse> racing = race(8, () -> as(alice, () -> longTerm().store(request)));

    assertThat(retry).isEqualTo(first);
    assertThat(racing).allSatisfy(r -> assertThat(r).isEqualTo(first));
    assertThat(memories(alice)).isEqualTo(1);

    NerveException reused =
        fails(
            () -> as(alice, () -> longTerm().store(request.toBuilder().setText("something else").build())),
            ErrorCode.INVALID_ARGUMENT,
            "requestId");
    assertThat(reused.getMessage()).contains("different request");
    assertThat(memories(alice)).isEqualTo(1);
  }

  @Test
  void racingFirstAttemptsWithOneRequestIdStoreOnce() throws Exception {
    Identity bob = user(freshTenant(), "bob");
    StoreMemoryRequest request =
        StoreMemoryRequest.newBuilder()
            .setText("racing first attempts " + UUID.randomUUID())
            .setSkipDeduplication(true)
            .setRequestId("req-" + UUID.randomUUID())
            .build();

    List<StoreMemoryResponse> answers = race(8, () -> as(bob, () -> longTerm().store(request)));

    assertThat(answers.stream().map(r -> r.getMemory().getId()).collect(Collectors.toSet())).hasSize(1);
    assertThat(memories(bob)).isEqualTo(1);
  }

  @Test
  void withoutARequestIdEveryCallWrites() {
    Identity carol = user(freshTenant(), "carol");
    StoreMemoryRequest request =
        StoreMemoryRequest.newBuilder().setText("no key " + UUID.randomUUID()).setSkipDeduplication(true).build();
    as(carol, () -> longTerm().store(request));
    as(carol, () -> longTerm().store(request));
    assertThat(memories(carol)).isEqualTo(2);
  }

  @Test
  void shortTermStoreRetriedWithItsRequestIdStoresOnce() {
    Identity dave = user(freshTenant(), "dave");
    var stub = ShortTermMemoryServiceGrpc.newBlockingStub(channels.channel(Target.MEMORY));
    StoreShortTermItemRequest request =
        StoreShortTermItemRequest.newBuilder().setText("hello").setRequestId(UUID.randomUUID().toString()).build();

    ShortTermItem first = as(dave, () -> stub.store(request));
    ShortTermItem retry = as(dave, () -> stub.store(request));

    assertThat(retry).isEqualTo(first);
    assertThat(as(dave, () -> stub.retrieve(RetrieveShortTermItemsRequest.getDefaultInstance())).getHitsCount())
        .isEqualTo(1);
    fails(
        () -> as(dave, () -> stub.store(request.toBuilder().setText("other").build())),
        ErrorCode.INVALID_ARGUMENT,
        "requestId");
  }

  @Test
  void contextManageRetriedWithItsRequestIdWritesOneVersion() {
    Identity erin = user(freshTenant(), "erin");
    var stub = ContextServiceGrpc.newBlockingStub(channels.channel(Target.MEMORY));
    ManageContextRequest request =
        ManageContextRequest.newBuilder()
            .setId("task")
            .setData(Json.struct("{\"step\":1}"))
            .setRequestId(UUID.randomUUID().toString())
            .build();

    Context first = as(erin, () -> stub.manage(request));
    Context retry = as(erin, () -> stub.manage(request));

    assertThat(retry).isEqualTo(first);
    assertThat(first.getVersion()).isEqualTo(1);
    assertThat(
            as(erin, () -> stub.listVersions(ListContextVersionsRequest.newBuilder().setId("task").build()))
                .getVersionsCount())
        .isEqualTo(1);
    fails(
        () -> as(erin, () -> stub.manage(request.toBuilder().setRequestId("bad id with spaces").build())),
        ErrorCode.INVALID_ARGUMENT,
        "requestId");
  }

  @Test
  void aTransactionPastItsCallDeadlineRollsBack() throws Exception {
    jdbc.sql("CREATE TABLE IF NOT EXISTS public.deadline_probe (note text)").update();
    String note = UUID.randomUUID().toString();
    ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
    try {
      io.grpc.Context call = io.grpc.Context.current().withDeadline(Deadline.after(150, TimeUnit.MILLISECONDS), timer);
      assertThatThrownBy(
              () ->
                  call.run(
                      () ->
                          tx.executeWithoutResult(
                              status -> {
                                jdbc.sql("INSERT INTO public.deadline_probe VALUES (?)").param(note).update();
                                sleep(400);
                              })))
          .isInstanceOfSatisfying(
              NerveException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.DEADLINE_EXCEEDED));
    } finally {
      timer.shutdownNow();
    }
    assertThat(
            jdbc.sql("SELECT count(*) FROM public.deadline_probe WHERE note = ?").param(note).query(Long.class).single())
        .as("nothing committed after the deadline")
        .isZero();
  }

  private long memories(Identity who) {
    return as(who, () -> longTerm().list(ListMemoriesRequest.getDefaultInstance())).getMemoriesCount();
  }

  private static <T> List<T> race(int callers, Callable<T> call) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(callers);
    try {
      List<Future<T>> futures = new ArrayList<>();
      for (int i = 0; i < callers; i++) {
        futures.add(pool.submit(call));
      }
      List<T> results = new ArrayList<>();
      for (Future<T> future : futures) {
        results.add(future.get(60, TimeUnit.SECONDS));
      }
      return results;
    } finally {
      pool.shutdownNow();
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

}
