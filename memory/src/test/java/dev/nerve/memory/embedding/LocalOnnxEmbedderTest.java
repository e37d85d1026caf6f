package dev.nerve.memory.embedding;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nerve.memory.MemoryProperties.LocalModel;
import java.util.List;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;

class LocalOnnxEmbedderTest {

  private static final List<String> FACTS =
      List.of(
          "My dentist appointment is on Tuesday at 3pm",
          "Alice is allergic to peanuts",
          "The garage door code is kept in the password manager");

  @Test
  void bothLocalModelsGiveUnitVectorsUnderTheirOwnNames() {
    for (LocalModel model : LocalModel.values()) {
      LocalOnnxEmbedder embedder = new LocalOnnxEmbedder(model, 2);
      List<float[]> vectors = embedder.embed(FACTS);

      assertThat(embedder.model()).isEqualTo(model.modelName());
      assertThat(vectors).hasSize(3).allSatisfy(v -> assertThat(v).hasSize(embedder.dimension()));
      assertThat(vectors).allSatisfy(v -> assertThat(Embedder.cosine(v, v)).isCloseTo(1.0, Offset.offset(1e-5)));
      // A text embedded on its own always gets the same vector; in a batch, nearly the same one
      // (the int8 models quantize activations per call, over the whole batch).
      assertThat(embedder.embed(FACTS.get(1))).containsExactly(embedder.embed(FACTS.get(1)));
      for (int i = 0; i < FACTS.size(); i++) {
        assertThat(Embedder.cosine(embedder.embed(FACTS.get(i)), vectors.get(i))).isGreaterThan(0.98);
      }
      assertThat(embedder.embed("how do I open the garage")).satisfies(q -> {
        assertThat(Embedder.cosine(q, vectors.get(2))).isGreaterThan(Embedder.cosine(q, vectors.get(0)));
        assertThat(Embedder.cosine(q, vectors.get(2))).isGreaterThan(Embedder.cosine(q, vectors.get(1)));
      });
    }
  }

  @Test
  void everyTextOfAPaddedBatchGetsItsOwnVectorWhateverItsLengthAndPlace() {
    LocalOnnxEmbedder embedder = new LocalOnnxEmbedder(LocalModel.BGE_SMALL_EN_V15_Q, 4);
    List<String> texts = new java.util.ArrayList<>();
    for (int i = 0; i < 11; i++) {
      texts.add(FACTS.get(i % FACTS.size()) + " (note " + i + ")" + " and more words".repeat(i * 3));
    }
    // Longer than one window of the model: embedded in pieces, outside the padded batches.
    texts.add("the garage door code is kept in the password manager ".repeat(80));
    List<float[]> batched = embedder.embed(texts);
    List<String> backwards = new java.util.ArrayList<>(texts);
    java.util.Collections.reverse(backwards);
    List<float[]> reversed = embedder.embed(backwards);
    for (int i = 0; i < texts.size(); i++) {
      float[] alone = embedder.embed(texts.get(i));
      assertThat(Embedder.cosine(alone, batched.get(i))).isGreaterThan(0.98);
      assertThat(Embedder.cosine(alone, reversed.get(texts.size() - 1 - i))).isGreaterThan(0.98);
      for (int j = 0; j < texts.size(); j++) {
        if (j != i) {
          assertThat(Embedder.cosine(alone, batched.get(i))).isGreaterThan(Embedder.cosine(alone, batched.get(j)));
        }
      }
    }
    assertThat(Embedder.cosine(batched.get(11), batched.get(11))).isCloseTo(1.0, Offset.offset(1e-5));
  }

  @Test
  void batchesOfSortedTextsCostAboutTheSameAndCoverEveryTextOnce() {
    int[] lengths = new int[64];
    for (int i = 0; i < lengths.length; i++) {
      lengths[i] = 8 + i * i / 32; // 8 to 131 tokens, ascending
    }
    List<int[]> ranges = LocalOnnxEmbedder.balanced(lengths, 64, 8);
    long total = java.util.Arrays.stream(lengths).sum();
    int next = 0;
    for (int[] range : ranges) {
      assertThat(range[0]).isEqualTo(next);
      assertThat(range[1]).isGreaterThan(range[0]);
      int count = range[1] - range[0];
      long padded = (long) count * lengths[range[1] - 1];
      // Within budget, unless a single text is longer than the budget on its own.
      assertThat(count == 1 || padded <= total / 8).as("padded tokens of %s", java.util.Arrays.toString(range)).isTrue();
      next = range[1];
    }
    assertThat(next).isEqualTo(64);
    // Not the two halves the old cut made: the long texts are spread over several batches.
    assertThat(ranges.size()).isBetween(8, 16);
    assertThat(LocalOnnxEmbedder.balanced(lengths, 4, 1)).hasSize(16);
    assertThat(LocalOnnxEmbedder.balanced(new int[0], 64, 8)).isEmpty();
  }

  @Test
  void aBatchMovesAVectorLessThanQuantizationDoes() {
    List<String> texts = new java.util.ArrayList<>(FACTS);
    for (int i = 0; i < 13; i++) {
      texts.add("memory number " + i + " about " + FACTS.get(i % FACTS.size()).toLowerCase(java.util.Locale.ROOT));
    }
    LocalOnnxEmbedder quantized = new LocalOnnxEmbedder(LocalModel.ALL_MINILM_L6_V2_Q, 64);
    List<float[]> exact = new LocalOnnxEmbedder(LocalModel.ALL_MINILM_L6_V2, 64).embed(texts);
    List<float[]> batched = quantized.embed(texts);
    double batchShift = 0;
    double quantizationShift = 0;
    for (int i = 0; i < texts.size(); i++) {
      float[] alone = quantized.embed(texts.get(i));
      batchShift += 1 - Embedder.cosine(alone, batched.get(i));
      quantizationShift += 1 - Embedder.cosine(alone, exact.get(i));
    }
    assertThat(batchShift).isLessThan(quantizationShift);
  }

  @Test
  void theQuantizedModelStaysCloseToTheFloatModel() {
    List<float[]> exact = new LocalOnnxEmbedder(LocalModel.ALL_MINILM_L6_V2, 64).embed(FACTS);
    List<float[]> quantized = new LocalOnnxEmbedder(LocalModel.ALL_MINILM_L6_V2_Q, 64).embed(FACTS);
    for (int i = 0; i < FACTS.size(); i++) {
      assertThat(Embedder.cosine(exact.get(i), quantized.get(i))).isGreaterThan(0.95);
    }
  }
}
