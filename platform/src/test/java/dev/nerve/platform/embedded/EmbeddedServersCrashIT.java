package dev.nerve.platform.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nerve.platform.redis.EmbeddedRedisServer;
import dev.nerve.platform.storage.DatabaseEndpoint;
import dev.nerve.platform.storage.EmbeddedPostgresServer;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The embedded servers after a crash of the JVM that started them: the watchdog stops them when
 * the JVM is killed; servers orphaned anyway (watchdog killed too) are stopped by the next start,
 * which succeeds the first time; data committed before the crash is there; nothing is left in
 * {@code /tmp}; and the server runs durable (fsync, synchronous commit).
 */
class EmbeddedServersCrashIT {

  @TempDir Path dataDir;

  @Test
  void killedJvmTakesItsServersWithIt() throws Exception {
    List<String> tmpBefore = tmpEntries();
    Child child = Child.start(dataDir);
    List<ProcessHandle> servers = child.servers();
    assertThat(servers).as("postgres and redis processes").hasSizeGreaterThanOrEqualTo(2);
    write(child.jdbcUrl(), "CREATE TABLE kept (note text)", "INSERT INTO kept VALUES ('acknowledged')");

    child.process.destroyForcibly(); // kill -9

    for (ProcessHandle server : servers) {
      server.onExit().get(20, TimeUnit.SECONDS);
    }
    assertThat(tmpEntries()).as("nothing new in /tmp").isSubsetOf(tmpBefore);
    assertRestartKeepsData();
  }

  @Test
  void orphanedServersAreStoppedByTheNextStart() throws Exception {
    Child child = Child.start(dataDir);
    List<ProcessHandle> servers = child.servers();
    write(child.jdbcUrl(), "CREATE TABLE kept (note text)", "INSERT INTO kept VALUES ('acknowledged')");
    // Kill the watchdogs first, then the JVM: the servers are orphans now, as after a kill of
    // everything but the servers.
    child.process.descendants().filter(p -> p.info().command().orElse("").endsWith("sh")).forEach(ProcessHandle::destroyForcibly);
    Thread.sleep(300);
    child.process.destroyForcibly();
    child.process.waitFor(10, TimeUnit.SECONDS);
    assertThat(servers.stream().filter(ProcessHandle::isAlive)).as("orphans still running").isNotEmpty();

    assertRestartKeepsData();
    assertThat(servers.stream().filter(ProcessHandle::isAlive)).as("orphans left").isEmpty();
  }

  @Test
  void embeddedPostgresIsDurable() throws Exception {
    try (EmbeddedPostgresServer postgres = EmbeddedPostgresServer.start(dataDir.resolve("postgres"))) {
      assertThat(show(postgres.endpoint(), "fsync")).isEqualTo("on");
      assertThat(show(postgres.endpoint(), "synchronous_commit")).isEqualTo("on");
      assertThat(show(postgres.endpoint(), "full_page_writes")).isEqualTo("on");
    }
    try (EmbeddedPostgresServer fast =
        EmbeddedPostgresServer.start(
            dataDir.resolve("postgres"), EmbeddedPostgresServer.runtimeDirectoryOf(dataDir.resolve("postgres")), false)) {
      assertThat(show(fast.endpoint(), "fsync")).isEqualTo("off");
      assertThat(show(fast.endpoint(), "synchronous_commit")).isEqualTo("off");
    }
  }

  @Test
  void aSecondProcessCannotTakeALiveDataDirectory() throws Exception {
    try (EmbeddedPostgresServer first = EmbeddedPostgresServer.start(dataDir.resolve("postgres"))) {
      org.assertj.core.api.Assertions.assertThatThrownBy(() -> EmbeddedPostgresServer.start(dataDir.resolve("postgres")))
          .hasMessageContaining("in use by another running Nerve process");
      assertThat(show(first.endpoint(), "fsync")).as("the first server is untouched").isEqualTo("on");
    }
  }

  private void assertRestartKeepsData() throws Exception {
    long started = System.nanoTime();
    try (EmbeddedPostgresServer postgres = EmbeddedPostgresServer.start(dataDir.resolve("postgres"));
        EmbeddedRedisServer redis = EmbeddedRedisServer.start(dataDir.resolve("redis"))) {
      assertThat(read(postgres.endpoint(), "SELECT note FROM kept")).containsExactly("acknowledged");
      assertThat(redis.endpoint().uri()).startsWith("redis://127.0.0.1:");
    }
    assertThat(TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started)).as("restart seconds").isLessThan(30);
  }

  private static List<String> tmpEntries() throws Exception {
    try (Stream<Path> entries = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
      return entries
          .map(p -> p.getFileName().toString())
          .filter(n -> n.startsWith("redis-") || n.startsWith("embedded-redis") || n.startsWith(".s.PGSQL"))
          .toList();
    }
  }

  private static String show(DatabaseEndpoint endpoint, String setting) throws Exception {
    return read(endpoint, "SHOW " + setting).get(0);
  }

  private static void write(String jdbcUrl, String... sql) throws Exception {
    try (Connection connection = DriverManager.getConnection(jdbcUrl, "postgres", "postgres");
        Statement statement = connection.createStatement()) {
      for (String s : sql) {
        statement.execute(s);
      }
    }
  }

  private static List<String> read(DatabaseEndpoint endpoint, String sql) throws Exception {
    List<String> values = new ArrayList<>();
    try (Connection connection = DriverManager.getConnection(endpoint.jdbcUrl(), endpoint.username(), endpoint.password());
        Statement statement = connection.createStatement();
        ResultSet rows = statement.executeQuery(sql)) {
      while (rows.next()) {
        values.add(rows.getString(1));
      }
    }
    return values;
  }

  /** A JVM running {@link EmbeddedServersMain}. */
  private record Child(Process process, String jdbcUrl, Path dataDir) {

    static Child start(Path dataDir) throws Exception {
      Process process =
          new ProcessBuilder(
                  Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                  "-Xmx256m",
                  "-cp",
                  System.getProperty("java.class.path"),
                  EmbeddedServersMain.class.getName(),
                  dataDir.toString())
              .redirectErrorStream(true)
              .start();
      BufferedReader lines = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
      String jdbcUrl = null;
      List<String> seen = new ArrayList<>();
      String line;
      while ((line = lines.readLine()) != null) {
        seen.add(line);
        if (line.startsWith("POSTGRES ")) {
          jdbcUrl = line.substring(9);
        }
        if (line.equals("READY")) {
          break;
        }
      }
      assertThat(jdbcUrl).as(String.join("\n", seen)).isNotNull();
      Thread drain = new Thread(() -> lines.lines().forEach(l -> {}));
      drain.setDaemon(true);
      drain.start();
      return new Child(process, jdbcUrl, dataDir);
    }

    /** The postmaster and redis-server of this child (neither is the JVM or a shell). */
    List<ProcessHandle> servers() {
      List<ProcessHandle> found = new ArrayList<>();
      Optional<Long> postmaster = Orphans.readPid(dataDir.resolve("postgres").resolve("postmaster.pid"));
      postmaster.flatMap(ProcessHandle::of).ifPresent(found::add);
      process.descendants()
          .filter(p -> p.info().command().orElse("").contains("redis-server"))
          .forEach(found::add);
      return found;
    }
  }
}
