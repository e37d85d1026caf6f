package dev.nerve.memory.longterm;

/**
 * Which existing memory a store may merge into instead of creating a new one (the contract's
 * DedupePolicy, validated).
 *
 * @param mode off, exact text only, or also semantically similar text
 * @param threshold with {@link Mode#SEMANTIC}: lowest cosine similarity that merges
 */
public record DedupePolicy(Mode mode, double threshold) {

  /** Never merge. */
  public static final DedupePolicy OFF = new DedupePolicy(Mode.OFF, 1);

  /** The default: merge only texts equal after normalization. */
  public static final DedupePolicy EXACT = new DedupePolicy(Mode.EXACT, 1);

  /** Merge texts equal after normalization, or embeddings at least {@code threshold} similar. */
  public static DedupePolicy semantic(double threshold) {
    return new DedupePolicy(Mode.SEMANTIC, threshold);
  }

  /** The dedupe modes of the contract. */
  public enum Mode {
    /** Always create. */
    OFF,
    /** Merge only into a memory with the same normalized text. */
    EXACT,
    /** Also merge into the most similar memory at or above the threshold. */
    SEMANTIC
  }
}
