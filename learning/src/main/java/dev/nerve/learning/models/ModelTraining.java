package dev.nerve.learning.models;

import com.google.protobuf.Value;
import dev.nerve.api.learning.v1.Example;
import dev.nerve.api.learning.v1.ModelTaskType;
import java.util.List;
import java.util.Map;

/**
 * Trains a model version in-process exactly as a training job does (validation, encoding, the
 * Tribuo trainer, metrics and serialization), without the job queue or storage: for benchmarks
 * and tools that measure or reproduce training.
 */
public final class ModelTraining {

  private ModelTraining() {}

  /**
   * What a training produced.
   *
   * @param metrics validation metrics
   * @param modelBytes size of the model in Tribuo's protobuf format
   */
  public record Result(Map<String, Double> metrics, int modelBytes) {}

  /** Trains {@code algorithm} for {@code task} on {@code examples} with a held-out split. */
  public static Result train(
      ModelTaskType task, String algorithm, Map<String, Value> hyperparameters, List<Example> examples, double validationSplit, long seed) {
    TabularData data = TabularData.of("examples", examples, List.of(), new TabularData.Limits(Integer.MAX_VALUE, 10_000, 10_000));
    Map<String, Double> resolved = Algorithms.resolve(task, algorithm, hyperparameters);
    ModelTrainer.Outcome outcome =
        ModelTrainer.train(new ModelTrainer.Request(task, algorithm, resolved, data, validationSplit, 0, seed, seed), (phase, fraction) -> {});
    return new Result(outcome.metrics(), outcome.bytes().length);
  }
}
