package dev.nerve.learning.models;

import com.google.protobuf.Struct;
import dev.nerve.api.common.v1.PageInfo;
import dev.nerve.api.learning.v1.ActivateModelVersionRequest;
import dev.nerve.api.learning.v1.Dataset;
import dev.nerve.api.learning.v1.DeleteDatasetRequest;
import dev.nerve.api.learning.v1.DeleteDatasetResponse;
import dev.nerve.api.learning.v1.DeleteModelRequest;
import dev.nerve.api.learning.v1.DeleteModelResponse;
import dev.nerve.api.learning.v1.EvaluateModelRequest;
import dev.nerve.api.learning.v1.Evaluation;
import dev.nerve.api.learning.v1.Example;
import dev.nerve.api.learning.v1.GetModelRequest;
import dev.nerve.api.learning.v1.GetTrainingJobRequest;
import dev.nerve.api.learning.v1.ListDatasetsRequest;
import dev.nerve.api.learning.v1.ListDatasetsResponse;
import dev.nerve.api.learning.v1.ListModelVersionsRequest;
import dev.nerve.api.learning.v1.ListModelVersionsResponse;
import dev.nerve.api.learning.v1.ListModelsRequest;
import dev.nerve.api.learning.v1.ListModelsResponse;
import dev.nerve.api.learning.v1.Model;
import dev.nerve.api.learning.v1.ModelServiceGrpc;
import dev.nerve.api.learning.v1.ModelTaskType;
import dev.nerve.api.learning.v1.ModelVersion;
import dev.nerve.api.learning.v1.PredictBatchRequest;
import dev.nerve.api.learning.v1.PredictBatchResponse;
import dev.nerve.api.learning.v1.PredictModelRequest;
import dev.nerve.api.learning.v1.Prediction;
import dev.nerve.api.learning.v1.TrainModelRequest;
import dev.nerve.api.learning.v1.TrainingJob;
import dev.nerve.api.learning.v1.UploadDatasetRequest;
import dev.nerve.api.learning.v1.WatchTrainingJobRequest;
import dev.nerve.learning.support.Callers;
import dev.nerve.learning.support.Inputs;
import dev.nerve.learning.support.LearningEvents;
import dev.nerve.learning.support.PageCursor;
import dev.nerve.learning.support.Times;
import dev.nerve.platform.error.ErrorCode;
import dev.nerve.platform.error.NerveException;
import dev.nerve.platform.identity.Identity;
import io.grpc.stub.StreamObserver;
import java.util.ArrayList;
import java.util.List;
import org.springframework.transaction.support.TransactionTemplate;

/** gRPC adapter for {@code learning.models}: validates, scopes to the caller's tenant, delegates. */
final class ModelGrpcService extends ModelServiceGrpc.ModelServiceImplBase {

  private final ModelRepository repository;
  private final TrainingJobs training;
  private final TrainingData data;
  private final ModelCache cache;
  private final TrainingWatch watch;
  private final LearningEvents events;
  private final TransactionTemplate tx;
  private final int maxPredictBatch;

  ModelGrpcService(
      ModelRepository repository,
      TrainingJobs training,
      TrainingData data,
      ModelCache cache,
      TrainingWatch watch,
      LearningEvents events,
      TransactionTemplate tx,
      int maxPredictBatch) {
    this.repository = repository;
    this.training = training;
    this.data = data;
    this.cache = cache;
    this.watch = watch;
    this.events = events;
    this.tx = tx;
    this.maxPredictBatch = maxPredictBatch;
  }

  @Override
  public void train(TrainModelRequest request, StreamObserver<TrainingJob> response) {
    respond(response, training.accept(Callers.current().tenantId(), request));
  }

  @Override
  public void predict(PredictModelRequest request, StreamObserver<Prediction> response) {
    Identity caller = Callers.current();
    LoadedModel model = model(caller, request.getModelId(), request.hasModelVersion() ? request.getModelVersion() : null);
    respond(response, model.predict("input", request.getInput()));
  }

  @Override
  public void predictBatch(PredictBatchRequest request, StreamObserver<PredictBatchResponse> response) {
    Identity caller = Callers.current();
    if (request.getInputsCount() == 0) {
      throw NerveException.invalid("inputs", "required", "must hold at least one input");
    }
    if (request.getInputsCount() > maxPredictBatch) {
      throw NerveException.invalid(
          "inputs", "max", "holds " + request.getInputsCount() + " inputs; at most " + maxPredictBatch + " per call (split the batch)");
    }
    LoadedModel model = model(caller, request.getModelId(), request.hasModelVersion() ? request.getModelVersion() : null);
    for (int i = 0; i < request.getInputsCount(); i++) {
      model.encoder().validate("inputs[" + i + "]", request.getInputs(i));
    }
    PredictBatchResponse.Builder out = PredictBatchResponse.newBuilder().setModelVersion(model.version().getVersion());
    for (Struct input : request.getInputsList()) {
      out.addPredictions(model.predict("inputs", input));
    }
    respond(response, out.build());
  }

  @Override
  public void evaluate(EvaluateModelRequest request, StreamObserver<Evaluation> response) {
    Identity caller = Callers.current();
    LoadedModel model = model(caller, request.getModelId(), request.hasModelVersion() ? request.getModelVersion() : null);
    long version = model.version().getVersion();
    List<Example> examples;
    String source = "supplied";
    switch (request.getSourceCase()) {
      case EXAMPLES -> examples = request.getExamples().getExamplesList();
      case CSV -> examples = TabularData.parseCsv("csv", request.getCsv(), request.getLabelColumn(), data.limits().maxRows());
      case DATASET_ID -> examples =
          repository.datasetBody(caller.tenantId(), Inputs.id("datasetId", request.getDatasetId()))
              .orElseThrow(() -> NerveException.notFound("dataset", request.getDatasetId()))
              .examples()
              .getExamplesList();
      case DATASET_REF -> throw TrainingData.externalRefused("datasetRef");
      default -> {
        ModelRepository.Validation stored = repository.validation(caller.tenantId(), request.getModelId(), version).orElseThrow();
        if (stored.holdout().getExamplesCount() > 0) {
          examples = stored.holdout().getExamplesList();
          source = "holdout";
        } else if (stored.evaluation() != null && "kfold".equals(model.version().getValidation())) {
          respond(response, stored.evaluation().toBuilder().setEvaluatedAt(Times.proto(Times.now())).build());
          return;
        } else {
          throw new NerveException(ErrorCode.FAILED_PRECONDITION, "the version kept no held-out data; supply examples to evaluate on");
        }
      }
    }
    if (examples.isEmpty()) {
      throw NerveException.invalid("examples", "required", "must hold at least one example");
    }
    if (examples.size() > data.limits().maxRows()) {
      throw NerveException.invalid("examples", "max", "at most " + data.limits().maxRows() + " examples");
    }
    ModelTask<?> task = ModelTask.of(model.task());
    for (int i = 0; i < examples.size(); i++) {
      Example example = examples.get(i);
      model.encoder().validate("examples[" + i + "].features", example.getFeatures());
      if (task.needsLabels() && !example.hasLabel()) {
        throw NerveException.invalid("examples[" + i + "].label", "required", "evaluation needs labels for this task type");
      }
      task.output(example.getLabel(), "examples[" + i + "].label");
    }
    Metrics.Result result = Metrics.evaluate(model, examples);
    Evaluation.Builder evaluation =
        Evaluation.newBuilder()
            .setModelId(request.getModelId())
            .setModelVersion(version)
            .putAllMetrics(result.metrics())
            .setDatasetSize(examples.size())
            .setEvaluatedAt(Times.proto(Times.now()))
            .setSourceKind(source);
    if (result.confusion() != null) {
      evaluation.setConfusionMatrix(result.confusion());
    }
    respond(response, evaluation.build());
  }

  @Override
  public void get(GetModelRequest request, StreamObserver<Model> response) {
    Identity caller = Callers.current();
    String id = Inputs.id("id", request.getId());
    ModelRepository.ModelRow row = repository.model(caller.tenantId(), id).orElseThrow(() -> NerveException.notFound("model", id));
    respond(response, repository.view(caller.tenantId(), row));
  }

  @Override
  public void list(ListModelsRequest request, StreamObserver<ListModelsResponse> response) {
    Identity caller = Callers.current();
    int size = Inputs.pageSize("page.pageSize", request.getPage().getPageSize(), 50, 500);
    String afterName = null;
    String afterId = null;
    if (!request.getPage().getCursor().isEmpty()) {
      PageCursor cursor = PageCursor.decode("page.cursor", request.getPage().getCursor(), 2);
      afterName = cursor.part(0);
      afterId = cursor.part(1);
    }
    if (request.getTaskType() == ModelTaskType.UNRECOGNIZED) {
      throw NerveException.invalid("taskType", "enum", "must be a task type");
    }
    List<ModelRepository.ModelRow> rows = repository.models(caller.tenantId(), request.getTaskType(), request.getStatus(), afterName, afterId, size + 1);
    boolean more = rows.size() > size;
    List<ModelRepository.ModelRow> shown = more ? rows.subList(0, size) : rows;
    ListModelsResponse.Builder out = ListModelsResponse.newBuilder();
    shown.forEach(row -> out.addModels(repository.view(caller.tenantId(), row)));
    PageInfo info = PageCursor.info(shown, more, row -> PageCursor.of(row.name(), row.id()));
    respond(response, out.setPageInfo(info).build());
  }

  @Override
  public void delete(DeleteModelRequest request, StreamObserver<DeleteModelResponse> response) {
    Identity caller = Callers.current();
    String id = Inputs.id("id", request.getId());
    Boolean deleted = tx.execute(status -> repository.deleteModel(caller.tenantId(), id));
    if (!Boolean.TRUE.equals(deleted)) {
      throw NerveException.notFound("model", id);
    }
    cache.forget(caller.tenantId(), id);
    events.publish(ModelCache.changed(caller.tenantId(), id));
    respond(response, DeleteModelResponse.newBuilder().setId(id).setDeletedAt(Times.proto(Times.now())).build());
  }

  @Override
  public void listVersions(ListModelVersionsRequest request, StreamObserver<ListModelVersionsResponse> response) {
    Identity caller = Callers.current();
    String id = Inputs.id("modelId", request.getModelId());
    ModelRepository.ModelRow row = repository.model(caller.tenantId(), id).orElseThrow(() -> NerveException.notFound("model", id));
    int size = Inputs.pageSize("page.pageSize", request.getPage().getPageSize(), 50, 500);
    Long before = request.getPage().getCursor().isEmpty() ? null : PageCursor.decode("page.cursor", request.getPage().getCursor(), 1).number("page.cursor", 0);
    List<ModelVersion> versions = repository.versions(caller.tenantId(), id, before, size + 1);
    boolean more = versions.size() > size;
    List<ModelVersion> shown = new ArrayList<>();
    for (ModelVersion v : more ? versions.subList(0, size) : versions) {
      shown.add(v.toBuilder().setActive(v.getVersion() == row.activeVersion()).build());
    }
    PageInfo info = PageCursor.info(shown, more, v -> PageCursor.of(Long.toString(v.getVersion())));
    respond(response, ListModelVersionsResponse.newBuilder().addAllVersions(shown).setPageInfo(info).build());
  }

  @Override
  public void activateVersion(ActivateModelVersionRequest request, StreamObserver<Model> response) {
    Identity caller = Callers.current();
    String id = Inputs.id("modelId", request.getModelId());
    if (request.getVersion() < 1) {
      throw NerveException.invalid("version", "range", "must be at least 1");
    }
    Model model =
        tx.execute(
            status -> {
              repository.lockModel(caller.tenantId(), id).orElseThrow(() -> NerveException.notFound("model", id));
              repository.version(caller.tenantId(), id, request.getVersion())
                  .orElseThrow(() -> NerveException.notFound("model version", id + "@" + request.getVersion()));
              repository.activate(caller.tenantId(), id, request.getVersion());
              return repository.view(caller.tenantId(), repository.model(caller.tenantId(), id).orElseThrow());
            });
    cache.forget(caller.tenantId(), id);
    events.publish(ModelCache.changed(caller.tenantId(), id));
    respond(response, model);
  }

  @Override
  public void getTrainingJob(GetTrainingJobRequest request, StreamObserver<TrainingJob> response) {
    Identity caller = Callers.current();
    String id = Inputs.id("id", request.getId());
    respond(response, repository.job(caller.tenantId(), id).orElseThrow(() -> NerveException.notFound("training job", id)));
  }

  @Override
  public void watchTrainingJob(WatchTrainingJobRequest request, StreamObserver<TrainingJob> response) {
    Identity caller = Callers.current();
    String id = Inputs.id("id", request.getId());
    repository.job(caller.tenantId(), id).orElseThrow(() -> NerveException.notFound("training job", id));
    String tenant = caller.tenantId();
    watch.follow(id, () -> repository.job(tenant, id), response);
  }

  @Override
  public void uploadDataset(UploadDatasetRequest request, StreamObserver<Dataset> response) {
    Identity caller = Callers.current();
    String id = Inputs.id("id", request.getId());
    Inputs.text("name", request.getName(), 200);
    TabularData table =
        switch (request.getSourceCase()) {
          case EXAMPLES -> data.inline("examples.examples", request.getExamples().getExamplesList(), request.getFeaturesList());
          case CSV -> data.csv("csv", request.getCsv(), request.getLabelColumn(), request.getFeaturesList());
          case SOURCE_NOT_SET -> throw NerveException.invalid("source", "required", "must give examples or csv");
        };
    repository.upsertDataset(caller.tenantId(), id, request.getName().isEmpty() ? id : request.getName(), table);
    respond(response, repository.dataset(caller.tenantId(), id).orElseThrow());
  }

  @Override
  public void listDatasets(ListDatasetsRequest request, StreamObserver<ListDatasetsResponse> response) {
    Identity caller = Callers.current();
    int size = Inputs.pageSize("page.pageSize", request.getPage().getPageSize(), 50, 500);
    String after = request.getPage().getCursor().isEmpty() ? null : PageCursor.decode("page.cursor", request.getPage().getCursor(), 1).part(0);
    List<Dataset> page = repository.datasets(caller.tenantId(), after, size + 1);
    boolean more = page.size() > size;
    List<Dataset> shown = more ? page.subList(0, size) : page;
    PageInfo info = PageCursor.info(shown, more, d -> PageCursor.of(d.getId()));
    respond(response, ListDatasetsResponse.newBuilder().addAllDatasets(shown).setPageInfo(info).build());
  }

  @Override
  public void deleteDataset(DeleteDatasetRequest request, StreamObserver<DeleteDatasetResponse> response) {
    Identity caller = Callers.current();
    String id = Inputs.id("id", request.getId());
    if (!repository.deleteDataset(caller.tenantId(), id)) {
      throw NerveException.notFound("dataset", id);
    }
    respond(response, DeleteDatasetResponse.newBuilder().setId(id).setDeletedAt(Times.proto(Times.now())).build());
  }

  private LoadedModel model(Identity caller, String modelId, Long version) {
    String id = Inputs.id("modelId", modelId);
    if (version != null && version < 1) {
      throw NerveException.invalid("modelVersion", "range", "must be at least 1");
    }
    long v = version != null ? version : cache.activeVersion(caller.tenantId(), id);
    return cache.version(caller.tenantId(), id, v);
  }

  private static <T> void respond(StreamObserver<T> response, T value) {
    response.onNext(value);
    response.onCompleted();
  }
}
