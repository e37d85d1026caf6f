package dev.nerve.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import dev.nerve.api.memory.v1.Context;
import dev.nerve.api.memory.v1.ContextServiceGrpc;
import dev.nerve.api.memory.v1.GetContextRequest;
import dev.nerve.api.memory.v1.GetMemoryRequest;
import dev.nerve.api.memory.v1.LongTermMemoryServiceGrpc;
import dev.nerve.api.memory.v1.ManageContextRequest;
import dev.nerve.api.memory.v1.ShortTermMemoryServiceGrpc;
import dev.nerve.api.memory.v1.StoreMemoryRequest;
import dev.nerve.api.memory.v1.StoreShortTermItemRequest;
import dev.nerve.api.memory.v1.UpdateContextRequest;
import dev.nerve.platform.grpc.ChannelFactory;
import dev.nerve.platform.identity.Identity;
import dev.nerve.platform.identity.IdentityContext;
import dev.nerve.platform.target.Target;
import dev.nerve.testing.TestServers;
import io.grpc.Channel;
import io.grpc.Status;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.client.RestClient;

/**
 * The whole server (gateway and memory) under load while the PostgreSQL and the Redis it uses
 * (instances this test owns) are stopped and started again: calls fail with UNAVAILABLE / 503 +
 * Retry-After within 2 s instead of hanging to their deadline, readiness says which store is down,
 * the server serves again within 2 s of the store's return without a restart, a context read after
 * recovery is never stale, and nothing acknowledged is lost. Measured times are printed as
 * {@code MEASURED} lines.
 */
class StoreOutageIT {

  private static final Duration FAST = Duration.ofSeconds(2);
  private static final Identity CALLER = new Identity("outage-tenant", "outage-user", Set.of("operator"));

  @TempDir Path dir;

  private OwnedStores stores;
  private ConfigurableApplicationContext server;
  private RestClient http;
  private Channel channel;

  @BeforeEach
  void start() {
    stores = new OwnedStores(dir);
    server = stores.startNerve("gateway,memory", Map.of("nerve.grpc.default-deadline", "10s"));
    http =
        RestClient.builder()
            .baseUrl("http://localhost:" + server.getEnvironment().getProperty("local.server.port"))
            .defaultStatusHandler(HttpStatusCode::isError, (request, response) -> {})
            .build();
    channel = server.getBean(ChannelFactory.class).channel(Target.MEMORY);
  }

  @AfterEach
  void stop() {
    if (stores != null) {
      stores.close();
    }
  }

  @Test
  void postgresOutageFailsFastAndRecoversWithoutARestart() throws Exception {
    var memories = LongTermMemoryServiceGrpc.newBlockingStub(channel);
    CallLoad load = new CallLoad(4, () -> {
      String text = "outage note " + UUID.randomUUID();
      return as(() -> memories.withDeadlineAfter(10, TimeUnit.SECONDS)
          .store(StoreMemoryRequest.newBuilder().setText(text).setSkipDeduplication(true).setRequestId(UUID.randomUUID().toString()).build())
          .getMemory().getId());
    });
    load.awaitSuccesses(10);

    long down = System.nanoTime();
    stores.stopPostgres();
    CallLoad.Outcome firstFailure = load.awaitFirst(Status.Code.UNAVAILABLE, down, Duration.ofSeconds(10));
    Thread.sleep(1500);
    ResponseEntity<String> readiness = http.get().uri("/actuator/health/readiness").retrieve().toEntity(String.class);
    ResponseEntity<String> login = login();

    long up = System.nanoTime();
    stores.startPostgres();
    long ready = System.nanoTime();
    CallLoad.Outcome recovered = load.awaitFirst(Status.Code.OK, ready, Duration.ofSeconds(10));
    load.stop();

    long failFast = millis(firstFailure.startedNanos() + firstFailure.millis() * 1_000_000 - down);
    long recovery = millis(recovered.finishedNanos() - ready);
    long slowestDuringOutage = load.slowestBetween(down, up);
    System.out.printf(
        "MEASURED postgres outage: first UNAVAILABLE %d ms after the stop, slowest call during the outage %d ms,"
            + " first success %d ms after PostgreSQL was back (restart took %d ms)%n",
        failFast, slowestDuringOutage, recovery, millis(ready - up));

    assertThat(failFast).as("first UNAVAILABLE after the stop, ms").isLessThan(FAST.toMillis());
    // A call that started just before the stop has embedded its text first (up to a second or two
    // on 2 busy cores) and then fails fast; none may wait out its 10 s deadline.
    assertThat(slowestDuringOutage).as("no call hangs to its deadline, ms").isLessThan(FAST.toMillis() + 2_000);
    assertThat(load.codes()).as("outcomes").isSubsetOf(Set.of(Status.Code.OK, Status.Code.UNAVAILABLE, Status.Code.DEADLINE_EXCEEDED));
    assertThat(readiness.getStatusCode().value()).isEqualTo(503);
    assertThat(readiness.getBody()).contains("\"db\"").contains("DOWN");
    assertThat(login.getStatusCode().value()).as(login.getBody()).isEqualTo(503);
    assertThat(login.getHeaders().getFirst("Retry-After")).isNotNull();
    assertThat(login.getHeaders().getContentType()).isEqualTo(MediaType.APPLICATION_PROBLEM_JSON);
    assertThat(recovery).as("recovery after PostgreSQL returned, ms").isLessThan(FAST.toMillis());
    awaitReady();

    for (String id : load.results()) {
      assertThat(as(() -> memories.get(GetMemoryRequest.newBuilder().setId(id).build())).getId())
          .as("acknowledged memory %s", id)
          .isEqualTo(id);
    }
  }

  @Test
  void redisOutageFailsShortTermFastKeepsContextsAndNeverReadsStale() throws Exception {
    var shortTerm = ShortTermMemoryServiceGrpc.newBlockingStub(channel);
    var contexts = ContextServiceGrpc.newBlockingStub(channel);
    as(() -> contexts.manage(ManageContextRequest.newBuilder().setId("plan").setData(data(0)).build()));
    CallLoad load = new CallLoad(3, () -> as(() -> shortTerm.withDeadlineAfter(10, TimeUnit.SECONDS)
        .store(StoreShortTermItemRequest.newBuilder().setText("turn " + UUID.randomUUID()).build()).getId()));
    load.awaitSuccesses(10);
    String token = accessToken();

    long down = System.nanoTime();
    stores.stopRedis();
    CallLoad.Outcome firstFailure = load.awaitFirst(Status.Code.UNAVAILABLE, down, Duration.ofSeconds(10));
    // Contexts live in PostgreSQL: writes and reads go on while Redis is down.
    long version = 0;
    for (int n = 1; n <= 5; n++) {
      int value = n;
      version = as(() -> contexts.update(UpdateContextRequest.newBuilder().setId("plan").setMergePatch(data(value)).build())).getVersion();
      assertThat(as(() -> contexts.get(GetContextRequest.newBuilder().setId("plan").build())).getVersion()).isEqualTo(version);
    }
    long restStarted = System.nanoTime();
    ResponseEntity<String> me = http.get().uri("/api/v1/auth/me").header("Authorization", "Bearer " + token).retrieve().toEntity(String.class);
    long restMillis = millis(System.nanoTime() - restStarted);
    ResponseEntity<String> readiness = http.get().uri("/actuator/health/readiness").retrieve().toEntity(String.class);

    long up = System.nanoTime();
    stores.startRedis();
    long ready = System.nanoTime();
    CallLoad.Outcome recovered = load.awaitFirst(Status.Code.OK, ready, Duration.ofSeconds(10));
    load.stop();
    Context afterRecovery = as(() -> contexts.get(GetContextRequest.newBuilder().setId("plan").build()));

    long failFast = millis(firstFailure.finishedNanos() - down);
    long recovery = millis(recovered.finishedNanos() - ready);
    System.out.printf(
        "MEASURED redis outage: first UNAVAILABLE %d ms after the stop, slowest call during the outage %d ms,"
            + " REST request with the rate limiter failing open %d ms, first success %d ms after Redis was back%n",
        failFast, load.slowestBetween(down, up), restMillis, recovery);

    assertThat(failFast).as("first UNAVAILABLE after the stop, ms").isLessThan(FAST.toMillis());
    assertThat(load.slowestBetween(down, up)).as("no call hangs, ms").isLessThan(FAST.toMillis());
    assertThat(load.codes()).isSubsetOf(Set.of(Status.Code.OK, Status.Code.UNAVAILABLE, Status.Code.DEADLINE_EXCEEDED));
    assertThat(me.getStatusCode().value()).as("rate limiter fails open").isEqualTo(200);
    assertThat(restMillis).as("no per-request Redis penalty, ms").isLessThan(500);
    assertThat(readiness.getStatusCode().value()).isEqualTo(503);
    assertThat(readiness.getBody()).contains("\"redis\"").contains("DOWN");
    assertThat(recovery).as("recovery after Redis returned, ms").isLessThan(FAST.toMillis());
    assertThat(afterRecovery.getVersion()).as("no stale context after recovery").isEqualTo(version);
    assertThat(afterRecovery.getData()).isEqualTo(data(5));
    awaitReady();
  }

  private void awaitReady() {
    org.awaitility.Awaitility.await()
        .atMost(FAST)
        .untilAsserted(
            () -> assertThat(http.get().uri("/actuator/health/readiness").retrieve().toEntity(String.class).getStatusCode().value())
                .isEqualTo(200));
  }

  private ResponseEntity<String> login() {
    return http.post()
        .uri("/api/v1/auth/token")
        .contentType(MediaType.APPLICATION_JSON)
        .body(Map.of("username", TestServers.ADMIN_USERNAME, "password", TestServers.adminPassword()))
        .retrieve()
        .toEntity(String.class);
  }

  private String accessToken() {
    String body = login().getBody();
    return body.replaceAll(".*\"accessToken\":\"([^\"]+)\".*", "$1");
  }

  private static Struct data(int n) {
    return Struct.newBuilder().putFields("step", Value.newBuilder().setNumberValue(n).build()).build();
  }

  private static <T> T as(java.util.concurrent.Callable<T> call) {
    return IdentityContext.callAs(CALLER, call);
  }

  private static long millis(long nanos) {
    return TimeUnit.NANOSECONDS.toMillis(nanos);
  }
}
