package dev.nerve.testing;

import dev.nerve.platform.redis.EmbeddedRedisServer;
import dev.nerve.platform.storage.DatabaseEndpoint;
import dev.nerve.platform.storage.EmbeddedPostgresServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

/**
 * Real PostgreSQL and Redis for tests, once per JVM: the servers named by {@code
 * NERVE_TEST_DATABASE_URL} / {@code NERVE_TEST_REDIS_URL} when set (CI), embedded ones otherwise
 * (a laptop with only a JDK). Each JVM gets its own fresh database, dropped when it exits.
 */
public final class TestServers {

  /** Username of the first admin every test application with the gateway target creates. */
  public static final String ADMIN_USERNAME = "test-admin";

  /** Master key (base64 of 32 bytes) of every test application; never used outside tests. */
  public static final String TEST_MASTER_KEY = "bmVydmUtdGVzdC1tYXN0ZXIta2V5LTMyLWJ5dGVzISE=";

  /** Its password: random per test JVM, so no password is ever written down. */
  private static final String ADMIN_PASSWORD = "test-" + UUID.randomUUID();

  private static DatabaseEndpoint database;
  private static String redisUri;

  /** Password of {@link #ADMIN_USERNAME}. */
  public static String adminPassword() {
    return ADMIN_PASSWORD;
  }

  private TestServers() {}

  /** A database of this test JVM's own on the shared test server. */
  public static synchronized DatabaseEndpoint database() {
    if (database == null) {
      database = createDatabase(server());
    }
    return database;
  }

  /** URI of the test Redis. */
  public static synchronized String redisUri() {
    if (redisUri == null) {
      String configured = System.getenv("NERVE_TEST_REDIS_URL");
      if (configured != null && !configured.isBlank()) {
        redisUri = configured;
      } else {
        EmbeddedRedisServer redis = EmbeddedRedisServer.start(tempDirectory("nerve-test-redis"));
        Runtime.getRuntime().addShutdownHook(new Thread(redis::close, "test-redis-stop"));
        redisUri = redis.endpoint().uri();
      }
    }
    return redisUri;
  }

  /**
   * Properties that point a Nerve application at the test servers, off fixed ports, with its own
   * data directory: what every test context gets, for tests that start applications themselves.
   */
  public static Map<String, String> applicationProperties() {
    DatabaseEndpoint db = database();
    Map<String, String> properties = new LinkedHashMap<>();
    properties.put("nerve.database.url", db.jdbcUrl());
    properties.put("nerve.database.username", db.username());
    properties.put("nerve.database.password", db.password());
    properties.put("nerve.redis.url", redisUri());
    properties.put("nerve.grpc.port", "0");
    properties.put("nerve.data-dir", tempDirectory("nerve-test-data").toString());
    // One master key for every test context, since they share the test database's encrypted rows.
    properties.put("nerve.secrets.master-key", TEST_MASTER_KEY);
    properties.put("management.tracing.sampling.probability", "1.0");
    // The gateway bootstraps this admin into a fresh database (tenant "default").
    properties.put("nerve.gateway.auth.bootstrap-admin-username", ADMIN_USERNAME);
    properties.put("nerve.gateway.auth.bootstrap-admin-password", ADMIN_PASSWORD);
    // Every test logs in from 127.0.0.1; the production limit (10/min per IP) is tested on its own.
    properties.put("nerve.gateway.rate-limit.login-per-minute", "10000");
    properties.put("nerve.gateway.rate-limit.login-per-user-per-minute", "100000");
    return properties;
  }

  /**
   * A database of its own on the test server, dropped at exit: for tests whose applications run
   * background workers (automation engines, job runners) that must not meet the workers of other
   * test contexts still open in the same JVM.
   */
  public static DatabaseEndpoint isolatedDatabase() {
    return createDatabase(server());
  }

  /** {@link #applicationProperties()} with the database replaced by {@code database}. */
  public static Map<String, String> applicationProperties(DatabaseEndpoint database) {
    Map<String, String> properties = applicationProperties();
    properties.put("nerve.database.url", database.jdbcUrl());
    properties.put("nerve.database.username", database.username());
    properties.put("nerve.database.password", database.password());
    return properties;
  }

  /** {@link #applicationProperties()} as {@code --name=value} command-line arguments. */
  public static List<String> applicationArguments() {
    return applicationProperties().entrySet().stream()
        .map(e -> "--" + e.getKey() + "=" + e.getValue())
        .toList();
  }

  /** A fresh temporary directory that is not shared with other tests. */
  public static Path tempDirectory(String prefix) {
    try {
      return Files.createTempDirectory(prefix);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static DatabaseEndpoint server;

  private static synchronized DatabaseEndpoint server() {
    if (server == null) {
      server = startServer();
    }
    return server;
  }

  private static DatabaseEndpoint startServer() {
    String configured = System.getenv("NERVE_TEST_DATABASE_URL");
    if (configured != null && !configured.isBlank()) {
      return new DatabaseEndpoint(
          configured,
          envOr("NERVE_TEST_DATABASE_USERNAME", "postgres"),
          envOr("NERVE_TEST_DATABASE_PASSWORD", ""),
          false);
    }
    EmbeddedPostgresServer postgres = EmbeddedPostgresServer.start(tempDirectory("nerve-test-pg").resolve("data"));
    Runtime.getRuntime().addShutdownHook(new Thread(postgres::close, "test-postgres-stop"));
    return postgres.endpoint();
  }

  private static DatabaseEndpoint createDatabase(DatabaseEndpoint server) {
    String name =
        "nerve_test_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12).toLowerCase(Locale.ROOT);
    execute(server, "CREATE DATABASE " + name);
    // An embedded server goes away with its directory (and may stop before this hook runs).
    if (!server.embedded()) {
      Runtime.getRuntime()
          .addShutdownHook(
              new Thread(() -> execute(server, "DROP DATABASE IF EXISTS " + name + " WITH (FORCE)"), "test-db-drop"));
    }
    return new DatabaseEndpoint(withDatabase(server.jdbcUrl(), name), server.username(), server.password(), server.embedded());
  }

  /** Replaces the database name in a {@code jdbc:postgresql://host:port/db?params} URL. */
  static String withDatabase(String jdbcUrl, String database) {
    int schemeEnd = jdbcUrl.indexOf("//") + 2;
    int pathStart = jdbcUrl.indexOf('/', schemeEnd);
    int query = jdbcUrl.indexOf('?', schemeEnd);
    String hostPart = jdbcUrl.substring(0, pathStart < 0 ? (query < 0 ? jdbcUrl.length() : query) : pathStart);
    String params = query < 0 ? "" : jdbcUrl.substring(query);
    return hostPart + "/" + database + params;
  }

  private static void execute(DatabaseEndpoint server, String sql) {
    try (Connection connection =
            DriverManager.getConnection(server.jdbcUrl(), server.username(), server.password());
        Statement statement = connection.createStatement()) {
      statement.execute(sql);
    } catch (SQLException e) {
      throw new IllegalStateException("test database setup failed: " + sql, e);
    }
  }

  private static String envOr(String name, String fallback) {
    String value = System.getenv(name);
    return value == null || value.isBlank() ? fallback : value;
  }
}
