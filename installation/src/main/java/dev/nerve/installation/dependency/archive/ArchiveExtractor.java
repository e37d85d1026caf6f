package dev.nerve.installation.dependency.archive;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipInputStream;

/**
 * Unpacks a package zip into an empty directory, refusing anything that could write outside it
 * (absolute names, {@code ..}, backslashes, drive letters, NUL, duplicate names) and counting the
 * bytes actually inflated against the limits, so a zip bomb stops at the limit rather than at the
 * size it claims. A refused archive leaves whatever it wrote in the directory for the caller to
 * delete with it.
 */
public final class ArchiveExtractor {

  private final ArchiveLimits limits;

  public ArchiveExtractor(ArchiveLimits limits) {
    this.limits = limits;
  }

  /** Unpacks {@code zip} into {@code target} and returns the number of files written. */
  public int extract(byte[] zip, Path target, String label) throws IOException {
    if (zip.length > limits.maxArchiveBytes()) {
      throw new UnsafeArchiveException(label + ": archive is larger than " + limits.maxArchiveBytes() + " bytes");
    }
    Path base = target.toAbsolutePath().normalize();
    Files.createDirectories(base);
    long total = 0;
    int entries = 0;
    int files = 0;
    Set<String> names = new HashSet<>();
    byte[] buffer = new byte[16 * 1024];
    try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(zip))) {
      ZipEntry entry;
      while ((entry = in.getNextEntry()) != null) {
        if (++entries > limits.maxFiles()) {
          throw new UnsafeArchiveException(label + ": archive has more than " + limits.maxFiles() + " entries");
        }
        String name = entry.getName();
        Path out = safePath(base, name, label);
        if (!names.add(out.toString())) {
          throw new UnsafeArchiveException(label + ": archive repeats entry '" + name + "'");
        }
        if (entry.isDirectory()) {
          Files.createDirectories(out);
          continue;
        }
        Files.createDirectories(out.getParent());
        try (OutputStream file = Files.newOutputStream(out, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
          int n;
          while ((n = in.read(buffer)) > 0) {
            total += n;
            if (total > limits.maxExtractedBytes()) {
              throw new UnsafeArchiveException(
                  label + ": archive unpacks to more than " + limits.maxExtractedBytes() + " bytes");
            }
            file.write(buffer, 0, n);
          }
        }
        files++;
      }
    } catch (ZipException e) {
      throw new UnsafeArchiveException(label + ": archive is not a valid zip (" + e.getMessage() + ")");
    }
    if (entries == 0) {
      throw new UnsafeArchiveException(label + ": archive is empty or not a zip");
    }
    return files;
  }

  private static Path safePath(Path base, String name, String label) {
    if (name.isEmpty() || name.startsWith("/") || name.contains("\\") || name.indexOf('\0') >= 0
        || (name.length() > 1 && name.charAt(1) == ':') || List.of(name.split("/")).contains("..")) {
      throw new UnsafeArchiveException(label + ": archive entry '" + printable(name) + "' would leave the package directory");
    }
    Path out = base.resolve(name).normalize();
    if (!out.startsWith(base) || out.equals(base)) {
      throw new UnsafeArchiveException(label + ": archive entry '" + printable(name) + "' would leave the package directory");
    }
    return out;
  }

  private static String printable(String name) {
    String clean = name.replaceAll("[^\\x20-\\x7e]", "?");
    return clean.length() > 200 ? clean.substring(0, 200) + "..." : clean;
  }
}
