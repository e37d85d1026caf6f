package dev.nerve.sdk.endpoint;

import dev.nerve.sdk.outbound.OutboundFailure;

/** A network failure of one attempt, which the retry policy may retry. */
final class RetryableFailure extends Exception {

  private static final long serialVersionUID = 1L;

  private final transient OutboundFailure failure;

  RetryableFailure(OutboundFailure failure, Throwable cause) {
    super(failure.name(), cause, false, false);
    this.failure = failure;
  }

  OutboundFailure failure() {
    return failure;
  }
}
