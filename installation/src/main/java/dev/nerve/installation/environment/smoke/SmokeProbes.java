package dev.nerve.installation.environment.smoke;

import dev.nerve.installation.environment.Probe;
import dev.nerve.platform.grpc.ChannelFactory;
import dev.nerve.platform.outbound.OutboundGuard;
import java.util.List;
import java.util.OptionalInt;
import java.util.function.Supplier;

/**
 * The probes that reach other systems through their contracts: the smokes {@code verify} runs
 * after the checks and round trips, and the checks made through a contract.
 */
public final class SmokeProbes {

  private SmokeProbes() {}

  /**
   * @param httpPort this process's HTTP port (the SDK smoke's loopback target), empty when none
   */
  public static List<Probe> of(ChannelFactory channels, OutboundGuard guard, Supplier<OptionalInt> httpPort) {
    return List.of(
        new MemorySmoke(channels),
        new ContextSmoke(channels),
        new AutomationSmoke(channels),
        new SdkSmoke(channels, guard, httpPort),
        new LearningSmoke(channels));
  }

  /** Checks made through another system's contract, without writing: memory's embedding model, the caller's extensions. */
  public static List<Probe> checks(ChannelFactory channels) {
    return List.of(new EmbeddingProbe(channels), new ExtensionsProbe(channels));
  }
}
