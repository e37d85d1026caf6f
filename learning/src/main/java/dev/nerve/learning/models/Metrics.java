package dev.nerve.learning.models;

import dev.nerve.api.learning.v1.ConfusionMatrix;
import dev.nerve.api.learning.v1.ConfusionMatrixRow;
import dev.nerve.api.learning.v1.Example;
import dev.nerve.api.learning.v1.Prediction;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Evaluation metrics, computed here from the predictions (not by Tribuo's evaluators, which the
 * tests use as an independent check).
 *
 * <ul>
 *   <li>Classification: accuracy; per class precision = TP / (TP + FP), recall = TP / (TP + FN),
 *       F1 = 2PR / (P + R) (0 when undefined); macro = their unweighted mean over the classes;
 *       micro = from the summed counts (equal to accuracy for single-label data); ROC AUC for two
 *       classes, the positive class being the second in name order, from its score (the
 *       Mann-Whitney statistic, ties counted half).
 *   <li>Regression: RMSE, MAE and R2 = 1 - SSE / SST.
 *   <li>Clustering: inertia, the sum of squared distances of the points to the mean of their
 *       cluster, and the mean silhouette over at most 2,000 points (the first ones), both in the
 *       encoded feature space.
 *   <li>Anomaly detection: accuracy, precision, recall and F1 of the anomaly class, and ROC AUC of
 *       the anomaly score.
 * </ul>
 */
final class Metrics {

  /** Points a silhouette is computed over at most: it is quadratic. */
  static final int SILHOUETTE_POINTS = 2000;

  /** Metrics and the confusion matrix (classification only). */
  record Result(Map<String, Double> metrics, ConfusionMatrix confusion) {}

  private Metrics() {}

  static Result evaluate(LoadedModel model, List<Example> examples) {
    List<Prediction> predictions = new ArrayList<>(examples.size());
    for (Example example : examples) {
      predictions.add(model.raw(model.encoder().encode(example.getFeatures())).build());
    }
    return switch (model.task()) {
      case MODEL_TASK_TYPE_CLASSIFICATION -> classification(examples, predictions, model.version().getLabelsList());
      case MODEL_TASK_TYPE_REGRESSION -> regression(examples, predictions);
      case MODEL_TASK_TYPE_CLUSTERING -> clustering(model.encoder(), examples, predictions);
      case MODEL_TASK_TYPE_ANOMALY_DETECTION -> anomaly(examples, predictions);
      default -> throw new IllegalStateException(model.task().name());
    };
  }

  static Result classification(List<Example> examples, List<Prediction> predictions, List<String> modelLabels) {
    TreeSet<String> labelSet = new TreeSet<>(modelLabels);
    List<String> actual = examples.stream().map(e -> ModelTask.labelText(e.getLabel())).toList();
    List<String> predicted = predictions.stream().map(p -> p.getLabel().getStringValue()).toList();
    labelSet.addAll(actual);
    labelSet.addAll(predicted);
    List<String> labels = new ArrayList<>(labelSet);
    int k = labels.size();
    long[][] counts = new long[k][k];
    for (int i = 0; i < actual.size(); i++) {
      counts[labels.indexOf(actual.get(i))][labels.indexOf(predicted.get(i))]++;
    }
    long n = actual.size();
    long correct = 0;
    double precisionSum = 0;
    double recallSum = 0;
    double f1Sum = 0;
    for (int c = 0; c < k; c++) {
      long tp = counts[c][c];
      correct += tp;
      long predictedC = 0;
      long actualC = 0;
      for (int j = 0; j < k; j++) {
        predictedC += counts[j][c];
        actualC += counts[c][j];
      }
      double precision = predictedC == 0 ? 0 : (double) tp / predictedC;
      double recall = actualC == 0 ? 0 : (double) tp / actualC;
      precisionSum += precision;
      recallSum += recall;
      f1Sum += precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall);
    }
    Map<String, Double> metrics = new LinkedHashMap<>();
    double accuracy = (double) correct / n;
    metrics.put("accuracy", accuracy);
    metrics.put("macro_precision", precisionSum / k);
    metrics.put("macro_recall", recallSum / k);
    metrics.put("macro_f1", f1Sum / k);
    // Every example gets exactly one predicted label: summed TP = correct, summed FP = summed FN = n - correct.
    metrics.put("micro_precision", accuracy);
    metrics.put("micro_recall", accuracy);
    metrics.put("micro_f1", accuracy);
    if (k == 2) {
      String positive = labels.get(1);
      double[] scores = new double[predictions.size()];
      boolean[] isPositive = new boolean[predictions.size()];
      boolean scored = true;
      for (int i = 0; i < predictions.size(); i++) {
        Double score = predictions.get(i).getScoresMap().get(positive);
        if (score == null) {
          scored = false;
          break;
        }
        scores[i] = score;
        isPositive[i] = actual.get(i).equals(positive);
      }
      if (scored) {
        double auc = rocAuc(scores, isPositive);
        if (!Double.isNaN(auc)) {
          metrics.put("roc_auc", auc);
        }
      }
    }
    ConfusionMatrix.Builder confusion = ConfusionMatrix.newBuilder().addAllLabels(labels);
    for (long[] row : counts) {
      confusion.addRows(ConfusionMatrixRow.newBuilder().addAllCounts(Arrays.stream(row).boxed().toList()));
    }
    return new Result(metrics, confusion.build());
  }

  /** ROC AUC as the Mann-Whitney statistic: P(score of a positive > score of a negative), ties half. */
  static double rocAuc(double[] scores, boolean[] positive) {
    Integer[] order = new Integer[scores.length];
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
    }
    Arrays.sort(order, (a, b) -> Double.compare(scores[a], scores[b]));
    double rankSumPositive = 0;
    long positives = 0;
    int i = 0;
    while (i < order.length) {
      int j = i;
      while (j + 1 < order.length && scores[order[j + 1]] == scores[order[i]]) {
        j++;
      }
      double averageRank = (i + j) / 2.0 + 1;
      for (int t = i; t <= j; t++) {
        if (positive[order[t]]) {
          rankSumPositive += averageRank;
          positives++;
        }
      }
      i = j + 1;
    }
    long negatives = scores.length - positives;
    if (positives == 0 || negatives == 0) {
      return Double.NaN;
    }
    return (rankSumPositive - positives * (positives + 1) / 2.0) / ((double) positives * negatives);
  }

  static Result regression(List<Example> examples, List<Prediction> predictions) {
    int n = examples.size();
    double mean = 0;
    for (Example e : examples) {
      mean += e.getLabel().getNumberValue();
    }
    mean /= n;
    double sse = 0;
    double sae = 0;
    double sst = 0;
    for (int i = 0; i < n; i++) {
      double y = examples.get(i).getLabel().getNumberValue();
      double error = y - predictions.get(i).getValue();
      sse += error * error;
      sae += Math.abs(error);
      sst += (y - mean) * (y - mean);
    }
    Map<String, Double> metrics = new LinkedHashMap<>();
    metrics.put("rmse", Math.sqrt(sse / n));
    metrics.put("mae", sae / n);
    if (sst > 0) {
      metrics.put("r2", 1 - sse / sst);
    }
    return new Result(metrics, null);
  }

  static Result clustering(FeatureEncoder encoder, List<Example> examples, List<Prediction> predictions) {
    int n = examples.size();
    double[][] points = new double[n][];
    int[] cluster = new int[n];
    Map<Integer, double[]> sums = new LinkedHashMap<>();
    Map<Integer, Integer> sizes = new LinkedHashMap<>();
    for (int i = 0; i < n; i++) {
      points[i] = encoder.dense(examples.get(i).getFeatures());
      cluster[i] = (int) predictions.get(i).getLabel().getNumberValue();
      double[] sum = sums.computeIfAbsent(cluster[i], c -> new double[points[0].length]);
      for (int d = 0; d < sum.length; d++) {
        sum[d] += points[i][d];
      }
      sizes.merge(cluster[i], 1, Integer::sum);
    }
    double inertia = 0;
    for (int i = 0; i < n; i++) {
      double[] sum = sums.get(cluster[i]);
      int size = sizes.get(cluster[i]);
      double d2 = 0;
      for (int d = 0; d < sum.length; d++) {
        double diff = points[i][d] - sum[d] / size;
        d2 += diff * diff;
      }
      inertia += d2;
    }
    Map<String, Double> metrics = new LinkedHashMap<>();
    metrics.put("inertia", inertia);
    metrics.put("clusters", (double) sizes.size());
    double silhouette = silhouette(points, cluster, Math.min(n, SILHOUETTE_POINTS));
    if (!Double.isNaN(silhouette)) {
      metrics.put("silhouette", silhouette);
    }
    return new Result(metrics, null);
  }

  /**
   * Mean silhouette of the first {@code m} points: s = (b - a) / max(a, b), a = mean distance to
   * the own cluster, b = smallest mean distance to another cluster; 0 for a point alone in its
   * cluster. NaN with fewer than two clusters.
   */
  static double silhouette(double[][] points, int[] cluster, int m) {
    TreeSet<Integer> clusters = new TreeSet<>();
    for (int i = 0; i < m; i++) {
      clusters.add(cluster[i]);
    }
    if (clusters.size() < 2) {
      return Double.NaN;
    }
    double total = 0;
    for (int i = 0; i < m; i++) {
      Map<Integer, double[]> distance = new LinkedHashMap<>();
      for (int j = 0; j < m; j++) {
        if (i == j) {
          continue;
        }
        double d2 = 0;
        for (int d = 0; d < points[i].length; d++) {
          double diff = points[i][d] - points[j][d];
          d2 += diff * diff;
        }
        double[] acc = distance.computeIfAbsent(cluster[j], c -> new double[2]);
        acc[0] += Math.sqrt(d2);
        acc[1]++;
      }
      double[] own = distance.get(cluster[i]);
      if (own == null) {
        continue; // alone in its cluster: silhouette 0
      }
      double a = own[0] / own[1];
      double b = Double.MAX_VALUE;
      for (Map.Entry<Integer, double[]> e : distance.entrySet()) {
        if (e.getKey() != cluster[i]) {
          b = Math.min(b, e.getValue()[0] / e.getValue()[1]);
        }
      }
      double max = Math.max(a, b);
      total += max == 0 ? 0 : (b - a) / max;
    }
    return total / m;
  }

  static Result anomaly(List<Example> examples, List<Prediction> predictions) {
    int n = examples.size();
    long tp = 0;
    long fp = 0;
    long fn = 0;
    long correct = 0;
    double[] scores = new double[n];
    boolean[] anomalous = new boolean[n];
    for (int i = 0; i < n; i++) {
      anomalous[i] = ModelTask.Anomaly.anomalous(examples.get(i).getLabel(), "examples[" + i + "].label");
      boolean predicted = predictions.get(i).getAnomalous();
      scores[i] = predictions.get(i).getAnomalyScore();
      if (predicted == anomalous[i]) {
        correct++;
      }
      if (predicted && anomalous[i]) {
        tp++;
      } else if (predicted) {
        fp++;
      } else if (anomalous[i]) {
        fn++;
      }
    }
    double precision = tp + fp == 0 ? 0 : (double) tp / (tp + fp);
    double recall = tp + fn == 0 ? 0 : (double) tp / (tp + fn);
    Map<String, Double> metrics = new LinkedHashMap<>();
    metrics.put("accuracy", (double) correct / n);
    metrics.put("precision", precision);
    metrics.put("recall", recall);
    metrics.put("f1", precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall));
    double auc = rocAuc(scores, anomalous);
    if (!Double.isNaN(auc)) {
      metrics.put("roc_auc", auc);
    }
    return new Result(metrics, null);
  }
}
