package dev.nerve.installation.dependency.resolve;

/**
 * A range a package must satisfy and who asks for it.
 *
 * @param by "request" for the caller or an installed-on-request package, else the label of the
 *     depending candidate
 */
public record Requirement(String name, VersionRange range, String by) {

  /** Who asked for it, for an explanation: {@code b 2.0.0 requires ^2.0}. */
  public String describe() {
    return by + " requires " + range;
  }
}
