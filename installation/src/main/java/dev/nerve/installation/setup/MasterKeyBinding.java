package dev.nerve.installation.setup;

import dev.nerve.platform.secrets.SecretBox;
import dev.nerve.platform.secrets.UnreadableSecretException;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Binds the master key to the database: a canary sealed with it in {@code
 * installation.key_canary} (the same one the environment check opens), so a process later started
 * with another key is caught. The key itself is resolved at start ({@code NERVE_MASTER_KEY}, or a
 * key file generated in the data directory when absent).
 */
final class MasterKeyBinding {

  /** Associated data of the canary, shared with the environment check. */
  static final String CONTEXT = "installation.key_canary";

  private final SecretBox box;
  private final JdbcClient jdbc;
  private final String source;

  /** @param configured the key comes from NERVE_MASTER_KEY (else from the data directory's key file) */
  MasterKeyBinding(SecretBox box, JdbcClient jdbc, boolean configured) {
    this.box = box;
    this.jdbc = jdbc;
    this.source = configured ? "NERVE_MASTER_KEY" : "the key file in the data directory";
  }

  /** Whether the canary exists; fails the step when the key cannot open it. */
  boolean bound() {
    Optional<String> sealed =
        jdbc.sql("SELECT sealed FROM installation.key_canary WHERE id = 1").query(String.class).optional();
    if (sealed.isEmpty()) {
      return false;
    }
    try {
      box.open(sealed.get(), CONTEXT);
      return true;
    } catch (UnreadableSecretException e) {
      throw new StepFailure(
          "the master key from " + source + " is not the key that sealed this database's secrets; start every"
              + " process with the same NERVE_MASTER_KEY",
          e);
    }
  }

  /** Seals the canary unless another process did first. */
  void bind() {
    jdbc.sql("INSERT INTO installation.key_canary (id, sealed) VALUES (1, ?) ON CONFLICT (id) DO NOTHING")
        .param(box.seal("canary", CONTEXT))
        .update();
  }

  String source() {
    return source;
  }
}
