package dev.nerve.learning.models;

import com.google.protobuf.Value;
import dev.nerve.api.learning.v1.Example;
import dev.nerve.api.learning.v1.ModelTaskType;
import dev.nerve.platform.error.NerveException;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Locale;
import org.tribuo.MutableDataset;
import org.tribuo.Output;
import org.tribuo.OutputFactory;
import org.tribuo.anomaly.AnomalyFactory;
import org.tribuo.anomaly.Event;
import org.tribuo.classification.Label;
import org.tribuo.classification.LabelFactory;
import org.tribuo.clustering.ClusterID;
import org.tribuo.clustering.ClusteringFactory;
import org.tribuo.impl.ArrayExample;
import org.tribuo.provenance.SimpleDataSourceProvenance;
import org.tribuo.regression.RegressionFactory;
import org.tribuo.regression.Regressor;

/**
 * What differs between the four task types on the Tribuo side: the output factory and how an
 * example's label becomes a Tribuo output (classification: the label as text; regression: a
 * number; clustering: none; anomaly detection: "anomaly"/true is anomalous, anything else, or no
 * label, expected).
 *
 * @param <T> the Tribuo output type
 */
abstract sealed class ModelTask<T extends Output<T>> {

  /** Regression outputs carry one dimension of this name. */
  static final String TARGET = "target";

  static ModelTask<?> of(ModelTaskType type) {
    return switch (type) {
      case MODEL_TASK_TYPE_CLASSIFICATION -> new Classification();
      case MODEL_TASK_TYPE_REGRESSION -> new Regression();
      case MODEL_TASK_TYPE_CLUSTERING -> new Clustering();
      case MODEL_TASK_TYPE_ANOMALY_DETECTION -> new Anomaly();
      default -> throw NerveException.invalid("taskType", "required", "must be CLASSIFICATION, REGRESSION, CLUSTERING or ANOMALY_DETECTION");
    };
  }

  abstract OutputFactory<T> factory();

  /** The output of a labelled example; {@code field} names it in errors. */
  abstract T output(Value label, String field);

  /** Whether training needs every example labelled. */
  abstract boolean needsLabels();

  /** Whether an example takes part in training (anomaly detection trains on expected ones only). */
  boolean trainsOn(T output) {
    return true;
  }

  /** A Tribuo dataset of the given examples. */
  MutableDataset<T> dataset(List<Example> examples, FeatureEncoder encoder, String field, boolean training) {
    MutableDataset<T> dataset =
        new MutableDataset<>(new SimpleDataSourceProvenance("nerve", OffsetDateTime.now(), factory()), factory());
    for (int i = 0; i < examples.size(); i++) {
      Example example = examples.get(i);
      T output = output(example.getLabel(), field + "[" + i + "].label");
      if (training && !trainsOn(output)) {
        continue;
      }
      dataset.add(example(output, encoder.encode(example.getFeatures())));
    }
    return dataset;
  }

  ArrayExample<T> example(T output, FeatureEncoder.Encoded encoded) {
    return new ArrayExample<>(output, encoded.names(), encoded.values());
  }

  /** Label text of a classification label value: strings as they are, whole numbers without ".0". */
  static String labelText(Value label) {
    if (label.hasStringValue()) {
      return label.getStringValue();
    }
    if (label.hasBoolValue()) {
      return Boolean.toString(label.getBoolValue());
    }
    double n = label.getNumberValue();
    return n == Math.rint(n) && Math.abs(n) < 1e15 ? Long.toString((long) n) : Double.toString(n);
  }

  static final class Classification extends ModelTask<Label> {
    private final LabelFactory factory = new LabelFactory();

    @Override
    OutputFactory<Label> factory() {
      return factory;
    }

    @Override
    Label output(Value label, String field) {
      if (!(label.hasStringValue() || label.hasBoolValue() || label.hasNumberValue()) || labelText(label).isBlank()) {
        throw NerveException.invalid(field, "required", "classification examples need a label");
      }
      return new Label(labelText(label));
    }

    @Override
    boolean needsLabels() {
      return true;
    }
  }

  static final class Regression extends ModelTask<Regressor> {
    private final RegressionFactory factory = new RegressionFactory();

    @Override
    OutputFactory<Regressor> factory() {
      return factory;
    }

    @Override
    Regressor output(Value label, String field) {
      if (!label.hasNumberValue()) {
        throw NerveException.invalid(field, "type", "regression examples need a numeric label");
      }
      if (!Double.isFinite(label.getNumberValue())) {
        throw NerveException.invalid(field, "finite", "must be a finite number");
      }
      return new Regressor(TARGET, label.getNumberValue());
    }

    @Override
    boolean needsLabels() {
      return true;
    }
  }

  static final class Clustering extends ModelTask<ClusterID> {
    private final ClusteringFactory factory = new ClusteringFactory();

    @Override
    OutputFactory<ClusterID> factory() {
      return factory;
    }

    @Override
    ClusterID output(Value label, String field) {
      return factory.getUnknownOutput();
    }

    @Override
    boolean needsLabels() {
      return false;
    }
  }

  static final class Anomaly extends ModelTask<Event> {
    private final AnomalyFactory factory = new AnomalyFactory();

    @Override
    OutputFactory<Event> factory() {
      return factory;
    }

    @Override
    Event output(Value label, String field) {
      return anomalous(label, field) ? new Event(Event.EventType.ANOMALOUS) : new Event(Event.EventType.EXPECTED);
    }

    @Override
    boolean trainsOn(Event output) {
      return output.getType() == Event.EventType.EXPECTED;
    }

    @Override
    boolean needsLabels() {
      return false;
    }

    /** Whether a label marks an anomaly: "anomaly", "anomalous" or true; "normal", "expected", false or none do not. */
    static boolean anomalous(Value label, String field) {
      return switch (label.getKindCase()) {
        case KIND_NOT_SET, NULL_VALUE -> false;
        case BOOL_VALUE -> label.getBoolValue();
        case STRING_VALUE -> {
          String text = label.getStringValue().toLowerCase(Locale.ROOT);
          if (text.equals("anomaly") || text.equals("anomalous")) {
            yield true;
          }
          if (text.equals("normal") || text.equals("expected")) {
            yield false;
          }
          throw NerveException.invalid(field, "enum", "anomaly labels are \"anomaly\" or \"normal\" (or true/false)");
        }
        default -> throw NerveException.invalid(field, "type", "anomaly labels are \"anomaly\" or \"normal\" (or true/false)");
      };
    }
  }
}
