package dev.nerve.installation.dependency.source;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import dev.nerve.api.installation.v1.IndexedPackage;
import dev.nerve.api.installation.v1.IndexedVersion;
import dev.nerve.api.installation.v1.PackageIndex;
import dev.nerve.installation.dependency.resolve.Candidate;
import dev.nerve.installation.dependency.resolve.Version;
import dev.nerve.installation.dependency.resolve.VersionRange;
import dev.nerve.platform.error.ErrorCode;
import dev.nerve.platform.error.NerveException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Parses a source's index.json (the {@code PackageIndex} message as JSON) strictly: a name,
 * version, checksum or range that is not one fails the whole index with the JSON path of the
 * entry, so a broken index is fixed rather than half used.
 */
public final class IndexDocument {

  /** Package and source names: the SDK's extension id rule. */
  public static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9_-]{0,63}");

  private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");

  private IndexDocument() {}

  /** The candidates of an index read from {@code source}. */
  public static List<Candidate> parse(String source, byte[] json) {
    PackageIndex.Builder index = PackageIndex.newBuilder();
    try {
      JsonFormat.parser().ignoringUnknownFields().merge(new String(json, StandardCharsets.UTF_8), index);
    } catch (InvalidProtocolBufferException | RuntimeException e) {
      throw broken(source, "is not a package index: " + e.getMessage());
    }
    List<Candidate> out = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    for (int p = 0; p < index.getPackagesCount(); p++) {
      IndexedPackage pkg = index.getPackages(p);
      String at = "packages[" + p + "]";
      if (!NAME.matcher(pkg.getName()).matches()) {
        throw broken(source, at + ".name '" + pkg.getName() + "' is not 1-64 of a-z 0-9 _ -");
      }
      for (int v = 0; v < pkg.getVersionsCount(); v++) {
        IndexedVersion version = pkg.getVersions(v);
        String vat = at + ".versions[" + v + "]";
        if (!Version.valid(version.getVersion())) {
          throw broken(source, vat + ".version '" + version.getVersion() + "' is not a semantic version");
        }
        if (!seen.add(pkg.getName() + "@" + Version.parse(version.getVersion()))) {
          throw broken(source, vat + " repeats " + pkg.getName() + " " + version.getVersion());
        }
        if (!SHA256.matcher(version.getSha256()).matches()) {
          throw broken(source, vat + ".sha256 is not 64 lower-case hex digits");
        }
        if (version.getArchive().isBlank()) {
          throw broken(source, vat + ".archive is empty");
        }
        Map<String, VersionRange> deps = new LinkedHashMap<>();
        for (Map.Entry<String, String> dep : version.getDependenciesMap().entrySet()) {
          if (!NAME.matcher(dep.getKey()).matches()) {
            throw broken(source, vat + ".dependencies has an invalid name '" + dep.getKey() + "'");
          }
          deps.put(dep.getKey(), range(source, vat + ".dependencies[\"" + dep.getKey() + "\"]", dep.getValue()));
        }
        out.add(new Candidate(pkg.getName(), Version.parse(version.getVersion()), deps,
            range(source, vat + ".nerveVersionRange", version.getNerveVersionRange()),
            version.getSha256(), version.getArchive(), source));
      }
    }
    return out;
  }

  private static VersionRange range(String source, String at, String text) {
    try {
      return VersionRange.parse(text);
    } catch (IllegalArgumentException e) {
      throw broken(source, at + ": " + e.getMessage());
    }
  }

  private static NerveException broken(String source, String detail) {
    return new NerveException(ErrorCode.FAILED_PRECONDITION, "package source '" + source + "': index " + detail);
  }
}
