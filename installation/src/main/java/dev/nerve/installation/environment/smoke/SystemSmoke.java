package dev.nerve.installation.environment.smoke;

import dev.nerve.installation.environment.Finding;
import dev.nerve.installation.environment.Probe;
import dev.nerve.installation.environment.SystemRoute;
import dev.nerve.platform.grpc.ChannelFactory;
import dev.nerve.platform.identity.Identity;
import dev.nerve.platform.identity.IdentityContext;
import dev.nerve.platform.target.Target;
import io.grpc.Channel;
import io.grpc.StatusRuntimeException;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;

/**
 * A live smoke of one system through its gRPC contract, so {@code verify} proves the system does
 * its job, not only that it answers a health check. It acts as an internal administrator of the
 * dedicated tenant {@value #TENANT}, so user data is never read or touched, deletes what it
 * created, and reports SKIPPED when the system does not run here.
 */
abstract class SystemSmoke implements Probe {

  /** The tenant every smoke acts in; no person or key of a real tenant can see it. */
  static final String TENANT = SmokeTenant.ID;
  /** Who the smokes act as: an administrator of {@link #TENANT} only. */
  static final Identity VERIFIER = new Identity(TENANT, "installation-verify", Set.of("admin"));
  /** Deadline of every single call; a call that takes longer fails the smoke instead of hanging it. */
  static final Duration CALL_DEADLINE = Duration.ofSeconds(10);

  private final Target target;
  private final ChannelFactory channels;

  SystemSmoke(Target target, ChannelFactory channels) {
    this.target = target;
    this.channels = channels;
  }

  @Override
  public final String id() {
    return "smoke." + target.id() + suffix();
  }

  /** Distinguishes two smokes of one system, e.g. {@code .context}; empty by default. */
  String suffix() {
    return "";
  }

  @Override
  public final String group() {
    return "services";
  }

  @Override
  public final Finding run() throws Exception {
    Optional<SystemRoute> route = SystemRoute.of(channels, target);
    if (route.isEmpty()) {
      return Finding.skipped(SystemRoute.notRunning(target));
    }
    String where = route.get().where();
    // A system that does not answer its health check would only make every step wait for its
    // deadline: say so at once instead.
    String health = health(route.get());
    if (!health.equals("SERVING")) {
      return Finding.fail(
          "the smoke did not run: " + target.id() + " " + where + " is " + health + " (see grpc.health." + target.id() + ")",
          "start the " + target.id() + " target or fix nerve.services." + target.id() + ".address");
    }
    try {
      return IdentityContext.callAs(VERIFIER, () -> smoke(channels.channel(target), where));
    } catch (StepFailed e) {
      return Finding.fail(
          "could not " + e.step + " (" + target.id() + " " + where + "): " + e.getMessage(),
          "look at the " + target.id() + " service's log; `nerve doctor` shows whether its storage is healthy");
    }
  }

  /**
   * Runs the smoke on {@code channel}, calls made as {@link #VERIFIER}; {@code where} says how the
   * system was reached, for the detail.
   */
  abstract Finding smoke(Channel channel, String where) throws Exception;

  /** The system's gRPC health status, or what kept it from answering in time. */
  private String health(SystemRoute route) {
    try {
      return route.health(channels).name();
    } catch (StatusRuntimeException e) {
      return "not answering (" + e.getStatus().getCode() + ")";
    }
  }

  /** Runs one step, turning a refused or failed call into a failure naming the step. */
  static <T> T step(String step, Callable<T> call) {
    try {
      return call.call();
    } catch (StatusRuntimeException e) {
      String description = e.getStatus().getDescription();
      throw new StepFailed(step, e.getStatus().getCode() + (description == null ? "" : ": " + description));
    } catch (StepFailed e) {
      throw e;
    } catch (Exception e) {
      throw new StepFailed(step, e.toString());
    }
  }

  /** The stub with the per-call deadline, counted from now: make one per call. */
  static <S extends io.grpc.stub.AbstractStub<S>> S deadline(S stub) {
    return stub.withDeadlineAfter(CALL_DEADLINE.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
  }

  /** Fails the smoke at {@code step} with {@code message} unless {@code condition} holds. */
  static void expect(boolean condition, String step, String message) {
    if (!condition) {
      throw new StepFailed(step, message);
    }
  }

  /** A fresh name for something the smoke creates, recognisable as the verifier's. */
  static String name() {
    return "nerve-verify-" + UUID.randomUUID().toString().substring(0, 12);
  }

  /** Why a smoke stopped, and at which step. */
  static final class StepFailed extends RuntimeException {
    private final String step;

    StepFailed(String step, String message) {
      super(message, null, false, false);
      this.step = step;
    }
  }
}
