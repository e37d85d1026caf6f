package dev.nerve.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * What every benchmark run reads from its surroundings: its {@code --name=value} options, the
 * machine's load average (other work on the machine skews every figure, so results record it) and
 * the commit it measures.
 */
public final class BenchmarkRun {

  private BenchmarkRun() {}

  /** The {@code --name=value} arguments by name. */
  public static Map<String, String> options(String[] args) {
    Map<String, String> options = new HashMap<>();
    for (String arg : args) {
      if (arg.startsWith("--") && arg.contains("=")) {
        options.put(arg.substring(2, arg.indexOf('=')), arg.substring(arg.indexOf('=') + 1));
      }
    }
    return options;
  }

  /** The 1, 5 and 15 minute load averages, or "unknown". */
  public static String loadAverage() {
    try {
      String[] fields = Files.readString(Path.of("/proc/loadavg")).trim().split(" ");
      return fields[0] + " " + fields[1] + " " + fields[2];
    } catch (IOException e) {
      return "unknown";
    }
  }

  /** The measured commit: {@code GIT_COMMIT} or {@code -Dcommit} when set, else git's short HEAD. */
  public static String commit() {
    String given = System.getenv("GIT_COMMIT");
    if (given == null || given.isBlank()) {
      given = System.getProperty("commit");
    }
    if (given != null && !given.isBlank()) {
      return given;
    }
    try {
      Process git = new ProcessBuilder("git", "rev-parse", "--short", "HEAD").redirectErrorStream(true).start();
      String out = new String(git.getInputStream().readAllBytes()).trim();
      return git.waitFor() == 0 ? out : "unknown";
    } catch (IOException e) {
      return "unknown";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "unknown";
    }
  }
}
