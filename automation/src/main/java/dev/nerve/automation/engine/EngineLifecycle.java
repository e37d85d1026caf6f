package dev.nerve.automation.engine;

import com.github.kagkarlsson.scheduler.Scheduler;
import org.springframework.context.SmartLifecycle;

/**
 * Starts this replica's db-scheduler (claiming due work) once the context is up and the gRPC
 * servers run, and stops it first on shutdown, letting running steps finish (up to 30 s) without
 * running on into the next steps of their chains.
 */
final class EngineLifecycle implements SmartLifecycle {

  private final Scheduler scheduler;
  private final EngineTasks tasks;
  private final StepWorker worker;
  private volatile boolean running;

  EngineLifecycle(Scheduler scheduler, EngineTasks tasks, StepWorker worker) {
    this.scheduler = scheduler;
    this.tasks = tasks;
    this.worker = worker;
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
    worker.stopKeeping();
    scheduler.stop();
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
