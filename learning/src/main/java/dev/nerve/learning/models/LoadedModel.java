package dev.nerve.learning.models;

import com.google.protobuf.Duration;
import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import dev.nerve.api.learning.v1.ModelTaskType;
import dev.nerve.api.learning.v1.ModelVersion;
import dev.nerve.api.learning.v1.Prediction;
import dev.nerve.platform.error.NerveException;
import java.util.Map;
import org.tribuo.Model;
import org.tribuo.Output;
import org.tribuo.anomaly.Event;
import org.tribuo.classification.Label;
import org.tribuo.clustering.ClusterID;
import org.tribuo.regression.Regressor;

/**
 * A deserialized model version ready to predict: the Tribuo model, the encoder of its feature
 * schema and its version record. Immutable and safe to share between threads (Tribuo models
 * predict without mutating themselves).
 *
 * @param version the version record
 * @param model the Tribuo model
 * @param encoder its feature schema
 * @param task the task type
 */
record LoadedModel(ModelVersion version, Model<?> model, FeatureEncoder encoder, ModelTaskType task) {

  /** Predicts for one input, validated against the schema; {@code field} names it in errors. */
  Prediction predict(String field, Struct input) {
    long start = System.nanoTime();
    encoder.validate(field, input);
    Prediction.Builder prediction = raw(encoder.encode(input));
    long nanos = System.nanoTime() - start;
    return prediction
        .setModelVersion(version.getVersion())
        .setLatency(Duration.newBuilder().setSeconds(nanos / 1_000_000_000).setNanos((int) (nanos % 1_000_000_000)))
        .build();
  }

  /** The prediction of encoded features, without version and latency. */
  Prediction.Builder raw(FeatureEncoder.Encoded encoded) {
    org.tribuo.Prediction<?> p = predictTribuo(encoded);
    Prediction.Builder out = Prediction.newBuilder();
    Output<?> output = p.getOutput();
    if (output instanceof Label label) {
      out.setLabel(Value.newBuilder().setStringValue(label.getLabel()));
      for (Map.Entry<String, ? extends Output<?>> e : p.getOutputScores().entrySet()) {
        if (e.getValue() instanceof Label scored) {
          out.putScores(e.getKey(), scored.getScore());
        }
      }
    } else if (output instanceof Regressor regressor) {
      double scale = version.getTargetScale() == 0 ? 1 : version.getTargetScale();
      out.setValue(regressor.getValues()[0] * scale + version.getTargetMean());
    } else if (output instanceof ClusterID cluster) {
      out.setLabel(Value.newBuilder().setNumberValue(cluster.getID()));
    } else if (output instanceof Event event) {
      // libsvm's one-class decision value is positive inside the learned region.
      out.setAnomalyScore(-event.getScore()).setAnomalous(event.getType() == Event.EventType.ANOMALOUS);
    }
    return out;
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private org.tribuo.Prediction<?> predictTribuo(FeatureEncoder.Encoded encoded) {
    Model raw = model;
    Output unknown = ModelTask.of(task).factory().getUnknownOutput();
    try {
      return raw.predict(new org.tribuo.impl.ArrayExample(unknown, encoded.names(), encoded.values()));
    } catch (IllegalArgumentException e) {
      throw NerveException.invalid("input", "features", "the input has no feature the model knows (e.g. only unseen categories)");
    }
  }
}
