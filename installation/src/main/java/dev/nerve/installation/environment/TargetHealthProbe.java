package dev.nerve.installation.environment;

import dev.nerve.platform.grpc.ChannelFactory;
import dev.nerve.platform.target.Target;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckResponse;

/**
 * A configured target answers the standard gRPC health check as SERVING; the detail names the
 * address it was reached at, so a wrong {@code nerve.services.<target>.address} shows.
 */
final class TargetHealthProbe implements Probe {

  private final SystemRoute route;
  private final ChannelFactory channels;

  TargetHealthProbe(Target target, String route, ChannelFactory channels) {
    this.route = new SystemRoute(target, route);
    this.channels = channels;
  }

  @Override
  public String id() {
    return "grpc.health." + route.target().id();
  }

  @Override
  public String group() {
    return "services";
  }

  @Override
  public String title() {
    return "gRPC health of " + route.target().id();
  }

  @Override
  public Finding run() {
    String id = route.target().id();
    try {
      HealthCheckResponse.ServingStatus status = route.health(channels);
      String detail = id + " is " + status + ", reached " + route.where();
      return status == HealthCheckResponse.ServingStatus.SERVING
          ? Finding.ok(detail)
          : Finding.fail(detail, "look at the " + id + " service's logs and readiness");
    } catch (StatusRuntimeException e) {
      return Finding.fail(
          id + " did not answer, reached " + route.where() + ": " + e.getStatus().getCode(),
          "start the " + id + " target or fix nerve.services." + id + ".address");
    }
  }
}
