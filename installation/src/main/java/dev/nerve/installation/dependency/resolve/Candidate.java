package dev.nerve.installation.dependency.resolve;

import java.util.Map;
import java.util.TreeMap;

/**
 * One version of a package a source offers: what the resolver may choose, with what it needs.
 *
 * @param dependencies package name to the range it must satisfy, in name order
 * @param nerveRange Nerve versions it works with
 * @param sha256 checksum of its archive, as the index declares it
 * @param archive where the source finds the archive (relative name or URL)
 * @param source name of the source offering it
 */
public record Candidate(
    String name,
    Version version,
    Map<String, VersionRange> dependencies,
    VersionRange nerveRange,
    String sha256,
    String archive,
    String source) {

  public Candidate {
    dependencies = java.util.Collections.unmodifiableMap(new TreeMap<>(dependencies));
  }

  /** "name version", as explanations name it. */
  public String label() {
    return name + " " + version;
  }
}
