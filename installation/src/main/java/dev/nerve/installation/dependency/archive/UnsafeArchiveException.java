package dev.nerve.installation.dependency.archive;

import dev.nerve.platform.error.ErrorCode;
import dev.nerve.platform.error.NerveException;

/** An archive that is refused: not a zip, an entry leaving the target, or over a limit. */
public final class UnsafeArchiveException extends NerveException {

  private static final long serialVersionUID = 1L;

  public UnsafeArchiveException(String message) {
    super(ErrorCode.INVALID_ARGUMENT, message);
  }
}
