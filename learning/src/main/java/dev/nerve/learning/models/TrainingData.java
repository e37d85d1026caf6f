package dev.nerve.learning.models;

import dev.nerve.api.learning.v1.Example;
import dev.nerve.api.learning.v1.FeatureSpec;
import dev.nerve.platform.error.NerveException;
import java.util.List;

/**
 * Resolves where examples come from (inline, CSV text or a stored dataset) into validated
 * {@link TabularData}. External dataset URIs are refused: the service fetches nothing from the
 * network for training.
 */
final class TrainingData {

  private final ModelRepository repository;
  private final TabularData.Limits limits;

  TrainingData(ModelRepository repository, TabularData.Limits limits) {
    this.repository = repository;
    this.limits = limits;
  }

  TabularData.Limits limits() {
    return limits;
  }

  /** Inline examples. */
  TabularData inline(String field, List<Example> examples, List<FeatureSpec> declared) {
    return TabularData.of(field, examples, declared, limits);
  }

  /** CSV text with a header row. */
  TabularData csv(String field, String csv, String labelColumn, List<FeatureSpec> declared) {
    if (csv.length() > 64 * 1024 * 1024) {
      throw NerveException.invalid(field, "maxBytes", "must be at most 64 MiB");
    }
    return TabularData.of(field, TabularData.parseCsv(field, csv, labelColumn, limits.maxRows()), declared, limits);
  }

  /** A stored dataset; declared types override the stored ones. */
  TabularData stored(String tenantId, String field, String datasetId, List<FeatureSpec> declared) {
    ModelRepository.StoredData data =
        repository.datasetBody(tenantId, datasetId).orElseThrow(() -> NerveException.notFound("dataset", datasetId));
    return TabularData.of(field, data.examples().getExamplesList(), declared.isEmpty() ? data.schema() : declared, limits);
  }

  static NerveException externalRefused(String field) {
    return NerveException.invalid(
        field, "unsupported", "external dataset URIs are not fetched; upload the data with UploadDataset and train with dataset_id");
  }
}
