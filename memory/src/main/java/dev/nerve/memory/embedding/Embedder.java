package dev.nerve.memory.embedding;

import java.util.List;

/**
 * Turns texts into unit-length vectors for similarity search. The model name and dimension are
 * stored with every vector, so a change of model is detected instead of mixing vector spaces.
 */
public interface Embedder {

  /** Name of the model, stored with each vector (e.g. {@code all-minilm-l6-v2}). */
  String model();

  /** Number of dimensions of every vector this embedder returns. */
  int dimension();

  /** One unit-length vector per text, in order. */
  List<float[]> embed(List<String> texts);

  /**
   * The unit-length vector of a search query; models trained with a retrieval instruction get it
   * here. By default the same as {@link #embed(String)}.
   */
  default float[] embedQuery(String query) {
    return embed(query);
  }

  /** The unit-length vector of one text. */
  default float[] embed(String text) {
    return embed(List.of(text)).get(0);
  }

  /** Scales a vector to unit length (zero vectors stay zero). */
  static float[] normalize(float[] vector) {
    double norm = 0;
    for (float v : vector) {
      norm += v * v;
    }
    norm = Math.sqrt(norm);
    if (norm == 0) {
      return vector;
    }
    float[] unit = new float[vector.length];
    for (int i = 0; i < vector.length; i++) {
      unit[i] = (float) (vector[i] / norm);
    }
    return unit;
  }

  /** Cosine similarity of two unit-length vectors of equal dimension. */
  static double cosine(float[] a, float[] b) {
    double dot = 0;
    for (int i = 0; i < a.length; i++) {
      dot += a[i] * b[i];
    }
    return dot;
  }
}
