package dev.nerve.platform.grpc;

import dev.nerve.platform.target.Target;
import io.grpc.BindableService;
import io.grpc.Server;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.ServerServiceDefinition;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.services.HealthStatusManager;
import io.grpc.protobuf.services.ProtoReflectionServiceV1;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

/**
 * Runs this process's gRPC services twice over: on an in-process server for co-located callers and
 * on a Netty server for other processes, with the same interceptors on both.
 */
public final class GrpcServers implements SmartLifecycle {

  private static final Logger log = LoggerFactory.getLogger(GrpcServers.class);

  private final List<TargetService> services;
  private final List<ServerInterceptor> interceptors;
  private final String inProcessName;
  private final int port;
  private final String address;
  private final HealthStatusManager health = new HealthStatusManager();
  private final List<Server> running = new ArrayList<>();
  private volatile int boundPort = -1;

  /**
   * @param services services of the targets running here
   * @param interceptors applied to every service; the first one listed runs first
   * @param inProcessName name of the in-process server for this application context
   * @param port network port (0 picks one, negative disables the network server)
   * @param address interface the network server binds to, e.g. {@code 127.0.0.1} or {@code 0.0.0.0}
   */
  public GrpcServers(
      List<TargetService> services,
      List<ServerInterceptor> interceptors,
      String inProcessName,
      int port,
      String address) {
    this.services = List.copyOf(services);
    this.interceptors = List.copyOf(interceptors);
    this.inProcessName = inProcessName;
    this.port = port;
    this.address = address;
  }

  @Override
  public synchronized void start() {
    List<ServerServiceDefinition> definitions = definitions();
    running.add(start(InProcessServerBuilder.forName(inProcessName), definitions));
    if (port >= 0 && !services.isEmpty()) {
      Server network =
          start(NettyServerBuilder.forAddress(new InetSocketAddress(address, port)), definitions);
      running.add(network);
      boundPort = network.getPort();
      log.info("gRPC server listening on {}:{} for {}", address, boundPort, targetIds());
    }
    for (String target : targetIds()) {
      health.setStatus(target, ServingStatus.SERVING);
    }
    health.setStatus("", ServingStatus.SERVING);
  }

  private Server start(io.grpc.ServerBuilder<?> builder, List<ServerServiceDefinition> defs) {
    defs.forEach(builder::addService);
    builder.addService(health.getHealthService());
    builder.addService(ProtoReflectionServiceV1.newInstance());
    try {
      return builder.build().start();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start gRPC server", e);
    }
  }

  private List<ServerServiceDefinition> definitions() {
    // ServerInterceptors.intercept runs the last interceptor first; callers list outermost first.
    List<ServerInterceptor> reversed = new ArrayList<>(interceptors);
    java.util.Collections.reverse(reversed);
    return services.stream()
        .map(TargetService::service)
        .map(BindableService::bindService)
        .map(definition -> ServerInterceptors.intercept(definition, reversed))
        .toList();
  }

  private Set<String> targetIds() {
    Set<String> ids = new LinkedHashSet<>();
    services.stream().map(TargetService::target).map(Target::id).forEach(ids::add);
    return ids;
  }

  @Override
  public synchronized void stop() {
    health.enterTerminalState();
    running.forEach(Server::shutdown);
    for (Server server : running) {
      try {
        if (!server.awaitTermination(5, TimeUnit.SECONDS)) {
          server.shutdownNow();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        server.shutdownNow();
      }
    }
    running.clear();
    boundPort = -1;
  }

  @Override
  public boolean isRunning() {
    return !running.isEmpty();
  }

  /** Starts before the web server and stops after it, so no HTTP request meets a stopped gRPC. */
  @Override
  public int getPhase() {
    return 0;
  }

  /** Port of the network server, or -1 when none runs. */
  public int port() {
    return boundPort;
  }

  /** Targets whose services these servers carry. */
  public Set<String> targets() {
    return targetIds();
  }

  /** Name co-located channels connect to. */
  public String inProcessName() {
    return inProcessName;
  }
}
