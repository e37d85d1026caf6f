package dev.nerve.sdk.endpoint;

import dev.nerve.platform.error.NerveException;

/**
 * A transport failure of one attempt (UNAVAILABLE: nothing was sent; DEADLINE_EXCEEDED: the
 * outcome is unknown), which the retry policy may retry.
 */
final class RetryableFailure extends Exception {

  private static final long serialVersionUID = 1L;

  private final transient NerveException failure;

  RetryableFailure(NerveException failure) {
    super(failure.getMessage(), failure, false, false);
    this.failure = failure;
  }

  NerveException failure() {
    return failure;
  }
}
