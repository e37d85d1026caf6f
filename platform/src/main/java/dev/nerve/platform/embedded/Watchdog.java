package dev.nerve.platform.embedded;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A small {@code sh} process tied to this JVM by a pipe on its standard input. The kernel closes
 * the pipe when the JVM exits in any way, {@code kill -9} included, so a script that waits with
 * {@code read} and then stops its server makes that server exit together with Nerve. No polling,
 * no pid that could be reused: the end of the pipe is the signal.
 *
 * <p>The shell ignores SIGINT and SIGHUP (and so does what it starts), so a Ctrl-C in a terminal
 * reaches only the JVM, which then shuts the servers down in order.
 */
public final class Watchdog implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(Watchdog.class);

  private final String name;
  private final Process process;
  private final OutputStream pipe;

  private Watchdog(String name, Process process) {
    this.name = name;
    this.process = process;
    this.pipe = process.getOutputStream();
  }

  /**
   * Starts {@code script} under {@code sh} in {@code directory}, with {@code args} as {@code $1...};
   * every line it (or what it starts) prints goes to {@code output}. Empty when this system has no
   * {@code sh}.
   */
  public static Optional<Watchdog> start(
      String name, Path directory, String script, List<String> args, Consumer<String> output) {
    List<String> command = new ArrayList<>(List.of("sh", "-c", "trap '' INT HUP\n" + script, name));
    command.addAll(args);
    ProcessBuilder builder = new ProcessBuilder(command).directory(directory.toFile()).redirectErrorStream(true);
    Process process;
    try {
      process = builder.start();
    } catch (IOException e) {
      log.warn("{}: no watchdog ({}); the server may outlive a crashed JVM", name, e.getMessage());
      return Optional.empty();
    }
    Thread reader =
        new Thread(
            () -> {
              try (BufferedReader lines =
                  new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                lines.lines().forEach(output);
              } catch (IOException | UncheckedIOException e) {
                // The watchdog ended; nothing more to read.
              }
            },
            name + "-output");
    reader.setDaemon(true);
    reader.start();
    return Optional.of(new Watchdog(name, process));
  }

  /** The shell process (its children are what it started). */
  public Process process() {
    return process;
  }

  /** Whether the shell still runs. */
  public boolean alive() {
    return process.isAlive();
  }

  /**
   * Whether a process the script started still runs. One that exited stays a zombie until the
   * shell reaps it, which the shell does not while it waits in {@code read}, and {@link
   * ProcessHandle#isAlive} counts a zombie as alive; on Linux the state in {@code /proc} tells.
   */
  public boolean childRuns() {
    return process.children().anyMatch(Watchdog::running);
  }

  private static boolean running(ProcessHandle child) {
    if (!child.isAlive()) {
      return false;
    }
    // A reader, not Files.readString: /proc files report size 0.
    try (BufferedReader stat = Files.newBufferedReader(Path.of("/proc", Long.toString(child.pid()), "stat"))) {
      String line = stat.readLine();
      int name = line.lastIndexOf(')'); // the state follows the parenthesised command name
      return name < 0 || name + 2 >= line.length() || line.charAt(name + 2) != 'Z';
    } catch (IOException | RuntimeException e) {
      return true; // no /proc: as alive as the handle says
    }
  }

  /** Sends one line to the script's {@code read}. */
  public void send(String line) {
    try {
      pipe.write((line + "\n").getBytes(StandardCharsets.UTF_8));
      pipe.flush();
    } catch (IOException e) {
      // The script already ended; there is nobody to tell.
    }
  }

  /** Closes the pipe, which the script takes as "the JVM is gone", and waits for it to finish. */
  public void close(Duration timeout) {
    try {
      pipe.close();
    } catch (IOException ignored) {
      // Already closed.
    }
    try {
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        log.warn("{}: watchdog did not finish within {}; killing it", name, timeout);
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
  }

  @Override
  public void close() {
    close(Duration.ofSeconds(30));
  }
}
