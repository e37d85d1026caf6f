package dev.nerve.platform.activity;

import org.springframework.context.SmartLifecycle;

/**
 * One producer's activity outbox: the {@link ActivityRecorder} it writes with and the {@link
 * OutboxRelay} that delivers to the learning target, started once the application (and so the
 * schema's migrations) is up. A producer declares it as a bean from {@link ActivityOutboxes}.
 */
public final class ActivityOutbox implements SmartLifecycle {

  private final ActivityRecorder recorder;
  private final OutboxRelay relay;
  private final boolean enabled;

  ActivityOutbox(ActivityRecorder recorder, OutboxRelay relay, boolean enabled) {
    this.recorder = recorder;
    this.relay = relay;
    this.enabled = enabled;
  }

  /** What the producer records with. */
  public ActivityRecorder recorder() {
    return recorder;
  }

  /** The relay, e.g. to drain once in a test. */
  public OutboxRelay relay() {
    return relay;
  }

  @Override
  public void start() {
    if (enabled) {
      relay.start();
    }
  }

  @Override
  public void stop() {
    relay.close();
  }

  @Override
  public boolean isRunning() {
    return relay.running();
  }
}
