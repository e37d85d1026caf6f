package dev.nerve.installation.environment;

import dev.nerve.platform.grpc.ChannelFactory;
import dev.nerve.platform.target.Target;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * How this process reaches another system, for the checks and smokes that call it: in process or
 * at its configured address, and whether it answers its gRPC health check.
 *
 * @param target the system
 * @param route {@link ChannelFactory#IN_PROCESS} or the configured address
 */
public record SystemRoute(Target target, String route) {

  /** Deadline of a health check. */
  static final long HEALTH_DEADLINE_SECONDS = 3;

  /** The route to {@code target}, or empty when it neither runs here nor has an address. */
  public static Optional<SystemRoute> of(ChannelFactory channels, Target target) {
    return Optional.ofNullable(channels.routes().get(target)).map(route -> new SystemRoute(target, route));
  }

  /** The SKIPPED detail of a check of {@code target} when it has no route. */
  public static String notRunning(Target target) {
    return "the " + target.id() + " system does not run here: it is not in nerve.targets and nerve.services."
        + target.id() + ".address is not set";
  }

  /** How it was reached, for details: "in this process" or "at host:port". */
  public String where() {
    return ChannelFactory.IN_PROCESS.equals(route) ? "in this process" : "at " + route;
  }

  /** Its answer to the standard gRPC health check; a StatusRuntimeException when it does not answer in time. */
  public HealthCheckResponse.ServingStatus health(ChannelFactory channels) {
    return HealthGrpc.newBlockingStub(channels.channel(target))
        .withDeadlineAfter(HEALTH_DEADLINE_SECONDS, TimeUnit.SECONDS)
        .check(HealthCheckRequest.newBuilder().setService(target.id()).build())
        .getStatus();
  }
}
