package dev.nerve.installation.environment;

import dev.nerve.platform.storage.DatabaseEndpoint;
import org.springframework.jdbc.core.simple.JdbcClient;

/** PostgreSQL answers and is a supported version (15 or newer). */
final class PostgresProbe implements Probe {

  static final int MINIMUM_MAJOR = 15;

  private final JdbcClient jdbc;
  private final DatabaseEndpoint endpoint;

  PostgresProbe(JdbcClient jdbc, DatabaseEndpoint endpoint) {
    this.jdbc = jdbc;
    this.endpoint = endpoint;
  }

  @Override
  public String id() {
    return "postgres.reachable";
  }

  @Override
  public String title() {
    return "PostgreSQL reachable";
  }

  @Override
  public Finding run() {
    int versionNum;
    try {
      versionNum = jdbc.sql("SHOW server_version_num").query(Integer.class).single();
    } catch (RuntimeException e) {
      return Finding.fail(
          "cannot reach " + endpoint.display() + ": " + rootMessage(e),
          endpoint.embedded()
              ? "check that the data directory is writable and no other process holds it"
              : "check NERVE_DATABASE_URL, the credentials and that the server accepts connections");
    }
    int major = versionNum / 10_000;
    String detail =
        "PostgreSQL " + major + "." + (versionNum % 10_000) + " at " + endpoint.display()
            + (endpoint.embedded() ? " (embedded)" : "");
    return major >= MINIMUM_MAJOR
        ? Finding.ok(detail)
        : Finding.fail(detail, "upgrade PostgreSQL to " + MINIMUM_MAJOR + " or newer");
  }

  static String rootMessage(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    return root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
  }
}
