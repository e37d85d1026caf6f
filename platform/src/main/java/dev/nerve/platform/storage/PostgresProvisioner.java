package dev.nerve.platform.storage;

import dev.nerve.platform.NerveProperties;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides which PostgreSQL this process uses: the configured server when {@code
 * nerve.database.url} is set, otherwise an embedded one under {@code <data-dir>/postgres} (its
 * binaries and lock in {@code <data-dir>/postgres-runtime}).
 */
public final class PostgresProvisioner implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(PostgresProvisioner.class);

  private final DatabaseEndpoint endpoint;
  private final EmbeddedPostgresServer embedded;

  public PostgresProvisioner(NerveProperties properties) {
    NerveProperties.Database database = properties.database();
    if (database.external()) {
      embedded = null;
      endpoint =
          new DatabaseEndpoint(database.url(), database.username(), database.password(), false);
      log.info("PostgreSQL: external server at {}", endpoint.display());
    } else {
      Path directory = properties.dataDir().resolve("postgres").toAbsolutePath().normalize();
      if (!database.embeddedDurable()) {
        log.warn(
            "PostgreSQL: DURABILITY IS OFF (nerve.database.embedded-durable=false): the embedded server"
                + " runs without fsync and synchronous commit, so a crash of PostgreSQL or the machine"
                + " LOSES WRITES THAT WERE ALREADY ACKNOWLEDGED. Use this only for throwaway data.");
      }
      embedded =
          EmbeddedPostgresServer.start(
              directory, properties.dataDir().resolve("postgres-runtime"), database.embeddedDurable());
      endpoint = embedded.endpoint();
      log.info(
          "PostgreSQL: embedded server at {} with data in {} ({}; set NERVE_DATABASE_URL to use your own)",
          endpoint.display(),
          directory,
          database.embeddedDurable() ? "durable: fsync and synchronous commit on" : "NOT durable");
    }
  }

  public DatabaseEndpoint endpoint() {
    return endpoint;
  }

  @Override
  public void close() {
    if (embedded != null) {
      embedded.close();
      log.info("PostgreSQL: embedded server stopped");
    }
  }
}
