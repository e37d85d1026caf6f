package dev.nerve.bench.memory;

import java.util.SplittableRandom;

/**
 * A reproducible corpus for the memory benchmark: sentences drawn from a Zipf-distributed
 * vocabulary (so BM25 sees common and rare terms) and unit vectors clustered around topic
 * centroids (so approximate search faces realistic, non-uniform data). Everything derives from
 * one seed: the same seed gives the same corpus on every machine.
 */
final class SyntheticCorpus {

  static final int DIMENSION = 384;
  /** Common English words: memories are sentences, and the embedding model is English. */
  private static final String[] WORDS =
      ("time person year way day thing man world life hand part child eye woman place work "
          + "week case point government company number group problem fact meeting project report "
          + "budget customer team office account invoice order payment release server database "
          + "cluster deploy review plan schedule contract doctor dentist appointment flight hotel "
          + "train ticket dinner lunch coffee birthday gift family friend manager colleague client "
          + "partner vendor product feature bug issue test build pipeline backup restore password "
          + "key token license laptop phone email message call note reminder deadline launch sprint "
          + "roadmap goal task chapter book movie song recipe garden car house rent bill tax bank "
          + "loan salary bonus holiday vacation trip visit weekend morning evening night monday "
          + "tuesday wednesday thursday friday saturday sunday january february march april may "
          + "june july august september october november december city country street station airport "
          + "museum park school university course lesson exam grade research paper article draft "
          + "summary decision question answer idea preference habit allergy medicine workout run "
          + "walk swim yoga diet sleep music language code python java rust kotlin docker kubernetes "
          + "postgres redis kafka linux window door printer camera keyboard monitor screen battery "
          + "charger cable router network storage disk memory cpu latency error warning incident "
          + "outage alert metric dashboard log trace policy security audit compliance privacy consent "
          + "renewal subscription upgrade migration integration plugin extension workflow automation "
          + "model training dataset prediction pattern insight")
          .split(" ");
  private static final String[] SYLLABLES = {
    "ka", "lo", "mi", "ne", "ru", "ta", "vi", "so", "pe", "da", "gu", "fi", "ho", "ze", "ba", "ly"
  };
  private static final String[] TEMPLATES = {
    "the user mentioned %s while discussing %s and %s",
    "remember that %s depends on %s for %s",
    "meeting notes: %s, then %s, finally %s",
    "%s prefers %s over %s",
    "reminder about %s: check %s before %s"
  };

  private final long seed;
  private final String[] vocabulary;
  private final double[] zipf;
  private final float[][] centroids;

  SyntheticCorpus(long seed, int vocabularySize, int topics) {
    this.seed = seed;
    SplittableRandom random = new SplittableRandom(seed);
    vocabulary = new String[vocabularySize];
    // The most frequent ranks are English words; the long tail are rare made-up names
    // (identifiers, people, projects) that keyword search finds and embeddings may not.
    System.arraycopy(WORDS, 0, vocabulary, 0, WORDS.length);
    for (int i = WORDS.length; i < vocabularySize; i++) {
      StringBuilder word = new StringBuilder();
      int syllables = 2 + random.nextInt(3);
      for (int s = 0; s < syllables; s++) {
        word.append(SYLLABLES[random.nextInt(SYLLABLES.length)]);
      }
      vocabulary[i] = word.append(i).toString();
    }
    zipf = new double[vocabularySize];
    double total = 0;
    for (int i = 0; i < vocabularySize; i++) {
      total += 1.0 / (i + 1);
      zipf[i] = total;
    }
    for (int i = 0; i < vocabularySize; i++) {
      zipf[i] /= total;
    }
    centroids = new float[topics][];
    for (int t = 0; t < topics; t++) {
      centroids[t] = gaussian(random, 1.0f);
    }
  }

  /** Text of document {@code i}. */
  String text(long i) {
    SplittableRandom random = new SplittableRandom(seed * 31 + i);
    String template = TEMPLATES[random.nextInt(TEMPLATES.length)];
    return String.format(template, phrase(random), phrase(random), phrase(random)) + " #" + i;
  }

  /** Vector of document {@code i}: its topic's centroid plus noise, unit length. */
  float[] vector(long i) {
    SplittableRandom random = new SplittableRandom(seed * 17 + i);
    float[] centroid = centroids[random.nextInt(centroids.length)];
    float[] noise = gaussian(random, 0.6f);
    for (int d = 0; d < DIMENSION; d++) {
      noise[d] += centroid[d];
    }
    return unit(noise);
  }

  /** A query: two or three vocabulary words. */
  String queryText(long q) {
    SplittableRandom random = new SplittableRandom(seed * 7 + q);
    return word(random) + " " + word(random) + (random.nextBoolean() ? " " + word(random) : "");
  }

  /** A query vector near a random topic. */
  float[] queryVector(long q) {
    return vector(Long.MAX_VALUE / 2 - q);
  }

  private String phrase(SplittableRandom random) {
    return word(random) + " " + word(random);
  }

  private String word(SplittableRandom random) {
    double u = random.nextDouble();
    int low = 0;
    int high = zipf.length - 1;
    while (low < high) {
      int mid = (low + high) >>> 1;
      if (zipf[mid] < u) {
        low = mid + 1;
      } else {
        high = mid;
      }
    }
    return vocabulary[low];
  }

  private static float[] gaussian(SplittableRandom random, float scale) {
    float[] v = new float[DIMENSION];
    for (int d = 0; d < DIMENSION; d++) {
      // Box-Muller from two uniforms.
      double u1 = Math.max(1e-12, random.nextDouble());
      double u2 = random.nextDouble();
      v[d] = (float) (scale * Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2) / Math.sqrt(DIMENSION));
    }
    return v;
  }

  static float[] unit(float[] v) {
    double norm = 0;
    for (float x : v) {
      norm += x * x;
    }
    norm = Math.sqrt(norm);
    for (int d = 0; d < v.length; d++) {
      v[d] = (float) (v[d] / norm);
    }
    return v;
  }
}
