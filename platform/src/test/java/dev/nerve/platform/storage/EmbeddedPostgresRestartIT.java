package dev.nerve.platform.storage;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The zero-config database keeps its data when Nerve restarts. */
class EmbeddedPostgresRestartIT {

  @TempDir Path dataDir;

  @Test
  void dataWrittenBeforeARestartIsThereAfterIt() throws Exception {
    try (EmbeddedPostgresServer first = EmbeddedPostgresServer.start(dataDir.resolve("postgres"))) {
      execute(first.endpoint(), "CREATE TABLE kept (note text)", "INSERT INTO kept VALUES ('before restart')");
    }

    try (EmbeddedPostgresServer second = EmbeddedPostgresServer.start(dataDir.resolve("postgres"))) {
      DatabaseEndpoint endpoint = second.endpoint();
      try (Connection connection =
              DriverManager.getConnection(endpoint.jdbcUrl(), endpoint.username(), endpoint.password());
          Statement statement = connection.createStatement();
          ResultSet rows = statement.executeQuery("SELECT note FROM kept")) {
        assertThat(rows.next()).isTrue();
        assertThat(rows.getString(1)).isEqualTo("before restart");
        assertThat(rows.next()).isFalse();
      }
    }
  }

  private static void execute(DatabaseEndpoint endpoint, String... sql) throws Exception {
    try (Connection connection =
            DriverManager.getConnection(endpoint.jdbcUrl(), endpoint.username(), endpoint.password());
        Statement statement = connection.createStatement()) {
      for (String s : sql) {
        statement.execute(s);
      }
    }
  }
}
