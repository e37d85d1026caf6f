package dev.nerve.learning.models;

import com.google.protobuf.Value;
import dev.nerve.api.learning.v1.ConfusionMatrix;
import dev.nerve.api.learning.v1.ConfusionMatrixRow;
import dev.nerve.api.learning.v1.Example;
import dev.nerve.api.learning.v1.ModelTaskType;
import dev.nerve.api.learning.v1.ModelVersion;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeSet;
import org.tribuo.Dataset;
import org.tribuo.Model;
import org.tribuo.Output;
import org.tribuo.Trainer;

/**
 * Trains one model version: shuffles the examples with the seed, holds out their tail as the
 * validation split (or runs k-fold cross-validation and then trains on every example), trains
 * with Tribuo, measures the held-out data with {@link Metrics} and serializes the model in
 * Tribuo's protobuf format. The same data, parameters and seeds give the same model and metrics.
 */
final class ModelTrainer {

  /** What to train. */
  record Request(
      ModelTaskType task,
      String algorithm,
      Map<String, Double> hyperparameters,
      TabularData data,
      double validationSplit,
      int folds,
      long seed,
      long algorithmSeed) {}

  /**
   * A trained version.
   *
   * @param model the Tribuo model
   * @param bytes the model in Tribuo's protobuf format
   * @param info the version record, without model id, version number and job
   * @param holdout the held-out examples (empty with k-fold)
   * @param metrics validation metrics
   * @param confusion summed confusion matrix (classification only, else null)
   */
  record Outcome(Model<?> model, byte[] bytes, ModelVersion info, List<Example> holdout, Map<String, Double> metrics, ConfusionMatrix confusion) {}

  /** Receives the phase and the share of the work done. */
  interface Progress {
    void report(String phase, double fraction);
  }

  /** Library and version recorded with every model. */
  static final String LIBRARY = "tribuo " + org.tribuo.Tribuo.VERSION;

  private ModelTrainer() {}

  static Outcome train(Request request, Progress progress) {
    List<Example> shuffled = new ArrayList<>(request.data().examples());
    Collections.shuffle(shuffled, new Random(request.seed()));
    FeatureEncoder encoder = new FeatureEncoder(request.data().schema());
    ModelTask<?> task = ModelTask.of(request.task());
    Map<String, Double> metrics = new LinkedHashMap<>();
    ConfusionMatrix confusion = null;
    List<Example> holdout = List.of();
    List<Example> training;
    String validation;
    if (request.folds() >= 2) {
      validation = "kfold";
      int k = request.folds();
      Map<String, Double> sums = new LinkedHashMap<>();
      List<ConfusionMatrix> matrices = new ArrayList<>();
      for (int fold = 0; fold < k; fold++) {
        progress.report("validating", 0.05 + 0.8 * fold / (k + 1));
        List<Example> test = new ArrayList<>();
        List<Example> train = new ArrayList<>();
        for (int i = 0; i < shuffled.size(); i++) {
          (i % k == fold ? test : train).add(shuffled.get(i));
        }
        Model<?> model = fit(task, request, encoder, train);
        Metrics.Result result = Metrics.evaluate(loaded(model, encoder, request, train), test);
        result.metrics().forEach((name, value) -> sums.merge(name, value, Double::sum));
        if (result.confusion() != null) {
          matrices.add(result.confusion());
        }
      }
      sums.forEach((name, sum) -> metrics.put(name, sum / k));
      confusion = sum(matrices);
      training = shuffled;
    } else {
      validation = "holdout";
      double split = request.validationSplit() == 0 ? 0.2 : request.validationSplit();
      int testSize = shuffled.size() >= 5 ? Math.max(1, (int) Math.round(shuffled.size() * split)) : 0;
      // The tail is held out, as Tribuo's TrainTestSplitter does: the same data and seed give the
      // same split as there.
      int trainSize = shuffled.size() - testSize;
      training = shuffled.subList(0, trainSize);
      holdout = List.copyOf(shuffled.subList(trainSize, shuffled.size()));
    }
    progress.report("training", 0.85 * (request.folds() >= 2 ? (double) request.folds() / (request.folds() + 1) : 0.1));
    Model<?> model = fit(task, request, encoder, training);
    LoadedModel loaded = loaded(model, encoder, request, training);
    if (!holdout.isEmpty()) {
      progress.report("evaluating", 0.9);
      Metrics.Result result = Metrics.evaluate(loaded, holdout);
      metrics.putAll(result.metrics());
      confusion = result.confusion();
    }
    progress.report("saving", 0.95);
    ModelVersion info = loaded.version().toBuilder().putAllMetrics(metrics).build();
    return new Outcome(model, model.serialize().toByteArray(), info, holdout, metrics, confusion);
  }

  /** Mean and standard deviation of regression targets (scale 1 when constant); identity otherwise. */
  record Target(double mean, double scale) {
    static Target of(ModelTaskType task, List<Example> examples) {
      if (task != ModelTaskType.MODEL_TASK_TYPE_REGRESSION || examples.isEmpty()) {
        return new Target(0, 1);
      }
      double mean = examples.stream().mapToDouble(e -> e.getLabel().getNumberValue()).average().orElse(0);
      double variance = examples.stream().mapToDouble(e -> Math.pow(e.getLabel().getNumberValue() - mean, 2)).average().orElse(0);
      return new Target(mean, variance > 0 ? Math.sqrt(variance) : 1);
    }

    List<Example> standardize(List<Example> examples) {
      if (mean == 0 && scale == 1) {
        return examples;
      }
      return examples.stream()
          .map(e -> e.toBuilder().setLabel(Value.newBuilder().setNumberValue((e.getLabel().getNumberValue() - mean) / scale)).build())
          .toList();
    }
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static Model<?> fit(ModelTask<?> task, Request request, FeatureEncoder encoder, List<Example> examples) {
    // Regression learns the standardized target, so gradient methods need not chase its offset.
    Dataset dataset = task.dataset(Target.of(request.task(), examples).standardize(examples), encoder, "examples", true);
    Algorithms.Spec spec =
        Algorithms.spec(request.task(), request.algorithm(), request.hyperparameters(), request.algorithmSeed(), encoder.dimensions().size());
    Trainer trainer = spec.trainer();
    return trainer.train(dataset);
  }

  private static LoadedModel loaded(Model<?> model, FeatureEncoder encoder, Request request, List<Example> training) {
    int examples = training.size();
    Target target = Target.of(request.task(), training);
    ModelVersion.Builder info =
        ModelVersion.newBuilder()
            .setAlgorithm(request.algorithm())
            .addAllFeatureSchema(encoder.schema())
            .setDataHash(request.data().hash())
            .setLibraryVersion(LIBRARY)
            .setExampleCount(examples)
            .setValidation(request.folds() >= 2 ? "kfold" : "holdout")
            .setSeed(request.seed())
            .setAlgorithmSeed(request.algorithmSeed())
            .setTargetMean(target.mean())
            .setTargetScale(target.scale());
    request.hyperparameters().forEach((name, value) -> info.putHyperparameters(name, Value.newBuilder().setNumberValue(value).build()));
    if (request.task() == ModelTaskType.MODEL_TASK_TYPE_CLASSIFICATION) {
      TreeSet<String> labels = new TreeSet<>();
      for (Output<?> output : model.getOutputIDInfo().getDomain()) {
        labels.add(output.getSerializableForm(false));
      }
      info.addAllLabels(labels);
    }
    return new LoadedModel(info.build(), model, encoder, request.task());
  }

  private static ConfusionMatrix sum(List<ConfusionMatrix> matrices) {
    if (matrices.isEmpty()) {
      return null;
    }
    TreeSet<String> labels = new TreeSet<>();
    matrices.forEach(m -> labels.addAll(m.getLabelsList()));
    List<String> all = new ArrayList<>(labels);
    long[][] counts = new long[all.size()][all.size()];
    for (ConfusionMatrix m : matrices) {
      for (int i = 0; i < m.getLabelsCount(); i++) {
        for (int j = 0; j < m.getLabelsCount(); j++) {
          counts[all.indexOf(m.getLabels(i))][all.indexOf(m.getLabels(j))] += m.getRows(i).getCounts(j);
        }
      }
    }
    ConfusionMatrix.Builder out = ConfusionMatrix.newBuilder().addAllLabels(all);
    for (long[] row : counts) {
      ConfusionMatrixRow.Builder r = ConfusionMatrixRow.newBuilder();
      for (long c : row) {
        r.addCounts(c);
      }
      out.addRows(r);
    }
    return out.build();
  }
}
