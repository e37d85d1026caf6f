package dev.nerve.installation.environment;

import dev.nerve.api.installation.v1.CheckStatus;

/**
 * What a {@link Probe} found.
 *
 * @param status OK, WARN or FAIL
 * @param detail what was found
 * @param remedy what to do about it (empty when OK)
 */
record Finding(CheckStatus status, String detail, String remedy) {

  static Finding ok(String detail) {
    return new Finding(CheckStatus.CHECK_STATUS_OK, detail, "");
  }

  static Finding warn(String detail, String remedy) {
    return new Finding(CheckStatus.CHECK_STATUS_WARN, detail, remedy);
  }

  static Finding fail(String detail, String remedy) {
    return new Finding(CheckStatus.CHECK_STATUS_FAIL, detail, remedy);
  }
}
