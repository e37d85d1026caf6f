package dev.nerve.installation.environment;

import dev.nerve.platform.secrets.SecretBox;
import dev.nerve.platform.secrets.UnreadableSecretException;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The master key's canary in {@code installation.key_canary}: sealed once with the key, opened by
 * every later check and setup, so a process started with another master key than the one that
 * sealed the database's secrets is caught before it needs one of them.
 */
public final class KeyCanary {

  /** Associated data of the canary's sealing. */
  static final String CONTEXT = "installation.key_canary";

  /** What the canary says about the key this process holds. */
  public enum State {
    /** Not sealed yet. */
    ABSENT,
    /** Sealed with this key. */
    OPENS,
    /** Sealed with another key. */
    WRONG_KEY
  }

  private final SecretBox box;
  private final JdbcClient jdbc;
  private final String source;

  /** @param configured the key comes from NERVE_MASTER_KEY (else from the data directory's key file) */
  public KeyCanary(SecretBox box, JdbcClient jdbc, boolean configured) {
    this.box = box;
    this.jdbc = jdbc;
    this.source = configured ? "NERVE_MASTER_KEY" : "the key file in the data directory";
  }

  /** Where the key comes from, for messages. */
  public String source() {
    return source;
  }

  /** Whether the key opens what it seals at all. */
  boolean roundTrips() {
    String probe = UUID.randomUUID().toString();
    return probe.equals(box.open(box.seal(probe, CONTEXT), CONTEXT));
  }

  /** The canary's state for this process's key. */
  public State state() {
    Optional<String> sealed =
        jdbc.sql("SELECT sealed FROM installation.key_canary WHERE id = 1").query(String.class).optional();
    if (sealed.isEmpty()) {
      return State.ABSENT;
    }
    try {
      box.open(sealed.get(), CONTEXT);
      return State.OPENS;
    } catch (UnreadableSecretException e) {
      return State.WRONG_KEY;
    }
  }

  /** Seals the canary with this key unless another process did first. */
  public void seal() {
    jdbc.sql("INSERT INTO installation.key_canary (id, sealed) VALUES (1, ?) ON CONFLICT (id) DO NOTHING")
        .param(box.seal("canary", CONTEXT))
        .update();
  }
}
