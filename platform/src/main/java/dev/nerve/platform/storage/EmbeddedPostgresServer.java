package dev.nerve.platform.storage;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A real PostgreSQL server started from the zonky binaries, with its data directory kept across
 * restarts, so a fresh clone runs with nothing installed.
 */
public final class EmbeddedPostgresServer implements AutoCloseable {

  private final EmbeddedPostgres postgres;
  private final Path dataDirectory;

  private EmbeddedPostgresServer(EmbeddedPostgres postgres, Path dataDirectory) {
    this.postgres = postgres;
    this.dataDirectory = dataDirectory;
  }

  /** Starts a server on a free port using (or initialising) {@code dataDirectory}. */
  public static EmbeddedPostgresServer start(Path dataDirectory) {
    try {
      Files.createDirectories(dataDirectory);
      EmbeddedPostgres postgres =
          EmbeddedPostgres.builder()
              .setDataDirectory(dataDirectory.toFile())
              .setCleanDataDirectory(false)
              .setServerConfig("max_connections", "200")
              .start();
      return new EmbeddedPostgresServer(postgres, dataDirectory);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start embedded PostgreSQL in " + dataDirectory, e);
    }
  }

  /** Connection details of the running server (superuser on the default database). */
  public DatabaseEndpoint endpoint() {
    return new DatabaseEndpoint(
        postgres.getJdbcUrl("postgres", "postgres"), "postgres", "postgres", true);
  }

  public Path dataDirectory() {
    return dataDirectory;
  }

  @Override
  public void close() {
    try {
      postgres.close();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot stop embedded PostgreSQL", e);
    }
  }
}
