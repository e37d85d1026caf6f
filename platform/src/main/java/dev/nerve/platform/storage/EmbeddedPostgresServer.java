package dev.nerve.platform.storage;

import dev.nerve.platform.embedded.DirectoryLock;
import dev.nerve.platform.embedded.Orphans;
import dev.nerve.platform.embedded.Watchdog;
import io.zonky.test.db.postgres.embedded.DefaultPostgresBinaryResolver;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real PostgreSQL server started from the zonky binaries, with its data directory kept across
 * restarts, so a fresh clone runs with nothing installed.
 *
 * <p>Crash safety: the binaries and a lock live in a runtime directory next to the data directory
 * (nothing goes to {@code /tmp}); before starting, a server a crashed Nerve left running on this
 * data directory is stopped (see {@link Orphans}); a {@link Watchdog} stops the server when this
 * JVM is gone, even after {@code kill -9}. zonky starts PostgreSQL with {@code -F} (no fsync) and
 * {@code synchronous_commit=off}; both are overridden to on unless durability is turned off
 * explicitly, so an acknowledged commit survives a crash of PostgreSQL or the machine.
 */
public final class EmbeddedPostgresServer implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(EmbeddedPostgresServer.class);
  /** zonky reads its working directory from this property when a builder is created. */
  private static final String ZONKY_WORKING_DIR = "ot.epg.working-dir";

  private final EmbeddedPostgres postgres;
  private final Path dataDirectory;
  private final DirectoryLock lock;
  private final Optional<Watchdog> watchdog;

  private EmbeddedPostgresServer(
      EmbeddedPostgres postgres, Path dataDirectory, DirectoryLock lock, Optional<Watchdog> watchdog) {
    this.postgres = postgres;
    this.dataDirectory = dataDirectory;
    this.lock = lock;
    this.watchdog = watchdog;
  }

  /** A durable server on {@code dataDirectory}, its runtime in the sibling {@code <name>-runtime}. */
  public static EmbeddedPostgresServer start(Path dataDirectory) {
    return start(dataDirectory, runtimeDirectoryOf(dataDirectory), true);
  }

  /** The runtime directory (binaries, lock) used for {@code dataDirectory} by default. */
  public static Path runtimeDirectoryOf(Path dataDirectory) {
    Path absolute = dataDirectory.toAbsolutePath().normalize();
    return absolute.resolveSibling(absolute.getFileName() + "-runtime");
  }

  /**
   * Starts a server on a free port using (or initialising) {@code dataDirectory}.
   *
   * @param runtimeDirectory where the binaries are unpacked and the ownership lock lives
   * @param durable fsync and synchronous commit on; {@code false} trades crash safety for speed
   */
  public static EmbeddedPostgresServer start(Path dataDirectory, Path runtimeDirectory, boolean durable) {
    return start(dataDirectory, runtimeDirectory, durable, 0);
  }

  /**
   * As {@link #start(Path, Path, boolean)} on a given port (0 picks a free one). Unlike Redis, a
   * start whose port another process took before PostgreSQL bound it is not tried again in this
   * JVM: zonky keeps its lock on the data directory after a failed start, so the start fails after
   * the startup wait and the next one picks anew.
   */
  public static EmbeddedPostgresServer start(Path dataDirectory, Path runtimeDirectory, boolean durable, int port) {
    Path data = dataDirectory.toAbsolutePath().normalize();
    Path runtime = runtimeDirectory.toAbsolutePath().normalize();
    DirectoryLock lock = DirectoryLock.acquire(runtime);
    try {
      Files.createDirectories(data);
      Orphans.stop(
          "PostgreSQL in " + data,
          Orphans.find(data, Optional.of(data.resolve("postmaster.pid")), EmbeddedPostgresServer::isPostgres),
          Duration.ofSeconds(15));
      EmbeddedPostgres postgres =
          builder(runtime)
              .setOverrideWorkingDirectory(runtime.toFile())
              // zonky caches unpacked binaries per resolver for the whole JVM; a resolver of its own
              // keeps this server on the binaries in its own runtime directory.
              .setPgBinaryResolver(
                  (system, architecture) ->
                      DefaultPostgresBinaryResolver.INSTANCE.getPgBinary(system, architecture))
              .setDataDirectory(data.toFile())
              .setCleanDataDirectory(false)
              .setPort(port)
              .setPGStartupWait(Duration.ofSeconds(60))
              // zonky's readiness check connects to the port and reads without a timeout: with
              // one, a port another process took and listens on fails the start instead of
              // hanging it for good.
              .setConnectConfig("connectTimeout", "5")
              .setConnectConfig("socketTimeout", "5")
              .setServerConfig("max_connections", "200")
              // Later options win over zonky's -F, so these turn fsync back on.
              .setServerConfig("fsync", durable ? "on" : "off")
              .setServerConfig("synchronous_commit", durable ? "on" : "off")
              .setServerConfig("full_page_writes", "on")
              // TCP only: no socket and lock files in /tmp to outlive a crash.
              .setServerConfig("unix_socket_directories", "")
              .start();
      return new EmbeddedPostgresServer(postgres, data, lock, watch(data));
    } catch (IOException e) {
      lock.close();
      throw new UncheckedIOException("cannot start embedded PostgreSQL in " + data, e);
    } catch (RuntimeException e) {
      lock.close();
      throw e;
    }
  }

  private static EmbeddedPostgres.Builder builder(Path runtime) {
    // The builder keeps a scratch directory it derives from a system property at construction;
    // point it into the runtime directory for this one builder so nothing lands in /tmp.
    synchronized (EmbeddedPostgresServer.class) {
      String previous = System.getProperty(ZONKY_WORKING_DIR);
      System.setProperty(ZONKY_WORKING_DIR, runtime.toString());
      try {
        return EmbeddedPostgres.builder();
      } finally {
        if (previous == null) {
          System.clearProperty(ZONKY_WORKING_DIR);
        } else {
          System.setProperty(ZONKY_WORKING_DIR, previous);
        }
      }
    }
  }

  /**
   * A watchdog that asks the postmaster for a fast shutdown (SIGINT) when this JVM goes away
   * without stopping it. It signals the pid in {@code postmaster.pid} directly, because {@code
   * pg_ctl} refuses to run as root (zonky runs PostgreSQL in a user namespace then), and on Linux
   * only after checking that the pid still runs this postgres binary.
   */
  private static Optional<Watchdog> watch(Path data) {
    Optional<String> postgres =
        Orphans.find(data, Optional.of(data.resolve("postmaster.pid")), EmbeddedPostgresServer::isPostgres).stream()
            .findFirst()
            .flatMap(p -> p.info().command());
    if (postgres.isEmpty()) {
      log.warn("PostgreSQL in {}: cannot find the postmaster; no watchdog", data);
      return Optional.empty();
    }
    String script =
        """
        read -r line
        [ "$line" = detach ] && exit 0
        pid=$(head -n 1 "$2/postmaster.pid" 2>/dev/null)
        [ -n "$pid" ] || exit 0
        if [ -e "/proc/$pid/exe" ]; then
          exe=$(readlink "/proc/$pid/exe")
          [ "$exe" = "$1" ] || [ "$exe" = "$1 (deleted)" ] || exit 0
        fi
        kill -INT "$pid" 2>/dev/null
        """;
    return Watchdog.start(
        "postgres-watchdog", data.getParent(), script, List.of(postgres.get(), data.toString()), line -> {});
  }

  private static boolean isPostgres(String command) {
    return Path.of(Orphans.withoutDeletedMark(command)).getFileName().toString().equals("postgres");
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
    } finally {
      watchdog.ifPresent(
          w -> {
            w.send("detach");
            w.close(Duration.ofSeconds(10));
          });
      lock.close();
    }
  }
}
