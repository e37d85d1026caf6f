package dev.nerve.installation.environment;

import dev.nerve.platform.grpc.ChannelFactory;
import dev.nerve.platform.target.Target;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import java.util.concurrent.TimeUnit;

/**
 * A configured target answers the standard gRPC health check as SERVING; the detail names the
 * address it was reached at, so a wrong {@code nerve.services.<target>.address} shows.
 */
final class TargetHealthProbe implements Probe {

  private final Target target;
  private final String route;
  private final ChannelFactory channels;

  TargetHealthProbe(Target target, String route, ChannelFactory channels) {
    this.target = target;
    this.route = route;
    this.channels = channels;
  }

  @Override
  public String id() {
    return "grpc.health." + target.id();
  }

  @Override
  public String group() {
    return "services";
  }

  @Override
  public String title() {
    return "gRPC health of " + target.id();
  }

  @Override
  public Finding run() {
    try {
      HealthCheckResponse response =
          HealthGrpc.newBlockingStub(channels.channel(target))
              .withDeadlineAfter(3, TimeUnit.SECONDS)
              .check(HealthCheckRequest.newBuilder().setService(target.id()).build());
      String detail = target.id() + " is " + response.getStatus() + ", reached " + where();
      return response.getStatus() == HealthCheckResponse.ServingStatus.SERVING
          ? Finding.ok(detail)
          : Finding.fail(detail, "look at the " + target.id() + " service's logs and readiness");
    } catch (StatusRuntimeException e) {
      return Finding.fail(
          target.id() + " did not answer, reached " + where() + ": " + e.getStatus().getCode(),
          "start the " + target.id() + " target or fix nerve.services." + target.id() + ".address");
    }
  }

  /** How the target was reached: in this process, or at its configured address. */
  private String where() {
    return ChannelFactory.IN_PROCESS.equals(route) ? "in this process" : "at " + route;
  }
}
