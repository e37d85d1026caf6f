package dev.nerve.platform.secrets;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where the master key comes from: {@code NERVE_MASTER_KEY} (base64 of 32 bytes), or, for a
 * zero-config start, a key generated once into {@code <data-dir>/master.key} (owner-only). Every
 * process that reads the same encrypted rows needs the same key, so deployments set the variable.
 */
public final class MasterKey {

  private static final Logger log = LoggerFactory.getLogger(MasterKey.class);
  static final String FILE_NAME = "master.key";

  private MasterKey() {}

  /** The configured key, or the one kept in {@code dataDir} (made on first use). */
  public static byte[] resolve(String configured, Path dataDir) {
    if (configured != null && !configured.isBlank()) {
      return decode(configured.trim(), "nerve.secrets.master-key (NERVE_MASTER_KEY)");
    }
    Path file = dataDir.resolve(FILE_NAME);
    try {
      if (!Files.exists(file)) {
        create(file);
      }
      return decode(Files.readString(file, StandardCharsets.US_ASCII).trim(), file.toString());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read or create the master key " + file, e);
    }
  }

  /** The previous key of a rotation ({@code NERVE_PREVIOUS_MASTER_KEY}), or null when none is set. */
  public static byte[] previous(String configured) {
    if (configured == null || configured.isBlank()) {
      return null;
    }
    return decode(configured.trim(), "nerve.secrets.previous-master-key (NERVE_PREVIOUS_MASTER_KEY)");
  }

  /**
   * Writes a new key next to {@code file} and links it into place, so the key file appears whole
   * or not at all: a crash leaves no empty key, and a process starting at the same moment either
   * reads the finished file or keeps its own (the link fails when the file exists).
   */
  private static void create(Path file) throws IOException {
    Path dir = file.toAbsolutePath().getParent();
    Files.createDirectories(dir);
    byte[] key = new byte[32];
    new SecureRandom().nextBytes(key);
    Path temp = Files.createTempFile(dir, FILE_NAME, ".new");
    try {
      try {
        Files.setPosixFilePermissions(temp, PosixFilePermissions.fromString("rw-------"));
      } catch (UnsupportedOperationException notPosix) {
        // Windows: the file inherits the data directory's ACL.
      }
      Files.writeString(temp, Base64.getEncoder().encodeToString(key) + "\n", StandardCharsets.US_ASCII);
      try {
        Files.createLink(file, temp);
      } catch (FileAlreadyExistsException raced) {
        return;
      } catch (UnsupportedOperationException noHardLinks) {
        Files.move(temp, file);
      }
    } finally {
      Files.deleteIfExists(temp);
    }
    log.warn(
        "NERVE_MASTER_KEY is not set: generated a master key in {}. Secrets stored in the database"
            + " are encrypted with it; keep the file, and give every process of a split or"
            + " replicated deployment the same key through NERVE_MASTER_KEY.",
        file);
  }

  private static byte[] decode(String value, String source) {
    byte[] key;
    try {
      key = Base64.getDecoder().decode(value);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(source + " must be base64 (e.g. `openssl rand -base64 32`)");
    }
    if (key.length != 32) {
      throw new IllegalArgumentException(
          source + " must decode to 32 bytes (e.g. `openssl rand -base64 32`), not " + key.length);
    }
    return key;
  }
}
