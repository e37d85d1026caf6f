package dev.nerve.installation.environment;

import dev.nerve.api.installation.v1.CheckStatus;

/**
 * What a {@link Probe} found, with a remedy a person can act on.
 *
 * @param status OK, WARN, FAIL or SKIPPED
 * @param detail what was found
 * @param remedy what to do about it (empty when OK)
 */
public record Finding(CheckStatus status, String detail, String remedy) {

  /** The requirement is met. */
  public static Finding ok(String detail) {
    return new Finding(CheckStatus.CHECK_STATUS_OK, detail, "");
  }

  /** It works, but needs attention. */
  public static Finding warn(String detail, String remedy) {
    return new Finding(CheckStatus.CHECK_STATUS_WARN, detail, remedy);
  }

  /** Nothing to test here (e.g. the system does not run); the detail says why. */
  public static Finding skipped(String detail) {
    return new Finding(CheckStatus.CHECK_STATUS_SKIPPED, detail, "");
  }

  /** The requirement is not met. */
  public static Finding fail(String detail, String remedy) {
    return new Finding(CheckStatus.CHECK_STATUS_FAIL, detail, remedy);
  }
}
