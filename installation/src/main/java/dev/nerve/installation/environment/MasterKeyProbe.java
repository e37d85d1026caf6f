package dev.nerve.installation.environment;

import dev.nerve.platform.secrets.SecretBox;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The master key is present and opens what it sealed before. The first run seals the {@link
 * KeyCanary}; every later run opens it, so a process started with
 * another master key than the one that sealed the database's secrets (a forgotten {@code
 * NERVE_MASTER_KEY} on one replica, a lost key file) fails here instead of at the first secret it
 * needs.
 */
final class MasterKeyProbe implements Probe {

  private final KeyCanary canary;
  private final boolean configured;

  /** @param configured the key comes from NERVE_MASTER_KEY (else from the data directory's key file) */
  MasterKeyProbe(SecretBox box, JdbcClient jdbc, boolean configured) {
    this.canary = new KeyCanary(box, jdbc, configured);
    this.configured = configured;
  }

  @Override
  public String id() {
    return "security.master-key";
  }

  @Override
  public String group() {
    return "security";
  }

  @Override
  public String title() {
    return "Master key opens stored secrets";
  }

  @Override
  public Finding run() {
    if (!canary.roundTrips()) {
      return Finding.fail("the master key from " + canary.source() + " cannot open what it seals", "see the server log");
    }
    canary.seal();
    if (canary.state() == KeyCanary.State.WRONG_KEY) {
      return Finding.fail(
          "the master key from " + canary.source() + " is not the key that sealed this database's secrets",
          "start every process with the same NERVE_MASTER_KEY (see docs/security.md, Secrets at rest); during a"
              + " rotation set NERVE_PREVIOUS_MASTER_KEY to the old key");
    }
    return configured
        ? Finding.ok("master key from NERVE_MASTER_KEY opens the stored secrets")
        // The zero-config default of a single process: fine, but the file is the only copy.
        : Finding.ok(
            "master key from the data directory's key file opens the stored secrets; back it up, and set"
                + " NERVE_MASTER_KEY when more than one process shares the database");
  }
}
