package dev.nerve.learning.preferences;

import java.time.Duration;
import java.time.Instant;

/**
 * Decayed Beta counts of the evidence for and against one preference value, as of a reference
 * time. A signal of weight w observed at t adds w * 0.5^((ref - t) / halfLife) when it is older
 * than the reference; a newer one first decays the counts to t and becomes the reference. So the
 * state after any set of signals is the same whatever order they arrive in: alpha = sum of
 * w_i * 0.5^((ref - t_i) / halfLife) over the positive signals, beta likewise.
 *
 * <p>With the uniform prior Beta(1, 1): score = (a + 1) / (a + b + 2), the posterior mean, and
 * confidence = 1 - sd / sd0, where sd is the posterior standard deviation and sd0 = sqrt(1/12)
 * that of the prior, both with the counts decayed to the reading time.
 *
 * @param alpha decayed evidence for the value, at {@code reference}
 * @param beta decayed evidence against it, at {@code reference}
 * @param reference time the counts are decayed to
 */
public record Evidence(double alpha, double beta, Instant reference) {

  private static final double PRIOR_SD = Math.sqrt(1.0 / 12);

  /** No evidence yet. */
  public static Evidence none(Instant at) {
    return new Evidence(0, 0, at);
  }

  /** Factor a signal's weight keeps after {@code age}. */
  public static double decay(Duration age, Duration halfLife) {
    if (age.isNegative() || age.isZero()) {
      return 1;
    }
    return Math.pow(0.5, (double) age.toNanos() / halfLife.toNanos());
  }

  /** This evidence plus a signal of {@code weight} at {@code at}, for ({@code positive}) or against. */
  public Evidence add(double weight, boolean positive, Instant at, Duration halfLife) {
    if (at.isAfter(reference)) {
      double f = decay(Duration.between(reference, at), halfLife);
      return new Evidence(alpha * f + (positive ? weight : 0), beta * f + (positive ? 0 : weight), at);
    }
    double w = weight * decay(Duration.between(at, reference), halfLife);
    return new Evidence(alpha + (positive ? w : 0), beta + (positive ? 0 : w), reference);
  }

  /** The counts decayed to {@code now} (unchanged when now is not after the reference). */
  public Evidence at(Instant now, Duration halfLife) {
    if (!now.isAfter(reference)) {
      return this;
    }
    double f = decay(Duration.between(reference, now), halfLife);
    return new Evidence(alpha * f, beta * f, now);
  }

  /** Posterior mean of the value being preferred. */
  public double score() {
    return (alpha + 1) / (alpha + beta + 2);
  }

  /** 1 - posterior sd / prior sd: 0 without evidence, towards 1 with much. */
  public double confidence() {
    double a = alpha + 1;
    double b = beta + 1;
    double n = a + b;
    double sd = Math.sqrt(a * b / (n * n * (n + 1)));
    return Math.max(0, 1 - sd / PRIOR_SD);
  }
}
