package dev.nerve.installation.environment;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The data directory exists, is writable and has room to grow. */
final class DiskSpaceProbe implements Probe {

  static final long WARN_BELOW = 1L << 30;
  static final long FAIL_BELOW = 200L << 20;

  private final Path dataDir;

  DiskSpaceProbe(Path dataDir) {
    this.dataDir = dataDir.toAbsolutePath().normalize();
  }

  @Override
  public String id() {
    return "disk.free";
  }

  @Override
  public String title() {
    return "Free disk in data directory";
  }

  @Override
  public Finding run() throws IOException {
    Files.createDirectories(dataDir);
    if (!Files.isWritable(dataDir)) {
      return Finding.fail(dataDir + " is not writable", "give the Nerve user write access to " + dataDir);
    }
    long free = Files.getFileStore(dataDir).getUsableSpace();
    String detail = human(free) + " free in " + dataDir;
    if (free < FAIL_BELOW) {
      return Finding.fail(detail, "free disk space or point NERVE_DATA_DIR at a larger volume");
    }
    if (free < WARN_BELOW) {
      return Finding.warn(detail, "free disk space soon: less than 1 GiB left");
    }
    return Finding.ok(detail);
  }

  static String human(long bytes) {
    double gib = bytes / (double) (1L << 30);
    return gib >= 1 ? String.format("%.1f GiB", gib) : String.format("%d MiB", bytes >> 20);
  }
}
