package dev.nerve.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import dev.nerve.api.automation.v1.ExecutionResult;
import dev.nerve.api.automation.v1.WorkflowServiceGrpc;
import dev.nerve.api.common.v1.PageRequest;
import dev.nerve.api.memory.v1.Context;
import dev.nerve.api.memory.v1.ContextServiceGrpc;
import dev.nerve.api.memory.v1.GetContextRequest;
import dev.nerve.api.memory.v1.GetMemoryRequest;
import dev.nerve.api.memory.v1.ListMemoriesRequest;
import dev.nerve.api.memory.v1.ListMemoriesResponse;
import dev.nerve.api.memory.v1.LongTermMemoryServiceGrpc;
import dev.nerve.api.memory.v1.ManageContextRequest;
import dev.nerve.api.memory.v1.Memory;
import dev.nerve.api.memory.v1.SearchMemoriesRequest;
import dev.nerve.api.memory.v1.StoreMemoryRequest;
import dev.nerve.api.memory.v1.StoreMemoryResponse;
import dev.nerve.platform.embedded.Orphans;
import dev.nerve.platform.identity.Identity;
import dev.nerve.platform.identity.IdentityClientInterceptor;
import dev.nerve.platform.identity.IdentityContext;
import dev.nerve.platform.identity.InternalSecret;
import dev.nerve.testing.TestPorts;
import io.grpc.ClientInterceptors;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged server ({@code nerve-exec.jar}) killed with {@code kill -9} in the middle of
 * concurrent writes, then started again on the same data directory (embedded PostgreSQL and
 * Redis): it starts on the first try, every acknowledged memory and context version is there and
 * searchable, retrying every unacknowledged write with its request id creates no duplicate, and
 * no process or temporary folder is left behind. The second case kills the embedded PostgreSQL
 * (and Redis) together with the JVM, as a container or OOM kill does. The third does that to the
 * automation engine with executions in flight.
 */
class CrashRecoveryIT {

  private static final int WRITERS = 8;
  private static final String SECRET = "crash-" + UUID.randomUUID() + UUID.randomUUID();
  private static final Identity WRITER = new Identity("crash-tenant", "crash-user", Set.of("operator"));

  @TempDir Path dataDir;

  private final List<String> postgresPorts = new ArrayList<>();

  @Test
  void killedMidWriteRestartsAndLosesNothingAcknowledged() throws Exception {
    crashAndRecover(false);
  }

  @Test
  void killedTogetherWithItsDatabaseLosesNothingAcknowledged() throws Exception {
    crashAndRecover(true);
  }

  private void crashAndRecover(boolean killStoresToo) throws Exception {
    int grpcPort = TestPorts.free();
    Writes writes = new Writes();

    NerveProcess first = start(grpcPort);
    try (Connection connection = new Connection(grpcPort)) {
      ManagedChannel channel = connection.channel();
      ExecutorService writers = Executors.newFixedThreadPool(WRITERS + 1);
      AtomicBoolean running = new AtomicBoolean(true);
      for (int w = 0; w < WRITERS; w++) {
        int writer = w;
        writers.submit(() -> storeLoop(channel, writer, running, writes));
      }
      writers.submit(() -> contextLoop(channel, running, writes));
      Awaitility.await().atMost(Duration.ofSeconds(90)).until(() -> writes.acknowledged.size() >= 30);

      List<ProcessHandle> stores = storeProcesses();
      postgresPorts.add(postgresPort());
      first.kill();
      if (killStoresToo) {
        // Everything at once, as a container kill or the OOM killer does.
        stores.forEach(ProcessHandle::destroyForcibly);
      }
      Thread.sleep(500);
      running.set(false);
      writers.shutdown();
      assertThat(writers.awaitTermination(60, TimeUnit.SECONDS)).isTrue();
    }
    assertThat(writes.acknowledged).as("acknowledged stores before the kill").hasSizeGreaterThanOrEqualTo(30);
    List<Path> leftovers = tmpEntries();

    long restart = System.nanoTime();
    NerveProcess second = start(grpcPort);
    long restartSeconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - restart);
    postgresPorts.add(postgresPort());
    assertThat(leftovers.stream().filter(Files::exists)).as("temporary files of the crashed process, after the restart").isEmpty();
    try (Connection connection = new Connection(grpcPort)) {
      ManagedChannel channel = connection.channel();
      LongTermMemoryServiceGrpc.LongTermMemoryServiceBlockingStub memories =
          LongTermMemoryServiceGrpc.newBlockingStub(signed(channel));

      for (Acknowledged ack : writes.acknowledged.values()) {
        Memory memory = as(() -> memories.withDeadlineAfter(30, TimeUnit.SECONDS).get(GetMemoryRequest.newBuilder().setId(ack.memoryId()).build()));
        assertThat(memory.getText()).isEqualTo(ack.request().getText());
      }
      Acknowledged probe = writes.acknowledged.values().iterator().next();
      Awaitility.await()
          .atMost(Duration.ofSeconds(20))
          .untilAsserted(
              () ->
                  assertThat(
                          as(() -> memories.withDeadlineAfter(30, TimeUnit.SECONDS).search(
                                      SearchMemoriesRequest.newBuilder().setQuery(token(probe.request())).build()))
                              .getHitsList())
                      .extracting(hit -> hit.getMemory().getId())
                      .as("acknowledged memories are searchable after the restart")
                      .contains(probe.memoryId()));

      var contexts = ContextServiceGrpc.newBlockingStub(signed(channel));
      int acknowledgedVersion = writes.contextVersion.get();
      if (acknowledgedVersion > 0) {
        Context context = as(() -> contexts.get(GetContextRequest.newBuilder().setId("crash-context").build()));
        assertThat(context.getVersion()).as("acknowledged context version").isGreaterThanOrEqualTo(acknowledgedVersion);
      }

      // Retry everything: acknowledged writes return their memory, unacknowledged ones land once.
      for (Acknowledged ack : writes.acknowledged.values()) {
        StoreMemoryResponse again = as(() -> memories.store(ack.request()));
        assertThat(again.getMemory().getId()).isEqualTo(ack.memoryId());
      }
      for (StoreMemoryRequest lost : writes.unacknowledged.values()) {
        as(() -> memories.store(lost));
      }
      Set<String> requestIds = new HashSet<>(writes.acknowledged.keySet());
      requestIds.addAll(writes.unacknowledged.keySet());
      assertThat(allMemories(memories)).as("one memory per request id, no duplicates").hasSize(requestIds.size());
    } finally {
      List<ProcessHandle> stores = storeProcesses();
      second.close();
      for (ProcessHandle store : stores) {
        store.onExit().get(30, TimeUnit.SECONDS);
      }
    }
    System.out.printf(
        "MEASURED crash (%s): %d acknowledged and %d unacknowledged stores, context at version %d; restart took %d s%n",
        killStoresToo ? "JVM, PostgreSQL and Redis killed" : "JVM killed",
        writes.acknowledged.size(),
        writes.unacknowledged.size(),
        writes.contextVersion.get(),
        restartSeconds);
    assertThat(restartSeconds).as("restart seconds (first try)").isLessThan(120);
    assertThat(Orphans.find(dataDir.resolve("postgres"), Optional.empty(), command -> true)).as("PostgreSQL processes left").isEmpty();
    assertThat(Orphans.find(dataDir.resolve("redis"), Optional.empty(), command -> true)).as("Redis processes left").isEmpty();
    for (String port : postgresPorts) {
      assertThat(Path.of(System.getProperty("java.io.tmpdir"), ".s.PGSQL." + port)).as("PostgreSQL socket file").doesNotExist();
    }
  }

  /**
   * The automation engine killed together with its embedded stores while executions are in
   * flight (a queued step, a step holding a worker, a step run in place): after the restart every
   * acknowledged execution ends SUCCEEDED, and repeating any Execute with its request id returns
   * the execution it started, never a second one.
   */
  @Test
  void killedWithWorkflowsInFlightFinishesEveryAcknowledgedExecution() throws Exception {
    int grpcPort = TestPorts.free();
    String[] engine = DrillWorkflow.ENGINE.entrySet().stream().map(e -> "--" + e.getKey() + "=" + e.getValue()).toArray(String[]::new);
    Map<String, String> acknowledged = new ConcurrentHashMap<>();
    Set<String> unacknowledged = ConcurrentHashMap.newKeySet();

    NerveProcess first = start(grpcPort, "automation", engine);
    try (Connection connection = new Connection(grpcPort)) {
      var workflows = WorkflowServiceGrpc.newBlockingStub(signed(connection.channel()));
      DrillWorkflow drill = DrillWorkflow.create(workflows, WRITER, "crashing", 800);
      ExecutorService clients = Executors.newFixedThreadPool(4);
      AtomicBoolean running = new AtomicBoolean(true);
      for (int c = 0; c < 4; c++) {
        clients.submit(() -> {
          while (running.get()) {
            String requestId = UUID.randomUUID().toString();
            unacknowledged.add(requestId);
            try {
              ExecutionResult started = as(() -> workflows.withDeadlineAfter(10, TimeUnit.SECONDS).execute(drill.execute(requestId)));
              acknowledged.put(requestId, started.getExecutionId());
              unacknowledged.remove(requestId);
            } catch (StatusRuntimeException e) {
              pause(50); // not acknowledged: it may or may not have started; repeated after the restart
            }
          }
        });
      }
      Awaitility.await().atMost(Duration.ofSeconds(90)).until(() -> acknowledged.size() >= 40);
      List<ProcessHandle> stores = storeProcesses();
      first.kill();
      stores.forEach(ProcessHandle::destroyForcibly);
      Thread.sleep(500);
      running.set(false);
      clients.shutdown();
      assertThat(clients.awaitTermination(60, TimeUnit.SECONDS)).isTrue();
    }

    NerveProcess second = start(grpcPort, "automation", engine);
    try (Connection connection = new Connection(grpcPort)) {
      var workflows = WorkflowServiceGrpc.newBlockingStub(signed(connection.channel()));
      DrillWorkflow drill = DrillWorkflow.existing("crashing", WRITER);
      Map<String, String> all = new java.util.HashMap<>(acknowledged);
      for (String requestId : unacknowledged) {
        all.put(requestId, as(() -> workflows.execute(drill.execute(requestId))).getExecutionId());
      }
      for (var entry : acknowledged.entrySet()) {
        assertThat(as(() -> workflows.execute(drill.execute(entry.getKey()))).getExecutionId())
            .as("Execute repeated with request id %s", entry.getKey())
            .isEqualTo(entry.getValue());
      }
      drill.assertAllSucceed(workflows, all.values());
      System.out.printf("MEASURED automation crash: %d acknowledged and %d unacknowledged executions, all SUCCEEDED after the restart%n",
          acknowledged.size(), unacknowledged.size());
    } finally {
      List<ProcessHandle> stores = storeProcesses();
      second.close();
      for (ProcessHandle store : stores) {
        store.onExit().get(30, TimeUnit.SECONDS);
      }
    }
  }

  private NerveProcess start(int grpcPort) throws InterruptedException {
    return start(grpcPort, "memory");
  }

  private NerveProcess start(int grpcPort, String targets, String... settings) throws InterruptedException {
    List<String> args = new ArrayList<>(List.of(
        "--targets=" + targets,
        "--server.port=0",
        "--nerve.grpc.port=" + grpcPort,
        "--nerve.data-dir=" + dataDir,
        "--nerve.grpc.default-deadline=30s"));
    args.addAll(List.of(settings));
    return NerveProcess.startPackaged(
            // As the nerve script and the image do: the JVM's temporary files under the data directory.
            List.of("-Djava.io.tmpdir=" + dataDir.resolve("tmp")), args, Map.of("NERVE_INTERNAL_SECRET", SECRET))
        .awaitStarted(Duration.ofSeconds(180));
  }

  /** A plaintext channel to the server's gRPC port, closed with the try block. */
  private record Connection(ManagedChannel channel) implements AutoCloseable {
    Connection(int port) {
      this(NettyChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build());
    }

    @Override
    public void close() {
      channel.shutdownNow();
    }
  }

  /** Calls on {@code channel} carrying the caller's identity, signed with the server's secret. */
  private static io.grpc.Channel signed(ManagedChannel channel) {
    return ClientInterceptors.intercept(channel, new IdentityClientInterceptor(InternalSecret.of(SECRET)));
  }

  private static <T> T as(java.util.concurrent.Callable<T> call) {
    return IdentityContext.callAs(WRITER, call);
  }

  private void storeLoop(ManagedChannel channel, int writer, AtomicBoolean running, Writes writes) {
    var stub = LongTermMemoryServiceGrpc.newBlockingStub(signed(channel));
    for (int i = 0; running.get(); i++) {
      String requestId = "w" + writer + "-" + i + "-" + UUID.randomUUID();
      StoreMemoryRequest request =
          StoreMemoryRequest.newBuilder()
              .setText("crash note " + requestId.replace("-", "") + " from writer " + writer)
              .setSkipDeduplication(true)
              .setRequestId(requestId)
              .build();
      writes.unacknowledged.put(requestId, request);
      try {
        StoreMemoryResponse response = as(() -> stub.withDeadlineAfter(10, TimeUnit.SECONDS).store(request));
        writes.unacknowledged.remove(requestId);
        writes.acknowledged.put(requestId, new Acknowledged(request, response.getMemory().getId()));
      } catch (StatusRuntimeException e) {
        // Not acknowledged: it may or may not have been written; retried after the restart.
        pause(50);
      }
    }
  }

  private void contextLoop(ManagedChannel channel, AtomicBoolean running, Writes writes) {
    var stub = ContextServiceGrpc.newBlockingStub(signed(channel));
    for (int n = 1; running.get(); n++) {
      ManageContextRequest request =
          ManageContextRequest.newBuilder()
              .setId("crash-context")
              .setData(Struct.newBuilder().putFields("n", Value.newBuilder().setNumberValue(n).build()))
              .build();
      try {
        Context context = as(() -> stub.withDeadlineAfter(10, TimeUnit.SECONDS).manage(request));
        writes.contextVersion.accumulateAndGet((int) context.getVersion(), Math::max);
      } catch (StatusRuntimeException e) {
        pause(50);
      }
    }
  }

  private static List<String> allMemories(LongTermMemoryServiceGrpc.LongTermMemoryServiceBlockingStub memories) {
    List<String> ids = new ArrayList<>();
    String cursor = "";
    while (true) {
      String after = cursor;
      ListMemoriesResponse page =
          as(() -> memories.list(ListMemoriesRequest.newBuilder().setPage(PageRequest.newBuilder().setPageSize(500).setCursor(after)).build()));
      page.getMemoriesList().forEach(m -> ids.add(m.getId()));
      if (!page.getPageInfo().getHasNextPage()) {
        return ids;
      }
      cursor = page.getPageInfo().getNextCursor();
    }
  }

  /** The unique word of a stored text, to search for it. */
  private static String token(StoreMemoryRequest request) {
    return request.getText().split(" ")[2];
  }

  private List<ProcessHandle> storeProcesses() {
    List<ProcessHandle> found = new ArrayList<>();
    Orphans.find(dataDir.resolve("postgres"), Optional.of(dataDir.resolve("postgres").resolve("postmaster.pid")), c -> true)
        .forEach(found::add);
    Orphans.find(dataDir.resolve("redis"), Optional.empty(), c -> true).forEach(found::add);
    return found;
  }

  /** What the server's JVM keeps in its temporary directory (the lock aside). */
  private List<Path> tmpEntries() throws Exception {
    Path tmp = dataDir.resolve("tmp");
    if (!Files.isDirectory(tmp)) {
      return List.of();
    }
    try (Stream<Path> entries = Files.list(tmp)) {
      return entries.filter(p -> !p.getFileName().toString().equals("nerve.lock")).toList();
    }
  }

  /** The embedded PostgreSQL's port, from line 4 of its postmaster.pid. */
  private String postgresPort() throws Exception {
    return Files.readAllLines(dataDir.resolve("postgres").resolve("postmaster.pid")).get(3).strip();
  }

  private static void pause(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** A store the server acknowledged, with the memory it answered. */
  private record Acknowledged(StoreMemoryRequest request, String memoryId) {}

  /** What the writers sent and what was acknowledged. */
  private static final class Writes {
    final Map<String, Acknowledged> acknowledged = new ConcurrentHashMap<>();
    final Map<String, StoreMemoryRequest> unacknowledged = new ConcurrentHashMap<>();
    final AtomicInteger contextVersion = new AtomicInteger();
  }
}
