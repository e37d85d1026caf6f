package dev.nerve.gateway.call;

import dev.nerve.platform.grpc.ChannelFactory;
import dev.nerve.platform.identity.IdentityContext;
import dev.nerve.platform.target.Target;
import io.grpc.Channel;
import java.util.concurrent.Callable;
import java.util.function.Function;

/**
 * How gateway handlers reach services: the channel to a target and a call made as the request's
 * identity. gRPC errors propagate unchanged and are translated by the surface's error mapping.
 */
public final class ServiceCalls {

  private final Function<Target, Channel> channels;
  private final CallerIdentity identity;

  public ServiceCalls(ChannelFactory channels, CallerIdentity identity) {
    this(channels::channel, identity);
  }

  /** Calls over the given channels, e.g. an in-process server in a test. */
  public ServiceCalls(Function<Target, Channel> channels, CallerIdentity identity) {
    this.channels = channels;
    this.identity = identity;
  }

  /** Makes {@code call} on a stub of {@code target} as the current caller. */
  public <S, T> T call(Target target, Function<Channel, S> stub, Function<S, T> call) {
    S client = stub.apply(channels.apply(target));
    return as(() -> call.apply(client));
  }

  /** Runs {@code work} (typically starting a streaming call) as the current caller. */
  public <T> T as(Callable<T> work) {
    return IdentityContext.callAs(identity.current(), work);
  }

  /** The channel to a target, for streaming stubs. */
  public Channel channel(Target target) {
    return channels.apply(target);
  }
}
