package dev.nerve.platform.grpc;

import dev.nerve.platform.error.ErrorCode;
import dev.nerve.platform.error.NerveException;
import io.grpc.Context;
import io.grpc.Deadline;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The deadline of the gRPC call being served, as the platform's one place to ask "may this work
 * still take effect?". A write checks it just before committing: past the deadline the caller has
 * already been told DEADLINE_EXCEEDED, so committing would do work behind its back; rolling back
 * instead makes a retry (with the same request id) the only way the write happens.
 * Every transaction of the platform's transaction manager checks it (see {@code
 * DeadlineTransactionManager}); code that writes outside a transaction calls {@link
 * #checkBeforeCommit()} itself.
 */
public final class CallDeadline {

  private CallDeadline() {}

  /** Time left until the current call's deadline; empty outside a call or for calls without one. */
  public static Optional<Duration> remaining() {
    Deadline deadline = Context.current().getDeadline();
    return deadline == null
        ? Optional.empty()
        : Optional.of(Duration.ofNanos(Math.max(0, deadline.timeRemaining(TimeUnit.NANOSECONDS))));
  }

  /** Whether the current call's deadline has passed or the caller cancelled it. */
  public static boolean expired() {
    return expired(Context.current());
  }

  /**
   * Whether the deadline of the call whose context this is has passed or its caller cancelled it
   * (for work done for a call on another thread).
   */
  public static boolean expired(Context context) {
    Deadline deadline = context.getDeadline();
    return (deadline != null && deadline.isExpired()) || context.isCancelled();
  }

  /** Fails with DEADLINE_EXCEEDED when the current call may no longer take effect. */
  public static void checkBeforeCommit() {
    if (expired()) {
      throw passed();
    }
  }

  /** The answer to a call whose write did not happen because its deadline passed first. */
  public static NerveException passed() {
    return new NerveException(
        ErrorCode.DEADLINE_EXCEEDED, "the deadline passed before the write could commit; nothing was written");
  }
}
