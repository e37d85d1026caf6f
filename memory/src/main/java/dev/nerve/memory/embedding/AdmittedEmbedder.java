package dev.nerve.memory.embedding;

import dev.nerve.platform.admission.Gate;
import java.util.List;

/** An embedder behind a bounded queue: past it, a call is refused at once instead of waiting. */
final class AdmittedEmbedder implements Embedder {

  private final Embedder delegate;
  private final Gate gate;

  AdmittedEmbedder(Embedder delegate, Gate gate) {
    this.delegate = delegate;
    this.gate = gate;
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
    return gate.run(() -> delegate.embed(texts));
  }
}
