package dev.nerve.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nerve.api.automation.v1.WorkflowServiceGrpc;
import dev.nerve.platform.grpc.ChannelFactory;
import dev.nerve.platform.identity.Identity;
import dev.nerve.platform.identity.IdentityContext;
import dev.nerve.platform.target.Target;
import io.grpc.Status;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The automation engine while its PostgreSQL (an instance this test owns) is stopped and started
 * again under a stream of executions: Execute fails fast with UNAVAILABLE (or DEADLINE_EXCEEDED
 * when a commit's outcome is unknown) instead of hanging, serves again soon after the database is
 * back without a restart, and every execution it acknowledged, including those whose steps were
 * running when the database went away, finishes successfully afterwards.
 */
class AutomationOutageIT {

  private static final Identity CALLER = new Identity("outage-automation", "operator-1", Set.of("operator"));

  @TempDir Path dir;

  private OwnedStores stores;
  private ConfigurableApplicationContext server;

  @AfterEach
  void stop() {
    if (stores != null) {
      stores.close();
    }
  }

  @Test
  void acknowledgedExecutionsFinishAfterAPostgresOutage() throws Exception {
    stores = new OwnedStores(dir);
    server = stores.startNerve("automation", DrillWorkflow.ENGINE);
    var workflows = WorkflowServiceGrpc.newBlockingStub(server.getBean(ChannelFactory.class).channel(Target.AUTOMATION));
    DrillWorkflow drill = DrillWorkflow.create(workflows, CALLER, "through-outage", 300);

    CallLoad load = new CallLoad(3, () -> as(() -> workflows.withDeadlineAfter(10, TimeUnit.SECONDS)
        .execute(drill.execute(UUID.randomUUID().toString())).getExecutionId()));
    load.awaitSuccesses(20);

    long down = System.nanoTime();
    stores.stopPostgres();
    CallLoad.Outcome firstFailure = load.awaitFirst(Status.Code.UNAVAILABLE, down, Duration.ofSeconds(10));
    Thread.sleep(3000);
    long up = System.nanoTime();
    stores.startPostgres();
    long ready = System.nanoTime();
    CallLoad.Outcome recovered = load.awaitFirst(Status.Code.OK, ready, Duration.ofSeconds(15));
    load.awaitSuccesses(load.results().size() + 10);
    load.stop();

    long failFast = TimeUnit.NANOSECONDS.toMillis(firstFailure.finishedNanos() - down);
    long recovery = TimeUnit.NANOSECONDS.toMillis(recovered.finishedNanos() - ready);
    System.out.printf(
        "MEASURED automation postgres outage: first UNAVAILABLE %d ms after the stop, slowest call during the outage %d ms,"
            + " first success %d ms after PostgreSQL was back, %d executions acknowledged%n",
        failFast, load.slowestBetween(down, up), recovery, load.results().size());
    assertThat(failFast).as("first UNAVAILABLE after the stop, ms").isLessThan(2_000);
    assertThat(load.slowestBetween(down, up)).as("no call hangs to its deadline, ms").isLessThan(4_000);
    assertThat(load.codes()).as("outcomes").isSubsetOf(Set.of(Status.Code.OK, Status.Code.UNAVAILABLE, Status.Code.DEADLINE_EXCEEDED));
    assertThat(recovery).as("first success after PostgreSQL returned, ms").isLessThan(5_000);

    drill.assertAllSucceed(workflows, load.results());
  }

  private static <T> T as(Callable<T> call) {
    return IdentityContext.callAs(CALLER, call);
  }
}
