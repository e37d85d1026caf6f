package dev.nerve.installation.environment;

/** One environment requirement Nerve can test on its own, with a remedy when it fails. */
interface Probe {

  /** Stable id, e.g. {@code postgres.reachable}. */
  String id();

  /** Short human title. */
  String title();

  /** Runs the check; exceptions are reported as FAIL by the caller. */
  Finding run() throws Exception;
}
