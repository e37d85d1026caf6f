package dev.nerve.installation.dependency.resolve;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A semver range, written as the SDK manifests write them: space-separated comparators that must
 * all hold ({@code >=1.2.0 <2.0.0}, {@code =1.4.2}, {@code 1.4.2}), caret ({@code ^1.2}: same
 * major, or same minor below 1.0), tilde ({@code ~1.2.3}: same minor), wildcards ({@code 1.x},
 * {@code *}, empty), and alternatives joined by {@code ||}. A pre-release version matches only a
 * range that names a pre-release of the same major.minor.patch, so {@code ^1.0} never picks
 * {@code 1.1.0-rc.1}.
 */
public final class VersionRange {

  private static final Pattern PARTIAL =
      Pattern.compile("v?(\\d{1,9}|x|X|\\*)(?:\\.(\\d{1,9}|x|X|\\*))?(?:\\.(\\d{1,9}|x|X|\\*))?(-[0-9A-Za-z.-]+)?(?:\\+[0-9A-Za-z.-]+)?");

  private record Comparator(String op, Version version) {
    boolean test(Version v) {
      int c = v.compareTo(version);
      return switch (op) {
        case ">=" -> c >= 0;
        case "<=" -> c <= 0;
        case ">" -> c > 0;
        case "<" -> c < 0;
        default -> c == 0;
      };
    }
  }

  private final String text;
  private final List<List<Comparator>> alternatives;

  private VersionRange(String text, List<List<Comparator>> alternatives) {
    this.text = text;
    this.alternatives = alternatives;
  }

  /** The range that accepts every release. */
  public static VersionRange any() {
    return parse("");
  }

  /** Parses a range; throws {@link IllegalArgumentException} naming the part that is not one. */
  public static VersionRange parse(String range) {
    String text = range == null ? "" : range.trim();
    if (text.length() > 256) {
      throw new IllegalArgumentException("a version range is at most 256 characters");
    }
    List<List<Comparator>> alternatives = new ArrayList<>();
    for (String alternative : text.split("\\|\\|", -1)) {
      List<Comparator> all = new ArrayList<>();
      String trimmed = alternative.trim();
      if (trimmed.isEmpty() && text.contains("||")) {
        throw new IllegalArgumentException("'" + text + "' has an empty alternative");
      }
      if (!trimmed.isEmpty()) {
        for (String part : trimmed.split("\\s+")) {
          comparators(part, all);
        }
      }
      alternatives.add(all);
    }
    return new VersionRange(text, alternatives);
  }

  private static void comparators(String part, List<Comparator> out) {
    String op =
        part.startsWith(">=") || part.startsWith("<=")
            ? part.substring(0, 2)
            : part.startsWith(">") || part.startsWith("<") || part.startsWith("=") || part.startsWith("^") || part.startsWith("~")
                ? part.substring(0, 1)
                : "";
    Matcher m = PARTIAL.matcher(part.substring(op.length()));
    if (!m.matches()) {
      throw new IllegalArgumentException("'" + part + "' is not a version comparator such as ^1.2, >=1.0.0 or 1.x");
    }
    Integer major = number(m.group(1));
    Integer minor = number(m.group(2));
    Integer patch = number(m.group(3));
    String pre = m.group(4);
    if (major == null) {
      if (!op.isEmpty() && !op.equals("=") && !op.equals(">=")) {
        throw new IllegalArgumentException("'" + part + "' compares with a wildcard");
      }
      return;
    }
    if (minor == null) {
      patch = null;
    }
    boolean full = minor != null && patch != null;
    if (pre != null && !full) {
      throw new IllegalArgumentException("'" + part + "' has a pre-release on a partial version");
    }
    int mi = minor == null ? 0 : minor;
    int pa = patch == null ? 0 : patch;
    Version low = pre == null ? Version.of(major, mi, pa) : Version.parse(major + "." + mi + "." + pa + pre);
    switch (op) {
      case "^" -> {
        out.add(new Comparator(">=", low));
        Version high =
            major > 0 || minor == null
                ? Version.of(major + 1, 0, 0)
                : mi > 0 || patch == null ? Version.of(0, mi + 1, 0) : Version.of(0, 0, pa + 1);
        out.add(new Comparator("<", preFloor(high)));
      }
      case "~" -> {
        out.add(new Comparator(">=", low));
        out.add(new Comparator("<", preFloor(minor == null ? Version.of(major + 1, 0, 0) : Version.of(major, mi + 1, 0))));
      }
      case "", "=" -> {
        if (full) {
          out.add(new Comparator("=", low));
        } else {
          out.add(new Comparator(">=", low));
          out.add(new Comparator("<", preFloor(minor == null ? Version.of(major + 1, 0, 0) : Version.of(major, mi + 1, 0))));
        }
      }
      case ">" -> {
        if (full) {
          out.add(new Comparator(">", low));
        } else {
          out.add(new Comparator(">=", preFloor(minor == null ? Version.of(major + 1, 0, 0) : Version.of(major, mi + 1, 0))));
        }
      }
      case "<=" -> {
        if (full) {
          out.add(new Comparator("<=", low));
        } else {
          out.add(new Comparator("<", preFloor(minor == null ? Version.of(major + 1, 0, 0) : Version.of(major, mi + 1, 0))));
        }
      }
      case "<" -> out.add(new Comparator("<", full ? low : preFloor(low)));
      default -> out.add(new Comparator(op, low));
    }
  }

  /** The lowest version of a release, its "-0" pre-release, so "<2.0.0" excludes 2.0.0-rc.1. */
  private static Version preFloor(Version v) {
    return Version.parse(v.text() + "-0");
  }

  private static Integer number(String part) {
    return part == null || part.equalsIgnoreCase("x") || part.equals("*") ? null : Integer.parseInt(part);
  }

  /** Whether {@code version} satisfies the range. */
  public boolean matches(Version version) {
    for (List<Comparator> all : alternatives) {
      if (all.stream().allMatch(c -> c.test(version)) && preReleaseAllowed(all, version)) {
        return true;
      }
    }
    return false;
  }

  private static boolean preReleaseAllowed(List<Comparator> all, Version version) {
    if (!version.isPreRelease()) {
      return true;
    }
    return all.stream().anyMatch(c -> c.version().isPreRelease() && c.version().sameRelease(version)
        && !c.version().preRelease().equals(List.of("0")));
  }

  @Override
  public String toString() {
    return text.isEmpty() ? "*" : text;
  }
}
