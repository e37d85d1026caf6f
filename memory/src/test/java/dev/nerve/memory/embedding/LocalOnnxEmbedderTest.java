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
      // The same text gives the same vector whichever batch it is embedded in.
      assertThat(embedder.embed(FACTS.get(1))).containsExactly(vectors.get(1));
      assertThat(embedder.embed("how do I open the garage")).satisfies(q -> {
        assertThat(Embedder.cosine(q, vectors.get(2))).isGreaterThan(Embedder.cosine(q, vectors.get(0)));
        assertThat(Embedder.cosine(q, vectors.get(2))).isGreaterThan(Embedder.cosine(q, vectors.get(1)));
      });
    }
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
