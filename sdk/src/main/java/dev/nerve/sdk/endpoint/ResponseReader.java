package dev.nerve.sdk.endpoint;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Reads a response body as it streams in, up to a cap: a body above it stops the read at the
 * first byte past the cap (the connection is closed, nothing more is buffered), and a body still
 * arriving at the deadline is cut off by closing the stream.
 */
final class ResponseReader implements AutoCloseable {

  /** The body grew past the cap. */
  static final class TooLarge extends IOException {
    private static final long serialVersionUID = 1L;

    TooLarge(long cap) {
      super("the response body exceeds " + cap + " bytes");
    }
  }

  private final ScheduledExecutorService timer =
      Executors.newSingleThreadScheduledExecutor(r -> {
        Thread thread = new Thread(r, "sdk-response-deadline");
        thread.setDaemon(true);
        return thread;
      });

  byte[] read(InputStream in, long declaredLength, long cap, long deadlineNanos) throws IOException {
    if (declaredLength > cap) {
      in.close();
      throw new TooLarge(cap);
    }
    long remaining = deadlineNanos - System.nanoTime();
    if (remaining <= 0) {
      in.close();
      throw new InterruptedIOException("the response body did not arrive in time");
    }
    boolean[] expired = new boolean[1];
    ScheduledFuture<?> cut = timer.schedule(() -> {
      expired[0] = true;
      try {
        in.close();
      } catch (IOException ignored) {
        // closing is all we want
      }
    }, remaining, TimeUnit.NANOSECONDS);
    try (in) {
      int initial = declaredLength >= 0 ? (int) Math.min(declaredLength, cap) : 8192;
      java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(Math.max(initial, 16));
      byte[] buffer = new byte[16384];
      long total = 0;
      int n;
      while ((n = in.read(buffer)) >= 0) {
        total += n;
        if (total > cap) {
          throw new TooLarge(cap);
        }
        out.write(buffer, 0, n);
      }
      return out.toByteArray();
    } catch (IOException e) {
      if (expired[0] && !(e instanceof TooLarge)) {
        throw new InterruptedIOException("the response body did not arrive in time");
      }
      throw e;
    } finally {
      cut.cancel(false);
    }
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }
}
