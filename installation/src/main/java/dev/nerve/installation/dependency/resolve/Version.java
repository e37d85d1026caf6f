package dev.nerve.installation.dependency.resolve;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A semantic version (semver.org 2.0.0), ordered by its precedence rules: numbers compare
 * numerically, a pre-release sorts before its release and compares identifier by identifier,
 * build metadata is ignored.
 */
public record Version(int major, int minor, int patch, List<String> preRelease, String text)
    implements Comparable<Version> {

  private static final Pattern STRICT =
      Pattern.compile(
          "(0|[1-9]\\d{0,8})\\.(0|[1-9]\\d{0,8})\\.(0|[1-9]\\d{0,8})"
              + "(?:-((?:0|[1-9]\\d*|\\d*[A-Za-z-][0-9A-Za-z-]*)(?:\\.(?:0|[1-9]\\d*|\\d*[A-Za-z-][0-9A-Za-z-]*))*))?"
              + "(?:\\+([0-9A-Za-z-]+(?:\\.[0-9A-Za-z-]+)*))?");

  public Version {
    preRelease = List.copyOf(preRelease);
  }

  /** Parses {@code 1.4.2}, {@code 1.0.0-rc.1}, {@code 2.0.0+build.5}; throws when it is not one. */
  public static Version parse(String text) {
    Matcher m = STRICT.matcher(text == null ? "" : text);
    if (!m.matches()) {
      throw new IllegalArgumentException("'" + text + "' is not a semantic version such as 1.4.2");
    }
    List<String> pre = m.group(4) == null ? List.of() : List.of(m.group(4).split("\\."));
    return new Version(
        Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)), Integer.parseInt(m.group(3)), pre, text);
  }

  /** Whether {@code text} is a semantic version. */
  public static boolean valid(String text) {
    return text != null && STRICT.matcher(text).matches();
  }

  static Version of(int major, int minor, int patch) {
    return new Version(major, minor, patch, List.of(), major + "." + minor + "." + patch);
  }

  /** Whether it has a pre-release part. */
  public boolean isPreRelease() {
    return !preRelease.isEmpty();
  }

  /** Whether both share major, minor and patch. */
  boolean sameRelease(Version other) {
    return major == other.major && minor == other.minor && patch == other.patch;
  }

  @Override
  public int compareTo(Version other) {
    int c = Integer.compare(major, other.major);
    if (c == 0) {
      c = Integer.compare(minor, other.minor);
    }
    if (c == 0) {
      c = Integer.compare(patch, other.patch);
    }
    if (c != 0) {
      return c;
    }
    if (preRelease.isEmpty() || other.preRelease.isEmpty()) {
      return Boolean.compare(preRelease.isEmpty(), other.preRelease.isEmpty());
    }
    for (int i = 0; i < Math.min(preRelease.size(), other.preRelease.size()); i++) {
      c = compareIdentifier(preRelease.get(i), other.preRelease.get(i));
      if (c != 0) {
        return c;
      }
    }
    return Integer.compare(preRelease.size(), other.preRelease.size());
  }

  private static int compareIdentifier(String a, String b) {
    boolean an = a.chars().allMatch(Character::isDigit);
    boolean bn = b.chars().allMatch(Character::isDigit);
    if (an && bn) {
      return a.length() != b.length() ? Integer.compare(a.length(), b.length()) : a.compareTo(b);
    }
    if (an != bn) {
      return an ? -1 : 1;
    }
    return a.compareTo(b);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Version v && compareTo(v) == 0;
  }

  @Override
  public int hashCode() {
    return java.util.Objects.hash(major, minor, patch, preRelease);
  }

  @Override
  public String toString() {
    return text;
  }
}
