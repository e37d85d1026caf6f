package dev.nerve.installation.environment.smoke;

import dev.nerve.installation.environment.Probe;
import dev.nerve.platform.grpc.ChannelFactory;
import dev.nerve.platform.outbound.OutboundGuard;
import java.util.List;
import java.util.OptionalInt;
import java.util.function.Supplier;

/** The systems' smokes that {@code verify} runs after the checks and round trips, in a stable order. */
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
}
