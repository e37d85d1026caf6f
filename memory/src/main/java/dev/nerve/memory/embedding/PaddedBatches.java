package dev.nerve.memory.embedding;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs a BERT-style ONNX model on several texts in one call: their token ids padded to the longest
 * with an attention mask, so the matrix products work on many rows at once (about twice the texts
 * per second of one call per text on this kind of CPU). Texts longer than the model's window are
 * not taken here ({@link #ids} gives null); the caller embeds those one at a time in pieces.
 */
final class PaddedBatches {

  /** Tokens the model sees at most, its special tokens included. */
  static final int WINDOW = 512;

  private final OrtEnvironment environment;
  private final OrtSession session;
  private final HuggingFaceTokenizer tokenizer;
  private final boolean clsPooling;
  private final boolean tokenTypes;

  PaddedBatches(OrtEnvironment environment, OrtSession session, HuggingFaceTokenizer tokenizer, boolean clsPooling) {
    this.environment = environment;
    this.session = session;
    this.tokenizer = tokenizer;
    this.clsPooling = clsPooling;
    this.tokenTypes = session.getInputNames().contains("token_type_ids");
  }

  /** The text's token ids with the special tokens, or null when it does not fit one window. */
  long[] ids(String text) {
    Encoding encoding = tokenizer.encode(text);
    long[] ids = encoding.getIds();
    return ids.length <= WINDOW && ids.length > 2 ? ids : null;
  }

  /** Unit vectors of the texts whose ids are given, in one padded call. */
  List<float[]> embed(List<long[]> texts) {
    int rows = texts.size();
    int width = 0;
    for (long[] ids : texts) {
      width = Math.max(width, ids.length);
    }
    long[] ids = new long[rows * width];
    long[] mask = new long[rows * width];
    for (int r = 0; r < rows; r++) {
      long[] text = texts.get(r);
      System.arraycopy(text, 0, ids, r * width, text.length);
      java.util.Arrays.fill(mask, r * width, r * width + text.length, 1L);
    }
    long[] shape = {rows, width};
    try (OnnxTensor idTensor = OnnxTensor.createTensor(environment, LongBuffer.wrap(ids), shape);
        OnnxTensor maskTensor = OnnxTensor.createTensor(environment, LongBuffer.wrap(mask), shape);
        OnnxTensor typeTensor =
            tokenTypes ? OnnxTensor.createTensor(environment, LongBuffer.wrap(new long[rows * width]), shape) : null) {
      Map<String, OnnxTensor> inputs = new HashMap<>();
      inputs.put("input_ids", idTensor);
      inputs.put("attention_mask", maskTensor);
      if (typeTensor != null) {
        inputs.put("token_type_ids", typeTensor);
      }
      try (OrtSession.Result result = session.run(inputs)) {
        // [rows, width, dimension], read in place: only the rows' own tokens are needed.
        FloatBuffer hidden = ((OnnxTensor) result.get(0)).getFloatBuffer();
        int dimension = hidden.capacity() / (rows * width);
        List<float[]> vectors = new ArrayList<>(rows);
        for (int r = 0; r < rows; r++) {
          vectors.add(Embedder.normalize(pool(hidden, r * width * dimension, texts.get(r).length, dimension)));
        }
        return vectors;
      }
    } catch (OrtException e) {
      throw new IllegalStateException("the embedding model failed on a batch of " + rows + " texts", e);
    }
  }

  /**
   * The sentence vector of the text whose first token starts at {@code offset}: its first token's
   * (CLS pooling) or the mean of its own {@code length} tokens.
   */
  private float[] pool(FloatBuffer hidden, int offset, int length, int dimension) {
    float[] vector = new float[dimension];
    int tokens = clsPooling ? 1 : length;
    for (int t = 0; t < tokens; t++) {
      int at = offset + t * dimension;
      for (int d = 0; d < dimension; d++) {
        vector[d] += hidden.get(at + d);
      }
    }
    if (tokens > 1) {
      for (int d = 0; d < dimension; d++) {
        vector[d] /= tokens;
      }
    }
    return vector;
  }
}
