package dev.nerve.gateway.contract;

import dev.nerve.platform.error.FieldViolation;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Translates a request field path as the service names it ({@code page.pageSize},
 * {@code memory.text}) into the name the client sent ({@code first}, {@code input.text},
 * {@code text} for a REST body that is the memory), so every violation points at the client's
 * own input. Each entry maps a service path prefix to a client path prefix; the longest matching
 * prefix wins, and the empty prefix matches every path. An empty client prefix stands for a REST
 * body that is one request field: paths inside it start at the body, and the body itself is
 * {@code body}.
 */
public final class FieldPaths {

  private final List<Map.Entry<String, String>> prefixes;

  private FieldPaths(Map<String, String> prefixes) {
    List<Map.Entry<String, String>> sorted = new ArrayList<>(prefixes.entrySet());
    sorted.sort(Comparator.comparingInt((Map.Entry<String, String> e) -> e.getKey().length()).reversed());
    this.prefixes = List.copyOf(sorted);
  }

  /** Paths unchanged. */
  public static FieldPaths identity() {
    return new FieldPaths(Map.of());
  }

  /** A builder of translations. */
  public static Builder builder() {
    return new Builder();
  }

  /** The client's name for a service path. */
  public String client(String servicePath) {
    for (Map.Entry<String, String> entry : prefixes) {
      String prefix = entry.getKey();
      String rest;
      if (prefix.isEmpty()) {
        rest = servicePath.isEmpty() || servicePath.startsWith("[") ? servicePath : "." + servicePath;
      } else if (servicePath.equals(prefix)
          || servicePath.startsWith(prefix + ".")
          || servicePath.startsWith(prefix + "[")) {
        rest = servicePath.substring(prefix.length());
      } else {
        continue;
      }
      String client = entry.getValue();
      if (client.isEmpty()) {
        // An empty client prefix is a REST body that is one request field: its root is "body".
        return rest.isEmpty() ? "body" : rest.startsWith(".") ? rest.substring(1) : rest;
      }
      return client + rest;
    }
    return servicePath;
  }

  /** The violations with client paths; messages that start with the service path are rewritten too. */
  public List<FieldViolation> client(List<FieldViolation> violations) {
    return violations.stream()
        .map(v -> new FieldViolation(client(v.field()), v.rule(), v.description()))
        .toList();
  }

  /** Collects prefix translations. */
  public static final class Builder {
    private final Map<String, String> prefixes = new LinkedHashMap<>();

    /** Service paths starting with {@code servicePrefix} start with {@code clientPrefix} instead. */
    public Builder map(String servicePrefix, String clientPrefix) {
      prefixes.put(servicePrefix, clientPrefix);
      return this;
    }

    public FieldPaths build() {
      return new FieldPaths(prefixes);
    }
  }
}
