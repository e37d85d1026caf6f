package dev.nerve.server.cli;

import dev.nerve.platform.embedded.DirectoryLock;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.stream.Stream;

/**
 * Keeps the JVM's own temporary files (Tomcat's work directory, native libraries unpacked by
 * gRPC and ONNX Runtime) from piling up after crashes. The launchers ({@code nerve}, the image)
 * point {@code java.io.tmpdir} at {@code <data-dir>/tmp}; files there are deleted only when the
 * JVM exits normally, so after a {@code kill -9} this start deletes what the crashed process left,
 * holding the directory's lock so a live process's files are never touched.
 */
public final class ProcessTempDirectory {

  private static DirectoryLock held;

  private ProcessTempDirectory() {}

  /** Empties {@code java.io.tmpdir} when it is this data directory's {@code tmp}; a no-op otherwise. */
  public static synchronized void prepare(CommandLine line) {
    Path dataDir =
        Path.of(
                line.value("--nerve.data-dir")
                    .or(() -> java.util.Optional.ofNullable(System.getenv("NERVE_DATA_DIR")).filter(v -> !v.isBlank()))
                    .orElse("./data"))
            .toAbsolutePath()
            .normalize();
    Path tmp = Path.of(System.getProperty("java.io.tmpdir")).toAbsolutePath().normalize();
    if (held != null || !tmp.equals(dataDir.resolve("tmp"))) {
      return;
    }
    held = DirectoryLock.acquire(tmp);
    try (Stream<Path> entries = Files.list(tmp)) {
      for (Path entry : entries.filter(p -> !p.getFileName().toString().equals("nerve.lock")).toList()) {
        delete(entry);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot clean " + tmp, e);
    }
  }

  private static void delete(Path path) throws IOException {
    Files.walkFileTree(
        path,
        new SimpleFileVisitor<>() {
          @Override
          public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) throws IOException {
            Files.deleteIfExists(file);
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult postVisitDirectory(Path directory, IOException e) throws IOException {
            Files.deleteIfExists(directory);
            return FileVisitResult.CONTINUE;
          }
        });
  }
}
