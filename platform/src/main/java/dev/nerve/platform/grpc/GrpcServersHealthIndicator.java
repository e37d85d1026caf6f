package dev.nerve.platform.grpc;

import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;

/** Readiness signal: this process's gRPC servers accept calls for its targets. */
public final class GrpcServersHealthIndicator extends AbstractHealthIndicator {

  private final GrpcServers servers;

  public GrpcServersHealthIndicator(GrpcServers servers) {
    this.servers = servers;
  }

  @Override
  protected void doHealthCheck(Health.Builder builder) {
    (servers.isRunning() ? builder.up() : builder.down())
        .withDetail("targets", servers.targets())
        .withDetail("port", servers.port());
  }
}
