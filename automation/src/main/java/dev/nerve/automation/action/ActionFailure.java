package dev.nerve.automation.action;

/** An action that ran and failed; its message is shown to the user as the run's error. */
public final class ActionFailure extends RuntimeException {

  private static final long serialVersionUID = 1L;

  private final boolean retryable;

  public ActionFailure(String message) {
    this(message, true);
  }

  /**
   * @param retryable false when running again cannot help (bad parameters, refused by policy)
   */
  public ActionFailure(String message, boolean retryable) {
    super(message);
    this.retryable = retryable;
  }

  public boolean retryable() {
    return retryable;
  }
}
