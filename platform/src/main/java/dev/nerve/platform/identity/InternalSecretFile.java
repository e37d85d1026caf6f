package dev.nerve.platform.identity;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;

/**
 * {@code <data-dir>/internal.secret}: the generated internal secret of the process that runs on a
 * data directory (owner-only, rewritten on every start), so that a {@code nerve doctor --server}
 * on the same machine can sign its calls without NERVE_INTERNAL_SECRET. A process with a
 * configured secret removes the file, so a stale one never lingers.
 */
public final class InternalSecretFile {

  static final String FILE_NAME = "internal.secret";

  private InternalSecretFile() {}

  /** Writes a generated secret into {@code dataDir}, or removes the file when it is configured. */
  public static void publish(InternalSecret secret, Path dataDir) {
    Path file = dataDir.resolve(FILE_NAME);
    try {
      if (!secret.generated()) {
        Files.deleteIfExists(file);
        return;
      }
      Path dir = file.toAbsolutePath().getParent();
      Files.createDirectories(dir);
      Path temp = Files.createTempFile(dir, FILE_NAME, ".new");
      try {
        try {
          Files.setPosixFilePermissions(temp, PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException notPosix) {
          // Windows: the file inherits the data directory's ACL.
        }
        Files.writeString(temp, secret.text() + "\n", StandardCharsets.UTF_8);
        Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      } finally {
        Files.deleteIfExists(temp);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the internal secret file " + file, e);
    }
  }

  /** The secret a running process published in {@code dataDir}, if there is one. */
  public static Optional<InternalSecret> read(Path dataDir) {
    Path file = dataDir.resolve(FILE_NAME);
    if (!Files.isRegularFile(file)) {
      return Optional.empty();
    }
    try {
      String text = Files.readString(file, StandardCharsets.UTF_8).strip();
      return text.isEmpty() ? Optional.empty() : Optional.of(InternalSecret.of(text));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the internal secret file " + file, e);
    }
  }
}
