package dev.nerve.platform.outbound;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * One {@code nerve.outbound.allow-hosts} entry: a host name whose addresses outbound requests may
 * reach although they are refused by default, optionally on one port only. {@code
 * api.internal.example.com} matches that name exactly; {@code *.example.com} matches every name
 * below example.com (not example.com itself); {@code ollama.local:11434} only that port.
 *
 * @param name lower-case host name, or the suffix after {@code *.} for a wildcard
 * @param wildcard whether the entry matches the names below {@code name}
 * @param port the only port allowed, or {@code -1} for any
 */
public record AllowedHost(String name, boolean wildcard, int port) {

  private static final Pattern NAME =
      Pattern.compile("[a-z0-9_]([a-z0-9_-]*[a-z0-9_])?(\\.[a-z0-9_]([a-z0-9_-]*[a-z0-9_])?)*");
  private static final Pattern NUMERIC = Pattern.compile("[0-9.]+|.*:.*");

  public AllowedHost {
    if (!NAME.matcher(name).matches() || NUMERIC.matcher(name).matches()) {
      throw new IllegalArgumentException("not a host name: " + name);
    }
    if (port < -1 || port == 0 || port > 65535) {
      throw new IllegalArgumentException("port must be 1 to 65535");
    }
  }

  /** Parses one entry; throws {@link IllegalArgumentException} naming the entry when malformed. */
  public static AllowedHost parse(String entry) {
    String text = entry.strip().toLowerCase(Locale.ROOT);
    try {
      int port = -1;
      int colon = text.lastIndexOf(':');
      if (colon >= 0) {
        port = Integer.parseInt(text.substring(colon + 1));
        text = text.substring(0, colon);
      }
      boolean wildcard = text.startsWith("*.");
      String name = wildcard ? text.substring(2) : text;
      if (name.endsWith(".")) {
        name = name.substring(0, name.length() - 1);
      }
      return new AllowedHost(name, wildcard, port);
    } catch (RuntimeException ex) {
      throw new IllegalArgumentException(
          "allow-hosts entry '" + entry + "' is not a host name such as api.example.com, "
              + "*.example.com or api.example.com:8443 (IP addresses go in allow-cidrs)");
    }
  }

  /** Whether the entry covers this normalized host name on this port. */
  public boolean matches(String host, int port) {
    if (this.port != -1 && this.port != port) {
      return false;
    }
    return wildcard ? host.endsWith("." + name) : host.equals(name);
  }

  @Override
  public String toString() {
    String text = wildcard ? "*." + name : name;
    return port == -1 ? text : text + ":" + port;
  }
}
