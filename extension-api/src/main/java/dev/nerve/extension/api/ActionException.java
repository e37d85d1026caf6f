package dev.nerve.extension.api;

/** A failure an action reports to its caller; the message is returned, so keep secrets out of it. */
public class ActionException extends Exception {

  private static final long serialVersionUID = 1L;

  public ActionException(String message) {
    super(message);
  }

  public ActionException(String message, Throwable cause) {
    super(message, cause);
  }
}
