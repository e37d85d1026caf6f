package dev.nerve.installation.setup;

/** A step that could not be done for a reason other than the caller's input; setup stops there. */
final class StepFailure extends RuntimeException {

  StepFailure(String detail, Throwable cause) {
    super(detail, cause);
  }
}
