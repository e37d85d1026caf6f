package dev.nerve.memory.reliability;

import static dev.nerve.memory.MemoryTests.as;
import static dev.nerve.memory.MemoryTests.freshTenant;
import static dev.nerve.memory.MemoryTests.user;
import static org.assertj.core.api.Assertions.assertThat;

import dev.nerve.api.memory.v1.LongTermMemoryServiceGrpc;
import dev.nerve.api.memory.v1.StoreMemoryRequest;
import dev.nerve.memory.MemoryTestApplication;
import dev.nerve.platform.error.ErrorCode;
import dev.nerve.platform.error.GrpcErrors;
import dev.nerve.platform.error.NerveException;
import dev.nerve.platform.grpc.ChannelFactory;
import dev.nerve.platform.identity.Identity;
import dev.nerve.platform.target.Target;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;

/**
 * Memory's bounded write queue: with room for one write at work and one waiting, a burst of
 * concurrent stores gets some through and refuses the rest at once with RESOURCE_EXHAUSTED (reason
 * OVERLOADED, a retry delay), never an error after waiting; the refusals are counted.
 */
@SpringBootTest(
    classes = MemoryTestApplication.class,
    webEnvironment = SpringBootTest.WebEnvironment.NONE,
    properties = {
      "nerve.targets=memory",
      "nerve.grpc.default-deadline=60s",
      "nerve.memory.admission.write-concurrency=1",
      "nerve.memory.admission.write-queue=1"
    })
class BackPressureIT {

  @Autowired ChannelFactory channels;
  @Autowired MeterRegistry meters;

  @Test
  void aBurstBeyondTheWriteQueueIsRefusedAtOnce() throws Exception {
    Identity alice = user(freshTenant(), "alice");
    var stub = LongTermMemoryServiceGrpc.newBlockingStub(channels.channel(Target.MEMORY));
    as(alice, () -> stub.store(StoreMemoryRequest.newBuilder().setText("warm-up").build()));

    ExecutorService pool = Executors.newFixedThreadPool(12);
    List<Future<Long>> calls = new ArrayList<>();
    List<Long> refusedMillis = java.util.Collections.synchronizedList(new ArrayList<>());
    List<NerveException> refusals = java.util.Collections.synchronizedList(new ArrayList<>());
    for (int i = 0; i < 12; i++) {
      calls.add(
          pool.submit(
              () -> {
                long started = System.nanoTime();
                try {
                  as(alice, () -> stub.store(
                      StoreMemoryRequest.newBuilder()
                          .setText("burst " + UUID.randomUUID() + " " + "word ".repeat(200))
                          .setSkipDeduplication(true)
                          .build()));
                  return 1L;
                } catch (StatusRuntimeException e) {
                  assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
                  refusals.add(GrpcErrors.fromStatus(e));
                  refusedMillis.add(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
                  return 0L;
                }
              }));
    }
    long stored = 0;
    for (Future<Long> call : calls) {
      stored += call.get(120, TimeUnit.SECONDS);
    }
    pool.shutdown();

    assertThat(stored).as("some writes get through").isGreaterThanOrEqualTo(2);
    assertThat(refusals).as("the rest are refused").isNotEmpty();
    assertThat(refusals).allSatisfy(e -> {
      assertThat(e.code()).isEqualTo(ErrorCode.OVERLOADED);
      assertThat(e.retryAfter()).contains(Duration.ofSeconds(1));
    });
    assertThat(refusedMillis).allSatisfy(ms -> assertThat(ms).as("refused at once, ms").isLessThan(500));
    assertThat(meters.get("nerve.queue.rejected").tag("queue", "memory.write").counter().count())
        .isGreaterThanOrEqualTo(refusals.size());
    assertThat(meters.get("nerve.queue.depth").tag("queue", "memory.write").gauge().value()).isZero();
  }
}
