package dev.nerve.installation.environment;

import dev.nerve.platform.secrets.SecretBox;
import dev.nerve.platform.secrets.UnreadableSecretException;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The master key is present and opens what it sealed before. The first run stores a sealed
 * canary in {@code installation.key_canary}; every later run opens it, so a process started with
 * another master key than the one that sealed the database's secrets (a forgotten {@code
 * NERVE_MASTER_KEY} on one replica, a lost key file) fails here instead of at the first secret it
 * needs.
 */
final class MasterKeyProbe implements Probe {

  static final String CONTEXT = "installation.key_canary";

  private final SecretBox box;
  private final JdbcClient jdbc;
  private final boolean configured;

  /** @param configured the key comes from NERVE_MASTER_KEY (else from the data directory's key file) */
  MasterKeyProbe(SecretBox box, JdbcClient jdbc, boolean configured) {
    this.box = box;
    this.jdbc = jdbc;
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
    String source = configured ? "NERVE_MASTER_KEY" : "the key file in the data directory";
    String probe = UUID.randomUUID().toString();
    if (!probe.equals(box.open(box.seal(probe, CONTEXT), CONTEXT))) {
      return Finding.fail("the master key from " + source + " cannot open what it seals", "see the server log");
    }
    jdbc.sql("INSERT INTO installation.key_canary (id, sealed) VALUES (1, ?) ON CONFLICT (id) DO NOTHING")
        .param(box.seal("canary", CONTEXT))
        .update();
    String sealed = jdbc.sql("SELECT sealed FROM installation.key_canary WHERE id = 1").query(String.class).single();
    try {
      box.open(sealed, CONTEXT);
    } catch (UnreadableSecretException e) {
      return Finding.fail(
          "the master key from " + source + " is not the key that sealed this database's secrets",
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
