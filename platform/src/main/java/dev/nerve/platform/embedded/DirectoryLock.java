package dev.nerve.platform.embedded;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Proof that this process owns a directory of an embedded server: an exclusive lock on {@code
 * <directory>/nerve.lock}, released by the operating system when the process ends however it ends.
 * Holding it is what lets a starting Nerve treat any server still running in that directory as an
 * orphan of a dead process, and it refuses a second live process on the same data directory.
 */
public final class DirectoryLock implements AutoCloseable {

  private final Path file;
  private final FileChannel channel;
  private final FileLock lock;

  private DirectoryLock(Path file, FileChannel channel, FileLock lock) {
    this.file = file;
    this.channel = channel;
    this.lock = lock;
  }

  /** Locks {@code directory} (creating it), or fails naming the process that holds it. */
  public static DirectoryLock acquire(Path directory) {
    Path file = directory.resolve("nerve.lock");
    FileChannel channel = null;
    try {
      Files.createDirectories(directory);
      channel =
          FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
      FileLock lock;
      try {
        lock = channel.tryLock();
      } catch (OverlappingFileLockException e) {
        lock = null;
      }
      if (lock == null) {
        String holder = Files.readString(file, StandardCharsets.UTF_8).strip();
        channel.close();
        throw new IllegalStateException(
            directory
                + " is in use by another running Nerve process"
                + (holder.isEmpty() ? "" : " (pid " + holder + ")")
                + "; give each process its own nerve.data-dir");
      }
      channel.truncate(0);
      channel.write(ByteBuffer.wrap(Long.toString(ProcessHandle.current().pid()).getBytes(StandardCharsets.UTF_8)), 0);
      return new DirectoryLock(file, channel, lock);
    } catch (IOException e) {
      closeQuietly(channel);
      throw new UncheckedIOException("cannot lock " + file, e);
    }
  }

  @Override
  public void close() {
    try {
      lock.release();
    } catch (IOException e) {
      // Closing the channel below releases it as well.
    }
    closeQuietly(channel);
  }

  private static void closeQuietly(FileChannel channel) {
    if (channel != null) {
      try {
        channel.close();
      } catch (IOException ignored) {
        // Nothing left to release.
      }
    }
  }

  @Override
  public String toString() {
    return "DirectoryLock[" + file + "]";
  }
}
