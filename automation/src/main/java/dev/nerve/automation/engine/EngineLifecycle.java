package dev.nerve.automation.engine;

import com.github.kagkarlsson.scheduler.Scheduler;
import java.time.Duration;
import java.time.Instant;
import org.springframework.context.SmartLifecycle;

/**
 * Starts this replica's db-scheduler (claiming due work) once the context is up and the gRPC
 * servers run, and stops it first on shutdown: no more local starts, running steps (claimed or
 * started here) may finish within 30 s without running on into the next steps of their chains;
 * what is left is revived elsewhere after its lease.
 */
final class EngineLifecycle implements SmartLifecycle {

  private final Scheduler scheduler;
  private final EngineTasks tasks;
  private final StepWorker worker;
  private final LocalStarts local;
  private volatile boolean running;

  /** How long shutdown waits for running steps (db-scheduler's shutdownMaxWait too). */
  static final Duration SHUTDOWN_WAIT = Duration.ofSeconds(30);

  EngineLifecycle(Scheduler scheduler, EngineTasks tasks, StepWorker worker, LocalStarts local) {
    this.scheduler = scheduler;
    this.tasks = tasks;
    this.worker = worker;
    this.local = local;
  }

  @Override
  public void start() {
    if (!tasks.ready()) {
      throw new IllegalStateException("automation engine handlers are not all bound");
    }
    scheduler.start();
    running = true;
  }

  @Override
  public void stop() {
    running = false;
    Instant deadline = Instant.now().plus(SHUTDOWN_WAIT);
    local.stopAccepting();
    worker.stopKeeping();
    scheduler.stop();
    local.finish(deadline);
    worker.close();
  }

  @Override
  public boolean isRunning() {
    return running;
  }

  @Override
  public int getPhase() {
    return 100;
  }
}
