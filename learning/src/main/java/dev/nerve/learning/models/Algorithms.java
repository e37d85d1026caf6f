package dev.nerve.learning.models;

import com.google.protobuf.Value;
import dev.nerve.api.learning.v1.ModelTaskType;
import dev.nerve.platform.error.NerveException;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.tribuo.Trainer;
import org.tribuo.anomaly.libsvm.LibSVMAnomalyTrainer;
import org.tribuo.anomaly.libsvm.SVMAnomalyType;
import org.tribuo.classification.dtree.CARTClassificationTrainer;
import org.tribuo.classification.ensemble.VotingCombiner;
import org.tribuo.classification.sgd.objectives.Hinge;
import org.tribuo.classification.sgd.objectives.LogMulticlass;
import org.tribuo.clustering.kmeans.KMeansTrainer;
import org.tribuo.common.libsvm.KernelType;
import org.tribuo.common.libsvm.SVMParameters;
import org.tribuo.common.tree.RandomForestTrainer;
import org.tribuo.math.distance.L2Distance;
import org.tribuo.math.optimisers.AdaGrad;
import org.tribuo.regression.ensemble.AveragingCombiner;
import org.tribuo.regression.rtree.CARTRegressionTrainer;
import org.tribuo.regression.sgd.objectives.SquaredLoss;
import org.tribuo.transform.TransformTrainer;
import org.tribuo.transform.TransformationMap;
import org.tribuo.transform.transformations.MeanStdDevTransformation;

/**
 * The algorithms a model may use per task type, their hyperparameters with defaults and ranges,
 * and the Tribuo trainer each becomes. Gradient, distance and kernel methods see features
 * standardized to mean 0 and standard deviation 1 (a Tribuo TransformTrainer, so the model
 * applies the same transformation when predicting; SGD methods can opt out with
 * {@code standardize: 0}); trees see them as they are.
 */
final class Algorithms {

  /** A hyperparameter: default and inclusive range; integer ones reject fractions. */
  private record Param(double fallback, double min, double max, boolean integer) {}

  /** An algorithm's trainer with its hyperparameters, defaults filled in. */
  record Spec(String algorithm, Map<String, Double> hyperparameters, Trainer<?> trainer) {}

  private static final Map<String, Param> SGD =
      Map.of(
          "epochs", new Param(20, 1, 1000, true),
          "learning_rate", new Param(1.0, 1e-6, 100, false),
          "minibatch_size", new Param(1, 1, 10000, true),
          // 1 standardizes the features (the default); 0 trains on them as they are.
          "standardize", new Param(1, 0, 1, true));
  private static final Map<String, Param> CART = Map.of("max_depth", new Param(10, 1, 64, true));
  private static final Map<String, Param> FOREST =
      Map.of(
          "trees", new Param(25, 1, 500, true),
          "max_depth", new Param(10, 1, 64, true),
          "feature_fraction", new Param(0.5, 0.01, 1, false));
  private static final Map<String, Param> KMEANS =
      Map.of("clusters", new Param(3, 1, 1000, true), "iterations", new Param(100, 1, 10000, true));
  private static final Map<String, Param> ONE_CLASS_SVM =
      Map.of("nu", new Param(0.1, 1e-4, 1, false), "gamma", new Param(0, 0, 1e6, false));

  private static final Map<ModelTaskType, Map<String, Map<String, Param>>> TABLE =
      Map.of(
          ModelTaskType.MODEL_TASK_TYPE_CLASSIFICATION,
              Map.of("logistic_regression", SGD, "linear_sgd", SGD, "cart", CART, "random_forest", FOREST),
          ModelTaskType.MODEL_TASK_TYPE_REGRESSION, Map.of("linear_sgd", SGD, "cart", CART, "random_forest", FOREST),
          ModelTaskType.MODEL_TASK_TYPE_CLUSTERING, Map.of("kmeans", KMEANS),
          ModelTaskType.MODEL_TASK_TYPE_ANOMALY_DETECTION, Map.of("one_class_svm", ONE_CLASS_SVM));

  private static final Map<ModelTaskType, String> DEFAULTS =
      Map.of(
          ModelTaskType.MODEL_TASK_TYPE_CLASSIFICATION, "logistic_regression",
          ModelTaskType.MODEL_TASK_TYPE_REGRESSION, "linear_sgd",
          ModelTaskType.MODEL_TASK_TYPE_CLUSTERING, "kmeans",
          ModelTaskType.MODEL_TASK_TYPE_ANOMALY_DETECTION, "one_class_svm");

  private Algorithms() {}

  /** The default algorithm of a task type. */
  static String defaultFor(ModelTaskType type) {
    return DEFAULTS.get(type);
  }

  /** Checks an algorithm and its hyperparameters; returns them with defaults filled in. */
  static Map<String, Double> resolve(ModelTaskType type, String algorithm, Map<String, Value> given) {
    Map<String, Map<String, Param>> algorithms = TABLE.get(type);
    if (algorithms == null) {
      throw NerveException.invalid("taskType", "required", "must be CLASSIFICATION, REGRESSION, CLUSTERING or ANOMALY_DETECTION");
    }
    Map<String, Param> params = algorithms.get(algorithm);
    if (params == null) {
      throw NerveException.invalid("algorithm", "known", "must be one of " + new java.util.TreeSet<>(algorithms.keySet()) + " for this task type");
    }
    Map<String, Double> resolved = new TreeMap<>();
    params.forEach((name, p) -> resolved.put(name, p.fallback()));
    for (Map.Entry<String, Value> entry : given.entrySet()) {
      String field = "data.hyperparameters." + entry.getKey();
      Param p = params.get(entry.getKey());
      if (p == null) {
        throw NerveException.invalid(field, "known", algorithm + " takes " + new java.util.TreeSet<>(params.keySet()));
      }
      if (!entry.getValue().hasNumberValue() || !Double.isFinite(entry.getValue().getNumberValue())) {
        throw NerveException.invalid(field, "type", "must be a finite number");
      }
      double v = entry.getValue().getNumberValue();
      if (v < p.min() || v > p.max() || (p.integer() && v != Math.rint(v))) {
        throw NerveException.invalid(field, "range", "must be " + (p.integer() ? "a whole number " : "") + "between " + p.min() + " and " + p.max());
      }
      resolved.put(entry.getKey(), v);
    }
    return resolved;
  }

  /** The trainer of a resolved algorithm. */
  static Spec spec(ModelTaskType type, String algorithm, Map<String, Double> p, long seed, int featureCount) {
    Trainer<?> trainer =
        switch (type) {
          case MODEL_TASK_TYPE_CLASSIFICATION -> switch (algorithm) {
            case "logistic_regression" -> standardizedIf(p,
                new org.tribuo.classification.sgd.linear.LinearSGDTrainer(
                    new LogMulticlass(), new AdaGrad(p.get("learning_rate"), 0.1), i(p, "epochs"), Integer.MAX_VALUE, i(p, "minibatch_size"), seed));
            case "linear_sgd" -> standardizedIf(p,
                new org.tribuo.classification.sgd.linear.LinearSGDTrainer(
                    new Hinge(), new AdaGrad(p.get("learning_rate"), 0.1), i(p, "epochs"), Integer.MAX_VALUE, i(p, "minibatch_size"), seed));
            case "cart" -> new CARTClassificationTrainer(i(p, "max_depth"), 1.0f, seed);
            case "random_forest" -> new RandomForestTrainer<>(
                new CARTClassificationTrainer(i(p, "max_depth"), p.get("feature_fraction").floatValue(), seed),
                new VotingCombiner(),
                i(p, "trees"),
                seed);
            default -> throw new IllegalStateException(algorithm);
          };
          case MODEL_TASK_TYPE_REGRESSION -> switch (algorithm) {
            case "linear_sgd" -> standardizedIf(p,
                new org.tribuo.regression.sgd.linear.LinearSGDTrainer(
                    new SquaredLoss(), new AdaGrad(p.get("learning_rate"), 0.1), i(p, "epochs"), Integer.MAX_VALUE, i(p, "minibatch_size"), seed));
            case "cart" -> new CARTRegressionTrainer(i(p, "max_depth"));
            case "random_forest" -> new RandomForestTrainer<>(
                new CARTRegressionTrainer(i(p, "max_depth"), 5, 0.0f, p.get("feature_fraction").floatValue(),
                    new org.tribuo.regression.rtree.impurity.MeanSquaredError(), seed),
                new AveragingCombiner(),
                i(p, "trees"),
                seed);
            default -> throw new IllegalStateException(algorithm);
          };
          case MODEL_TASK_TYPE_CLUSTERING -> standardized(
              new KMeansTrainer(i(p, "clusters"), i(p, "iterations"), new L2Distance(), KMeansTrainer.Initialisation.PLUSPLUS, 1, seed));
          case MODEL_TASK_TYPE_ANOMALY_DETECTION -> {
            SVMParameters<org.tribuo.anomaly.Event> params =
                new SVMParameters<>(new SVMAnomalyType(SVMAnomalyType.SVMMode.ONE_CLASS), KernelType.RBF);
            params.setNu(p.get("nu"));
            // gamma 0 means libsvm's usual 1 / number of features.
            params.setGamma(p.get("gamma") == 0 ? 1.0 / Math.max(1, featureCount) : p.get("gamma"));
            yield standardized(new LibSVMAnomalyTrainer(params, seed));
          }
          default -> throw new IllegalStateException(type.name());
        };
    return new Spec(algorithm, p, trainer);
  }

  private static <T extends org.tribuo.Output<T>> Trainer<T> standardizedIf(Map<String, Double> p, Trainer<T> trainer) {
    return p.get("standardize") == 0 ? trainer : standardized(trainer);
  }

  private static <T extends org.tribuo.Output<T>> Trainer<T> standardized(Trainer<T> trainer) {
    return new TransformTrainer<>(trainer, new TransformationMap(List.of(new MeanStdDevTransformation())), false, true);
  }

  private static int i(Map<String, Double> p, String name) {
    return p.get(name).intValue();
  }
}
