package dev.nerve.sdk.extension;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Semantic versions and the ranges manifests give for Nerve and for dependencies: space-separated
 * comparators that must all hold ({@code >=1.2.0 <2.0.0}, {@code =1.4.2}, {@code 1.4.2}), caret
 * ({@code ^1.2}: same major, or same minor below 1.0) and tilde ({@code ~1.2.3}: same minor)
 * forms, and wildcards ({@code 1.x}, {@code *}). Pre-release and build suffixes are ignored when
 * comparing.
 */
final class SemverRange {

  private static final Pattern VERSION =
      Pattern.compile("v?(\\d{1,9})(?:\\.(\\d{1,9}|x|\\*))?(?:\\.(\\d{1,9}|x|\\*))?(?:-[0-9A-Za-z.-]+)?(?:\\+[0-9A-Za-z.-]+)?");
  private static final Pattern STRICT =
      Pattern.compile("(\\d{1,9})\\.(\\d{1,9})\\.(\\d{1,9})(?:-[0-9A-Za-z.-]+)?(?:\\+[0-9A-Za-z.-]+)?");

  private record Comparator(String op, int[] version) {}

  private final List<Comparator> comparators;

  private SemverRange(List<Comparator> comparators) {
    this.comparators = comparators;
  }

  /** Whether {@code version} is a full semantic version, e.g. {@code 1.4.2} or {@code 1.0.0-rc.1}. */
  static boolean valid(String version) {
    return STRICT.matcher(version).matches();
  }

  /** Parses a range; throws {@link IllegalArgumentException} when it is not one. */
  static SemverRange parse(String range) {
    List<Comparator> comparators = new ArrayList<>();
    String text = range.trim();
    if (text.isEmpty() || text.equals("*")) {
      return new SemverRange(comparators);
    }
    for (String part : text.split("\\s+")) {
      String op = part.startsWith(">=") || part.startsWith("<=") ? part.substring(0, 2)
          : part.startsWith(">") || part.startsWith("<") || part.startsWith("=") || part.startsWith("^") || part.startsWith("~")
              ? part.substring(0, 1) : "";
      Matcher m = VERSION.matcher(part.substring(op.length()));
      if (!m.matches()) {
        throw new IllegalArgumentException("'" + part + "' is not a version comparator");
      }
      int major = Integer.parseInt(m.group(1));
      Integer minor = number(m.group(2));
      Integer patch = number(m.group(3));
      int mi = minor == null ? 0 : minor;
      int pa = patch == null ? 0 : patch;
      switch (op) {
        case "^" -> {
          comparators.add(new Comparator(">=", new int[] {major, mi, pa}));
          comparators.add(new Comparator("<", major > 0 || minor == null ? new int[] {major + 1, 0, 0} : new int[] {0, mi + 1, 0}));
        }
        case "~" -> {
          comparators.add(new Comparator(">=", new int[] {major, mi, pa}));
          comparators.add(new Comparator("<", minor == null ? new int[] {major + 1, 0, 0} : new int[] {major, mi + 1, 0}));
        }
        case "", "=" -> {
          if (minor == null) {
            comparators.add(new Comparator(">=", new int[] {major, 0, 0}));
            comparators.add(new Comparator("<", new int[] {major + 1, 0, 0}));
          } else if (patch == null) {
            comparators.add(new Comparator(">=", new int[] {major, mi, 0}));
            comparators.add(new Comparator("<", new int[] {major, mi + 1, 0}));
          } else {
            comparators.add(new Comparator("=", new int[] {major, mi, pa}));
          }
        }
        default -> comparators.add(new Comparator(op, new int[] {major, mi, pa}));
      }
    }
    return new SemverRange(comparators);
  }

  boolean matches(String version) {
    Matcher m = STRICT.matcher(version);
    if (!m.matches()) {
      return false;
    }
    int[] v = {Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)), Integer.parseInt(m.group(3))};
    for (Comparator c : comparators) {
      int cmp = compare(v, c.version());
      boolean ok = switch (c.op()) {
        case ">=" -> cmp >= 0;
        case "<=" -> cmp <= 0;
        case ">" -> cmp > 0;
        case "<" -> cmp < 0;
        default -> cmp == 0;
      };
      if (!ok) {
        return false;
      }
    }
    return true;
  }

  private static Integer number(String part) {
    return part == null || part.equals("x") || part.equals("*") ? null : Integer.parseInt(part);
  }

  private static int compare(int[] a, int[] b) {
    for (int i = 0; i < 3; i++) {
      if (a[i] != b[i]) {
        return Integer.compare(a[i], b[i]);
      }
    }
    return 0;
  }
}
