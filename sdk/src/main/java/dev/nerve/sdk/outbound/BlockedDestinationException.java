package dev.nerve.sdk.outbound;

import java.io.IOException;

/** The outbound guard refused a destination; nothing was sent. */
public final class BlockedDestinationException extends IOException {

  private static final long serialVersionUID = 1L;

  public BlockedDestinationException(String message) {
    super(message);
  }
}
