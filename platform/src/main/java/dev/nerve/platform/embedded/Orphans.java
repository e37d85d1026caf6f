package dev.nerve.platform.embedded;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds and stops embedded server processes a dead Nerve left running in one of its directories.
 * A process belongs to the directory when a pid file there names it or, on Linux, when its working
 * directory is that directory (PostgreSQL and Redis both change into theirs, and PostgreSQL's
 * backends inherit it); either way its executable must also match, so nothing else is touched.
 * Callers hold the directory's {@link DirectoryLock} first, so no live process owns what is found.
 */
public final class Orphans {

  private static final Logger log = LoggerFactory.getLogger(Orphans.class);

  private Orphans() {}

  /** Processes running {@code executable} that belong to {@code directory}. */
  public static Set<ProcessHandle> find(Path directory, Optional<Path> pidFile, Predicate<String> executable) {
    Path wanted = real(directory);
    Set<ProcessHandle> found = new LinkedHashSet<>();
    pidFile.flatMap(Orphans::readPid).flatMap(ProcessHandle::of).filter(p -> matches(p, executable)).ifPresent(found::add);
    Path proc = Path.of("/proc");
    if (Files.isDirectory(proc)) {
      long self = ProcessHandle.current().pid();
      ProcessHandle.allProcesses()
          .filter(p -> p.pid() != self)
          .filter(p -> matches(p, executable))
          .filter(p -> wanted.equals(cwd(proc, p.pid())))
          .forEach(found::add);
    }
    return found;
  }

  /**
   * Stops {@code processes}: SIGTERM first (both servers shut down cleanly on it), SIGKILL for any
   * still running after {@code grace}. PostgreSQL recovers from its WAL either way.
   */
  public static void stop(String what, Set<ProcessHandle> processes, Duration grace) {
    if (processes.isEmpty()) {
      return;
    }
    log.warn(
        "{}: stopping {} process(es) left running by a Nerve that did not shut down: {}",
        what,
        processes.size(),
        processes.stream().map(ProcessHandle::pid).toList());
    processes.forEach(ProcessHandle::destroy);
    long deadline = System.nanoTime() + grace.toNanos();
    for (ProcessHandle process : processes) {
      long left = Math.max(0, deadline - System.nanoTime());
      try {
        process.onExit().get(left, TimeUnit.NANOSECONDS);
      } catch (Exception e) {
        log.warn("{}: process {} did not stop within {}; killing it", what, process.pid(), grace);
        process.destroyForcibly();
      }
    }
    for (ProcessHandle process : processes) {
      try {
        process.onExit().get(10, TimeUnit.SECONDS);
      } catch (Exception e) {
        throw new IllegalStateException(what + ": process " + process.pid() + " does not stop", e);
      }
    }
  }

  /** An executable path as Linux reports it, without the mark of a file deleted since it started. */
  public static String withoutDeletedMark(String command) {
    return command.endsWith(" (deleted)") ? command.substring(0, command.length() - 10) : command;
  }

  /** The pid on the first line of a pid file, if it names a number. */
  static Optional<Long> readPid(Path pidFile) {
    try {
      List<String> lines = Files.readAllLines(pidFile, StandardCharsets.UTF_8);
      return lines.isEmpty() ? Optional.empty() : Optional.of(Long.parseLong(lines.get(0).strip()));
    } catch (IOException | NumberFormatException e) {
      return Optional.empty();
    }
  }

  private static boolean matches(ProcessHandle process, Predicate<String> executable) {
    return process.isAlive() && process.info().command().map(executable::test).orElse(false);
  }

  private static Path cwd(Path proc, long pid) {
    try {
      return real(Files.readSymbolicLink(proc.resolve(Long.toString(pid)).resolve("cwd")));
    } catch (IOException | SecurityException | UnsupportedOperationException e) {
      return null;
    }
  }

  private static Path real(Path path) {
    try {
      return path.toRealPath();
    } catch (IOException e) {
      return path.toAbsolutePath().normalize();
    }
  }
}
