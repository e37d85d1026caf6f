package dev.nerve.memory.embedding;

import dev.nerve.platform.admission.Gate;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.List;

/**
 * An embedder behind a bounded queue: past it, a call is refused at once instead of waiting. Time
 * and texts embedded are metered ({@code nerve.memory.embedding}); the queue is {@code
 * nerve.queue.depth{queue=memory.embedding}}.
 */
final class AdmittedEmbedder implements Embedder {

  private final Embedder delegate;
  private final Gate gate;
  private final Timer time;
  private final Counter texts;

  AdmittedEmbedder(Embedder delegate, Gate gate, MeterRegistry meters) {
    this.delegate = delegate;
    this.gate = gate;
    this.time =
        Timer.builder("nerve.memory.embedding")
            .description("Embedding calls (one batch of texts each, after waiting in the embedding queue), by model")
            .tag("model", delegate.model())
            .register(meters);
    this.texts =
        Counter.builder("nerve.memory.embedding.texts")
            .baseUnit("texts")
            .description("Texts embedded, by model")
            .tag("model", delegate.model())
            .register(meters);
  }

  @Override
  public String model() {
    return delegate.model();
  }

  @Override
  public int dimension() {
    return delegate.dimension();
  }

  @Override
  public List<float[]> embed(List<String> texts) {
    return gate.run(
        () -> {
          List<float[]> vectors = time.record(() -> delegate.embed(texts));
          this.texts.increment(texts.size());
          return vectors;
        });
  }

  /** The delegate's query embedding (with its model's retrieval instruction, if any), queued like a text. */
  @Override
  public float[] embedQuery(String query) {
    return gate.run(
        () -> {
          float[] vector = time.record(() -> delegate.embedQuery(query));
          this.texts.increment();
          return vector;
        });
  }
}
