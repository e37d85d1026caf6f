package dev.nerve.server;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/** A {@code nerve serve} running as its own JVM, with its console output captured. */
final class NerveProcess implements AutoCloseable {

  private final Process process;
  private final List<String> output = new CopyOnWriteArrayList<>();

  private NerveProcess(Process process) {
    this.process = process;
    Thread reader =
        new Thread(
            () -> {
              try (BufferedReader lines =
                  new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                lines.lines().forEach(output::add);
              } catch (IOException | UncheckedIOException e) {
                output.add("<output closed: " + e.getMessage() + ">");
              }
            },
            "nerve-process-output");
    reader.setDaemon(true);
    reader.start();
  }

  /** Starts {@code nerve serve args} on this test's classpath with extra environment. */
  static NerveProcess start(List<String> args, Map<String, String> environment) {
    return start(List.of("-cp", System.getProperty("java.class.path"), NerveMain.class.getName()), args, environment);
  }

  /**
   * Starts the packaged executable ({@code target/nerve-exec.jar}, built by the package phase
   * before the integration tests) as {@code nerve serve args}; on the test classpath when the jar
   * is not there (an IDE run).
   */
  static NerveProcess startPackaged(List<String> jvmOptions, List<String> args, Map<String, String> environment) {
    Path jar = Path.of("target", "nerve-exec.jar");
    List<String> launch = new ArrayList<>(jvmOptions);
    if (Files.isRegularFile(jar)) {
      launch.addAll(List.of("-jar", jar.toAbsolutePath().toString()));
    } else {
      launch.addAll(List.of("-cp", System.getProperty("java.class.path"), NerveMain.class.getName()));
    }
    return start(launch, args, environment);
  }

  /** What a one-shot command of the packaged executable printed and its exit code. */
  record Finished(int exitCode, String output) {}

  /**
   * Runs {@code nerve <command> args} from the packaged executable (the test classpath when the
   * jar is not built) to its end, at most {@code timeout}; fails when it does not end in time.
   */
  static Finished runPackaged(String command, List<String> args, Duration timeout) {
    Path jar = Path.of("target", "nerve-exec.jar");
    List<String> line = new ArrayList<>();
    line.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    line.addAll(List.of("-Xmx384m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"));
    if (Files.isRegularFile(jar)) {
      line.addAll(List.of("-jar", jar.toAbsolutePath().toString()));
    } else {
      line.addAll(List.of("-cp", System.getProperty("java.class.path"), NerveMain.class.getName()));
    }
    line.add(command);
    line.addAll(args);
    ProcessBuilder builder = new ProcessBuilder(line).redirectErrorStream(true);
    builder.environment().keySet().removeIf(key -> key.startsWith("NERVE_"));
    try {
      Process process = builder.start();
      byte[] out = process.getInputStream().readAllBytes();
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly();
        throw new AssertionError("nerve " + command + " did not end within " + timeout);
      }
      return new Finished(process.exitValue(), new String(out, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static NerveProcess start(List<String> launch, List<String> args, Map<String, String> environment) {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(List.of("-Xmx384m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"));
    command.addAll(launch);
    command.add("serve");
    command.addAll(args);
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    // The child gets only what the test gives it: no URLs inherited from the developer's shell.
    builder.environment().keySet().removeIf(key -> key.startsWith("NERVE_"));
    builder.environment().putAll(environment);
    try {
      return new NerveProcess(builder.start());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Waits until the application reports it started; fails with the captured output otherwise. */
  NerveProcess awaitStarted(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (output.stream().anyMatch(line -> line.contains("Started NerveMain"))) {
        return this;
      }
      if (!process.isAlive()) {
        throw new AssertionError("nerve exited with " + process.exitValue() + ":\n" + String.join("\n", output));
      }
      Thread.sleep(200);
    }
    throw new AssertionError("nerve did not start in " + timeout + ":\n" + String.join("\n", output));
  }

  List<String> output() {
    return List.copyOf(output);
  }

  Process process() {
    return process;
  }

  /** {@code kill -9}: the JVM ends at once, without shutdown hooks. */
  void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(30, TimeUnit.SECONDS);
  }

  @Override
  public void close() {
    process.destroy();
    try {
      if (process.waitFor(30, TimeUnit.SECONDS)) {
        return;
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    process.descendants().forEach(ProcessHandle::destroyForcibly);
    process.destroyForcibly();
  }
}
