package dev.nerve.platform.grpc;

import dev.nerve.platform.NerveProperties;
import dev.nerve.platform.error.ErrorCode;
import dev.nerve.platform.error.NerveException;
import dev.nerve.platform.target.Target;
import dev.nerve.platform.target.TargetSelection;
import io.grpc.Channel;
import io.grpc.ClientInterceptor;
import io.grpc.ClientInterceptors;
import io.grpc.ManagedChannel;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Hands out the channel to a target: in-process when the target runs in this JVM, Netty to {@code
 * nerve.services.<target>.address} otherwise, with identical interceptors either way.
 */
public final class ChannelFactory implements AutoCloseable {

  private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(ChannelFactory.class);

  /** Route description of a co-located target. */
  public static final String IN_PROCESS = "in-process";

  private final TargetSelection selection;
  private final NerveProperties properties;
  private final String inProcessName;
  private final List<ClientInterceptor> interceptors;
  private final Map<Target, ManagedChannel> raw = new EnumMap<>(Target.class);
  private final Map<Target, Channel> channels = new ConcurrentHashMap<>();

  /**
   * @param interceptors applied to every call; the first one listed runs first
   */
  public ChannelFactory(
      TargetSelection selection,
      NerveProperties properties,
      String inProcessName,
      List<ClientInterceptor> interceptors) {
    this.selection = selection;
    this.properties = properties;
    this.inProcessName = inProcessName;
    this.interceptors = List.copyOf(interceptors);
  }

  /** The channel to {@code target}; fails with UNAVAILABLE when it has no route. */
  public Channel channel(Target target) {
    return channels.computeIfAbsent(target, this::open);
  }

  /** Where each reachable service target is answered: "in-process" or its network address. */
  public Map<Target, String> routes() {
    Map<Target, String> routes = new LinkedHashMap<>();
    for (Target target : Target.values()) {
      if (target != Target.GATEWAY) {
        route(target).ifPresent(route -> routes.put(target, route));
      }
    }
    return Collections.unmodifiableMap(routes);
  }

  private java.util.Optional<String> route(Target target) {
    if (selection.runs(target)) {
      return java.util.Optional.of(IN_PROCESS);
    }
    NerveProperties.Service service = properties.services().get(target.id());
    if (service == null || service.address() == null || service.address().isBlank()) {
      return java.util.Optional.empty();
    }
    return java.util.Optional.of(service.address());
  }

  private Channel open(Target target) {
    java.util.Optional<String> found = route(target);
    if (found.isEmpty()) {
      log.warn(
          "the {} service does not run in this process and nerve.services.{}.address is not set",
          target.id(),
          target.id());
      throw new NerveException(ErrorCode.UNAVAILABLE, "the " + target.id() + " service is not available");
    }
    String route = found.get();
    ManagedChannel channel =
        IN_PROCESS.equals(route)
            ? InProcessChannelBuilder.forName(inProcessName).build()
            : NettyChannelBuilder.forTarget(route).usePlaintext().build();
    synchronized (raw) {
      raw.put(target, channel);
    }
    List<ClientInterceptor> chain = new ArrayList<>(interceptors);
    chain.add(new TargetErrorClientInterceptor("target " + target.id() + " (" + route + ")"));
    // ClientInterceptors.intercept runs the last interceptor first; the list is outermost first.
    Collections.reverse(chain);
    return ClientInterceptors.intercept(channel, chain);
  }

  @Override
  public void close() {
    synchronized (raw) {
      raw.values().forEach(ManagedChannel::shutdown);
      for (ManagedChannel channel : raw.values()) {
        try {
          channel.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        channel.shutdownNow();
      }
      raw.clear();
      channels.clear();
    }
  }
}
