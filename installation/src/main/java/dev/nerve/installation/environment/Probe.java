package dev.nerve.installation.environment;

/**
 * One environment requirement Nerve can test on its own, with a remedy when it fails. Public so
 * other features of the installation target contribute checks as beans.
 */
public interface Probe {

  /** Stable id, e.g. {@code postgres.reachable}. */
  String id();

  /** Short human title. */
  String title();

  /** Group for displays: runtime, storage, services, security or configuration. */
  default String group() {
    return "storage";
  }

  /** Runs the check; exceptions are reported as FAIL by the caller. */
  Finding run() throws Exception;
}
