package dev.nerve.memory.embedding;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nerve.platform.admission.Gate;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class AdmittedEmbedderTest {

  /** Records what it was asked; a query gets a vector of its own so a lost instruction shows. */
  private static final class RecordingModel implements Embedder {
    final List<String> calls = new ArrayList<>();

    @Override
    public String model() {
      return "recording";
    }

    @Override
    public int dimension() {
      return 1;
    }

    @Override
    public List<float[]> embed(List<String> texts) {
      texts.forEach(t -> calls.add("text:" + t));
      return texts.stream().map(t -> new float[] {1f}).toList();
    }

    @Override
    public float[] embedQuery(String query) {
      calls.add("query:" + query);
      return new float[] {2f};
    }
  }

  @Test
  void searchQueriesKeepTheModelsQueryEmbedding() {
    RecordingModel model = new RecordingModel();
    SimpleMeterRegistry meters = new SimpleMeterRegistry();
    Embedder admitted = new AdmittedEmbedder(model, new Gate("test", 1, 1, Duration.ofSeconds(1), meters), meters);

    assertThat(admitted.embedQuery("where is the key")).containsExactly(2f);
    assertThat(admitted.embed(List.of("a note"))).hasSize(1);

    assertThat(model.calls).containsExactly("query:where is the key", "text:a note");
    assertThat(meters.get("nerve.memory.embedding.texts").counter().count()).isEqualTo(2.0);
  }
}
