package dev.nerve.platform.outbound;

import java.net.UnknownHostException;

/**
 * Carries a refusal through Apache HttpClient, whose resolver and executor may only throw I/O
 * exceptions; {@link GuardedHttpClient} unwraps it.
 */
final class RefusedHostException extends UnknownHostException {

  private static final long serialVersionUID = 1L;

  private final transient OutboundRefusedException refusal;

  RefusedHostException(OutboundRefusedException refusal) {
    super(refusal.getMessage());
    this.refusal = refusal;
  }

  OutboundRefusedException refusal() {
    return refusal;
  }
}
