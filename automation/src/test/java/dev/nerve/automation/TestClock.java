package dev.nerve.automation;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * The scheduling clock of the shared test context: the system clock until a test pins it to a
 * moment (to fire a task's occurrence months away on time), and again once the test releases it.
 */
public final class TestClock extends Clock {

  private volatile Instant pinned;

  /** From now on the clock reads {@code at}. */
  public void pin(Instant at) {
    pinned = at;
  }

  /** Back to the system clock. */
  public void release() {
    pinned = null;
  }

  @Override
  public Instant instant() {
    Instant at = pinned;
    return at == null ? Instant.now() : at;
  }

  @Override
  public ZoneId getZone() {
    return ZoneOffset.UTC;
  }

  @Override
  public Clock withZone(ZoneId zone) {
    return this;
  }
}
