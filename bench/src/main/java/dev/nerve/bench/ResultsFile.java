package dev.nerve.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Writes {@code bench/results/<name>.json}: {"benchmark","date","machine","commit","metrics":{name:
 * {"value","unit"}}}, the format every Nerve benchmark reports in.
 */
public final class ResultsFile {

  private final Map<String, String[]> metrics = new LinkedHashMap<>();
  private final Map<String, String> parameters = new LinkedHashMap<>();

  public void metric(String name, double value, String unit) {
    metrics.put(name, new String[] {String.format(Locale.ROOT, "%.4f", value), unit});
  }

  public void parameter(String name, Object value) {
    parameters.put(name, String.valueOf(value));
  }

  public void write(Path file, String benchmark, String commit) throws IOException {
    StringBuilder json = new StringBuilder("{\n");
    json.append("  \"benchmark\": ").append(quote(benchmark)).append(",\n");
    json.append("  \"date\": ").append(quote(Instant.now().toString())).append(",\n");
    json.append("  \"machine\": ").append(quote(machine())).append(",\n");
    json.append("  \"commit\": ").append(quote(commit)).append(",\n");
    json.append("  \"parameters\": {");
    int i = 0;
    for (Map.Entry<String, String> p : parameters.entrySet()) {
      json.append(i++ == 0 ? "\n" : ",\n").append("    ").append(quote(p.getKey())).append(": ").append(quote(p.getValue()));
    }
    json.append("\n  },\n  \"metrics\": {");
    i = 0;
    for (Map.Entry<String, String[]> m : metrics.entrySet()) {
      json.append(i++ == 0 ? "\n" : ",\n")
          .append("    ")
          .append(quote(m.getKey()))
          .append(": {\"value\": ")
          .append(m.getValue()[0])
          .append(", \"unit\": ")
          .append(quote(m.getValue()[1]))
          .append('}');
    }
    json.append("\n  }\n}\n");
    Files.createDirectories(file.toAbsolutePath().getParent());
    Files.writeString(file, json.toString());
  }

  private static String machine() {
    Runtime runtime = Runtime.getRuntime();
    return String.format(
        Locale.ROOT,
        "%s %s, %d cores, %d MiB max heap, Java %s",
        System.getProperty("os.name"),
        System.getProperty("os.arch"),
        runtime.availableProcessors(),
        runtime.maxMemory() / (1024 * 1024),
        System.getProperty("java.version"));
  }

  private static String quote(String value) {
    return "\"" + value.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }
}
