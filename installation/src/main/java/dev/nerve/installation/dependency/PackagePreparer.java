package dev.nerve.installation.dependency;

import dev.nerve.api.installation.v1.DependencyProgress;
import dev.nerve.api.installation.v1.DependencyProgressPhase;
import dev.nerve.api.sdk.v1.Extension;
import dev.nerve.installation.dependency.archive.ArchiveExtractor;
import dev.nerve.installation.dependency.resolve.Candidate;
import dev.nerve.platform.error.ErrorCode;
import dev.nerve.platform.error.NerveException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes a package ready to load without changing anything: fetches its archive from its source,
 * compares the SHA-256 with the index, unpacks it safely into a scratch directory and reads the
 * extension manifest. Installs prepare every package before loading any, so a bad archive
 * anywhere in the set changes nothing.
 */
final class PackagePreparer {

  private static final Logger log = LoggerFactory.getLogger(PackagePreparer.class);

  /** A package ready to load: its verified archive and the manifest read from it. */
  record Prepared(byte[] archive, Extension extension) {}

  private final ArchiveExtractor extractor;
  private final long maxArchiveBytes;

  PackagePreparer(ArchiveExtractor extractor, long maxArchiveBytes) {
    this.extractor = extractor;
    this.maxArchiveBytes = maxArchiveBytes;
  }

  Prepared prepare(Catalog catalog, Candidate to, Path scratch, Progress progress) {
    progress.report(event(DependencyProgressPhase.DEPENDENCY_PROGRESS_PHASE_DOWNLOADING, to, 0, "fetching " + to.archive()));
    byte[] archive = catalog.reader(to.source()).fetch(to, maxArchiveBytes);
    String sha = Checksums.sha256(archive);
    if (!sha.equals(to.sha256())) {
      throw new NerveException(ErrorCode.INVALID_ARGUMENT, "checksum of " + to.label() + " from source '" + to.source()
          + "' is " + sha + ", but its index says " + to.sha256() + "; nothing was changed");
    }
    Extension extension = unpack(archive, scratch, to.name(), to.version().text());
    progress.report(event(DependencyProgressPhase.DEPENDENCY_PROGRESS_PHASE_VERIFIED, to, archive.length,
        "verified SHA-256 and unpacked " + archive.length + " bytes"));
    return new Prepared(archive, extension);
  }

  /** The manifest of an archive already verified (the lock's copy), unpacked under {@code scratch}. */
  Extension unpack(byte[] archive, Path scratch, String name, String version) {
    Path dir = scratch.resolve(name + "-" + version);
    try {
      extractor.extract(archive, dir, name + " " + version);
      return ExtensionPackage.read(dir, name, version);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static DependencyProgress event(DependencyProgressPhase phase, Candidate c, long bytes, String message) {
    return DependencyProgress.newBuilder().setPhase(phase).setName(c.name()).setVersion(c.version().text())
        .setBytes(bytes).setMessage(message).build();
  }

  /** Deletes a scratch directory and everything in it. */
  static void delete(Path dir) {
    if (dir == null || !Files.exists(dir)) {
      return;
    }
    try (var paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> {
        try {
          Files.deleteIfExists(p);
        } catch (IOException e) {
          log.warn("could not delete {}", p, e);
        }
      });
    } catch (IOException e) {
      log.warn("could not delete {}", dir, e);
    }
  }
}
