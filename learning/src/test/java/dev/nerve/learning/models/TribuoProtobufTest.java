package dev.nerve.learning.models;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nerve.api.learning.v1.Example;
import dev.nerve.api.learning.v1.ModelTaskType;
import dev.nerve.api.learning.v1.Prediction;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Tribuo 4.3.2 is built against protobuf-java 3.25, while the project pins the 4.33 runtime gRPC
 * needs: every algorithm's model must survive Tribuo's protobuf serialization on that runtime and
 * predict exactly as before.
 */
class TribuoProtobufTest {

  @ParameterizedTest
  @CsvSource({
    "MODEL_TASK_TYPE_CLASSIFICATION, logistic_regression",
    "MODEL_TASK_TYPE_CLASSIFICATION, linear_sgd",
    "MODEL_TASK_TYPE_CLASSIFICATION, cart",
    "MODEL_TASK_TYPE_CLASSIFICATION, random_forest",
    "MODEL_TASK_TYPE_REGRESSION, linear_sgd",
    "MODEL_TASK_TYPE_REGRESSION, cart",
    "MODEL_TASK_TYPE_REGRESSION, random_forest",
    "MODEL_TASK_TYPE_CLUSTERING, kmeans",
    "MODEL_TASK_TYPE_ANOMALY_DETECTION, one_class_svm"
  })
  void everyAlgorithmRoundTripsThroughTribuosProtobufFormat(ModelTaskType task, String algorithm) {
    assertThat(com.google.protobuf.RuntimeVersion.MAJOR).isEqualTo(4);
    assertThat(com.google.protobuf.RuntimeVersion.MINOR).isEqualTo(33);
    List<Example> examples =
        task == ModelTaskType.MODEL_TASK_TYPE_REGRESSION ? Datasets.examples("wine", "alcohol") : Datasets.examples("iris", "species");
    if (task == ModelTaskType.MODEL_TASK_TYPE_CLUSTERING || task == ModelTaskType.MODEL_TASK_TYPE_ANOMALY_DETECTION) {
      examples = examples.stream().map(e -> e.toBuilder().clearLabel().build()).toList();
    }
    TabularData data = TabularData.of("examples", examples, List.of(), new TabularData.Limits(1000, 50, 100));
    Map<String, Double> params = Algorithms.resolve(task, algorithm, Map.of());
    ModelTrainer.Outcome outcome =
        ModelTrainer.train(new ModelTrainer.Request(task, algorithm, params, data, 0.2, 0, 7, 7), (phase, fraction) -> {});
    org.tribuo.Model<?> restored = ModelCache.deserialize(outcome.bytes());
    assertThat(restored.getClass()).isEqualTo(outcome.model().getClass());
    LoadedModel before = new LoadedModel(outcome.info(), outcome.model(), new FeatureEncoder(data.schema()), task);
    LoadedModel after = new LoadedModel(outcome.info(), restored, new FeatureEncoder(data.schema()), task);
    for (Example example : data.examples()) {
      Prediction expected = before.raw(before.encoder().encode(example.getFeatures())).build();
      Prediction actual = after.raw(after.encoder().encode(example.getFeatures())).build();
      assertThat(actual).isEqualTo(expected);
    }
    // The restored model serializes again and still predicts the same (provenance maps may be
    // written in another order, so the bytes themselves are not compared).
    LoadedModel twice = new LoadedModel(outcome.info(), ModelCache.deserialize(restored.serialize().toByteArray()), new FeatureEncoder(data.schema()), task);
    Example first = data.examples().get(0);
    assertThat(twice.raw(twice.encoder().encode(first.getFeatures())).build())
        .isEqualTo(before.raw(before.encoder().encode(first.getFeatures())).build());
    assertThat(restored.getProvenance()).isEqualTo(outcome.model().getProvenance());
  }
}
