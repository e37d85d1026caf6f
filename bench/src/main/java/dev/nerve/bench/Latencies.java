package dev.nerve.bench;

import java.util.Arrays;

/** Collected latencies in nanoseconds and their percentiles in milliseconds. */
public final class Latencies {

  private final long[] nanos;
  private int count;

  public Latencies(int capacity) {
    nanos = new long[capacity];
  }

  public void add(long value) {
    nanos[count++] = value;
  }

  /** The {@code p}-th percentile (nearest rank), in milliseconds. */
  public double percentileMs(double p) {
    long[] sorted = Arrays.copyOf(nanos, count);
    Arrays.sort(sorted);
    int rank = (int) Math.ceil(p / 100.0 * count) - 1;
    return sorted[Math.max(0, Math.min(count - 1, rank))] / 1e6;
  }
}
