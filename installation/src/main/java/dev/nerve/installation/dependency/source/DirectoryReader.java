package dev.nerve.installation.dependency.source;

import dev.nerve.installation.dependency.resolve.Candidate;
import dev.nerve.platform.error.ErrorCode;
import dev.nerve.platform.error.NerveException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A directory source: {@code index.json} and the archives it names, all inside the directory. The
 * directory is a relative path under the configured root and every file is resolved to its real
 * path and must stay inside it, so neither {@code ..} nor a symbolic link reaches other files.
 */
public final class DirectoryReader implements SourceReader {

  /** Largest index.json read. */
  static final long MAX_INDEX_BYTES = 4L * 1024 * 1024;

  private final String name;
  private final Path directory;

  public DirectoryReader(String name, Path root, String location) {
    this.name = name;
    this.directory = directory(root, location);
  }

  /** The directory of a location under {@code root}; INVALID_ARGUMENT when it leaves the root. */
  public static Path directory(Path root, String location) {
    if (location.isBlank() || location.startsWith("/") || location.startsWith("\\") || location.contains("\\")
        || location.contains(":") || List.of(location.split("/")).contains("..")) {
      throw NerveException.invalid("location", "path", "must be a relative path under the package directory root, without '..'");
    }
    Path base = root.toAbsolutePath().normalize();
    Path resolved = base.resolve(location).normalize();
    if (!resolved.startsWith(base)) {
      throw NerveException.invalid("location", "path", "must stay under the package directory root");
    }
    return resolved;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public List<Candidate> index() {
    return IndexDocument.parse(name, read(inside("index.json"), MAX_INDEX_BYTES));
  }

  @Override
  public byte[] fetch(Candidate candidate, long maxBytes) {
    return read(inside(candidate.archive()), maxBytes);
  }

  private Path inside(String file) {
    try {
      Path real = directory.toRealPath();
      Path target = real.resolve(file).normalize();
      if (!target.startsWith(real) || !Files.isRegularFile(target)) {
        throw missing(file);
      }
      Path realTarget = target.toRealPath();
      if (!realTarget.startsWith(real)) {
        throw new NerveException(ErrorCode.FAILED_PRECONDITION, "package source '" + name + "': " + file + " leaves the source directory");
      }
      return realTarget;
    } catch (IOException | java.nio.file.InvalidPathException e) {
      throw missing(file);
    }
  }

  private NerveException missing(String file) {
    return new NerveException(ErrorCode.FAILED_PRECONDITION, "package source '" + name + "': " + file + " is not a file in the source directory");
  }

  private byte[] read(Path file, long maxBytes) {
    try (InputStream in = Files.newInputStream(file)) {
      byte[] bytes = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxBytes + 1));
      if (bytes.length > maxBytes) {
        throw new NerveException(ErrorCode.FAILED_PRECONDITION,
            "package source '" + name + "': " + directory.relativize(file) + " is larger than " + maxBytes + " bytes");
      }
      return bytes;
    } catch (IOException e) {
      throw new NerveException(ErrorCode.FAILED_PRECONDITION, "package source '" + name + "': cannot read " + file.getFileName());
    }
  }
}
