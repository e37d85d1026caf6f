package dev.nerve.learning.models;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.nerve.api.learning.v1.Evaluation;
import dev.nerve.api.learning.v1.Example;
import dev.nerve.api.learning.v1.ExampleBatch;
import dev.nerve.api.learning.v1.ModelStatus;
import dev.nerve.api.learning.v1.ModelTaskType;
import dev.nerve.api.learning.v1.ModelVersion;
import dev.nerve.api.learning.v1.TrainModelRequest;
import dev.nerve.api.learning.v1.TrainingJob;
import dev.nerve.api.learning.v1.TrainingJobStatus;
import dev.nerve.learning.support.BackgroundJobs;
import dev.nerve.learning.support.Inputs;
import dev.nerve.learning.support.LearningEvents;
import dev.nerve.learning.support.Times;
import dev.nerve.platform.error.NerveException;
import java.time.Instant;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Training as durable background jobs. Accepting a request validates all of it (data, task type,
 * algorithm, hyperparameters, validation settings) before anything is written, then, in one
 * transaction, creates the model if new, reserves the next version number, stores the job with
 * its validated examples and schedules it. Any replica's worker runs it; each attempt is fenced by
 * its attempt number, so a worker that lost the job (its replica was declared dead and another
 * took over) can no longer write. Success writes an immutable version and, unless asked
 * otherwise, activates it on every replica.
 */
final class TrainingJobs {

  /** db-scheduler task name. */
  static final String TASK = "learning-training";

  private static final Logger log = LoggerFactory.getLogger(TrainingJobs.class);

  private final ModelRepository repository;
  private final TrainingData data;
  private final TransactionTemplate tx;
  private final Supplier<BackgroundJobs> jobs;
  private final LearningEvents events;

  TrainingJobs(ModelRepository repository, TrainingData data, TransactionTemplate tx, Supplier<BackgroundJobs> jobs, LearningEvents events) {
    this.repository = repository;
    this.data = data;
    this.tx = tx;
    this.jobs = jobs;
    this.events = events;
  }

  /** Message announcing that a training job changed. */
  static String jobChanged(String jobId) {
    return "job\u001f" + jobId;
  }

  /** A validated request: what the job will train. */
  private record Validated(ModelTaskType task, String algorithm, String name, TabularData data, TrainModelRequest stored) {}

  TrainingJob accept(String tenantId, TrainModelRequest request) {
    String modelId = Inputs.id("modelId", request.getModelId());
    Inputs.text("name", request.getName(), 200);
    Inputs.text("requestId", request.getRequestId(), 200);
    if (!request.getRequestId().isEmpty()) {
      Optional<TrainingJob> first = repository.jobByRequestId(tenantId, modelId, request.getRequestId());
      if (first.isPresent()) {
        return first.get();
      }
    }
    Validated validated = validate(tenantId, modelId, request, repository.model(tenantId, modelId));
    UUID jobId = UUID.randomUUID();
    TrainingJob job =
        tx.execute(
            status -> {
              Optional<ModelRepository.ModelRow> existing = repository.lockModel(tenantId, modelId);
              if (existing.isPresent() && existing.get().taskType() != validated.task()) {
                throw NerveException.invalid("taskType", "match", "the model is a " + existing.get().taskType().name() + " model");
              }
              if (existing.isEmpty()) {
                repository.insertModel(tenantId, modelId, validated.name(), validated.task(), validated.algorithm());
              }
              String name = request.getName().isEmpty() && existing.isPresent() ? existing.get().name() : validated.name();
              long version = repository.reserveVersion(tenantId, modelId, name, validated.algorithm(), jobId.toString());
              repository.insertJob(
                  tenantId, jobId, modelId, version, validated.stored().toByteArray(),
                  request.getRequestId().isEmpty() ? null : request.getRequestId());
              jobs.get().schedule(TASK, jobId.toString());
              return repository.job(tenantId, jobId.toString()).orElseThrow();
            });
    events.publish(jobChanged(jobId.toString()));
    return job;
  }

  private Validated validate(String tenantId, String modelId, TrainModelRequest request, Optional<ModelRepository.ModelRow> existing) {
    ModelTaskType task = request.getTaskType();
    if (task == ModelTaskType.UNRECOGNIZED) {
      throw NerveException.invalid("taskType", "enum", "must be a task type");
    }
    if (task == ModelTaskType.MODEL_TASK_TYPE_UNSPECIFIED) {
      task = existing.map(ModelRepository.ModelRow::taskType)
          .orElseThrow(() -> NerveException.invalid("taskType", "required", "must be set when creating a model"));
    } else if (existing.isPresent() && existing.get().taskType() != task) {
      throw NerveException.invalid("taskType", "match", "the model is a " + existing.get().taskType().name() + " model");
    }
    String algorithm =
        !request.getAlgorithm().isEmpty()
            ? request.getAlgorithm()
            : existing.map(ModelRepository.ModelRow::algorithm).orElse(Algorithms.defaultFor(task));
    var trainingData = request.getData();
    Map<String, Double> hyperparameters = Algorithms.resolve(task, algorithm, trainingData.getHyperparametersMap());
    if (!request.hasData()) {
      throw NerveException.invalid("data", "required", "must be set");
    }
    TabularData table =
        switch (trainingData.getSourceCase()) {
          case EXAMPLES -> data.inline("data.examples.examples", trainingData.getExamples().getExamplesList(), trainingData.getFeaturesList());
          case CSV -> data.csv("data.csv", trainingData.getCsv(), trainingData.getLabelColumn(), trainingData.getFeaturesList());
          case DATASET_ID -> data.stored(tenantId, "data.datasetId", Inputs.id("data.datasetId", trainingData.getDatasetId()), trainingData.getFeaturesList());
          case DATASET_REF -> throw TrainingData.externalRefused("data.datasetRef");
          case SOURCE_NOT_SET -> throw NerveException.invalid("data", "required", "must give examples, csv or dataset_id");
        };
    double split = trainingData.getValidationSplit();
    if (Double.isNaN(split) || split < 0 || split > 0.5) {
      throw NerveException.invalid("data.validationSplit", "range", "must be between 0 and 0.5");
    }
    int folds = trainingData.getFolds();
    if (folds != 0 && (folds < 2 || folds > 10 || folds > table.examples().size())) {
      throw NerveException.invalid("data.folds", "range", "must be 0 or between 2 and 10, and at most the number of examples");
    }
    ModelTask<?> modelTask = ModelTask.of(task);
    Set<String> labels = new HashSet<>();
    for (int i = 0; i < table.examples().size(); i++) {
      Example example = table.examples().get(i);
      String field = "data.examples[" + i + "].label";
      if (modelTask.needsLabels() && !example.hasLabel()) {
        throw NerveException.invalid(field, "required", "every example needs a label for this task type");
      }
      modelTask.output(example.getLabel(), field);
      if (task == ModelTaskType.MODEL_TASK_TYPE_CLASSIFICATION) {
        labels.add(ModelTask.labelText(example.getLabel()));
      }
    }
    if (task == ModelTaskType.MODEL_TASK_TYPE_CLASSIFICATION && labels.size() < 2) {
      throw NerveException.invalid("data", "labels", "classification needs at least two distinct labels");
    }
    if (task == ModelTaskType.MODEL_TASK_TYPE_CLUSTERING && hyperparameters.get("clusters") > table.examples().size()) {
      throw NerveException.invalid("data.hyperparameters.clusters", "range", "must be at most the number of examples");
    }
    if (table.examples().size() < 2) {
      throw NerveException.invalid("data", "min", "must hold at least two examples");
    }
    String name = request.getName().isEmpty() ? modelId : request.getName();
    // The job keeps the validated examples, so a dataset replaced meanwhile changes nothing.
    TrainModelRequest stored =
        request.toBuilder()
            .setTaskType(task)
            .setAlgorithm(algorithm)
            .setData(
                trainingData.toBuilder()
                    .clearSource()
                    .setExamples(ExampleBatch.newBuilder().addAllExamples(table.examples()))
                    .clearFeatures()
                    .addAllFeatures(table.schema()))
            .build();
    return new Validated(task, algorithm, name, table, stored);
  }

  /** Runs one attempt of a job; failures of the data or algorithm fail the job, not the worker. */
  void run(String jobId) {
    UUID id = UUID.fromString(jobId);
    Optional<ModelRepository.Claimed> claimed = repository.claim(id);
    if (claimed.isEmpty()) {
      return; // finished, or deleted with its model
    }
    ModelRepository.Claimed job = claimed.get();
    events.publish(jobChanged(jobId));
    try {
      TrainModelRequest request = TrainModelRequest.parseFrom(job.request());
      var trainingData = request.getData();
      TabularData table = data.inline("data.examples.examples", trainingData.getExamples().getExamplesList(), trainingData.getFeaturesList());
      Map<String, Double> hyperparameters = Algorithms.resolve(request.getTaskType(), request.getAlgorithm(), trainingData.getHyperparametersMap());
      long seed = trainingData.getSeed() == 0 ? 1 : trainingData.getSeed();
      long algorithmSeed = trainingData.getAlgorithmSeed() == 0 ? seed : trainingData.getAlgorithmSeed();
      ModelTrainer.Outcome outcome =
          ModelTrainer.train(
              new ModelTrainer.Request(
                  request.getTaskType(), request.getAlgorithm(), hyperparameters, table, trainingData.getValidationSplit(), trainingData.getFolds(), seed, algorithmSeed),
              (phase, fraction) -> {
                if (repository.progress(id, job.attempt(), phase, fraction)) {
                  events.publish(jobChanged(jobId));
                }
              });
      Instant trainedAt = Times.now();
      ModelVersion info =
          outcome.info().toBuilder()
              .setModelId(job.modelId())
              .setVersion(job.version())
              .setTrainingJobId(jobId)
              .setTrainedAt(Times.proto(trainedAt))
              .build();
      Evaluation evaluation =
          Evaluation.newBuilder()
              .setModelId(job.modelId())
              .setModelVersion(job.version())
              .putAllMetrics(outcome.metrics())
              .setDatasetSize(outcome.holdout().isEmpty() ? table.examples().size() : outcome.holdout().size())
              .setEvaluatedAt(Times.proto(trainedAt))
              .setSourceKind(info.getValidation())
              .mergeFrom(outcome.confusion() == null ? Evaluation.getDefaultInstance() : Evaluation.newBuilder().setConfusionMatrix(outcome.confusion()).build())
              .build();
      boolean activated =
          Boolean.TRUE.equals(
              tx.execute(
                  status -> {
                    if (repository.lockModel(job.tenantId(), job.modelId()).isEmpty()) {
                      return false; // deleted meanwhile
                    }
                    repository.insertVersion(
                        job.tenantId(), job.modelId(), info, ExampleBatch.newBuilder().addAllExamples(outcome.holdout()).build().toByteArray(),
                        evaluation, outcome.bytes());
                    if (!repository.finish(id, job.attempt(), TrainingJobStatus.TRAINING_JOB_STATUS_SUCCEEDED, "", outcome.metrics())) {
                      status.setRollbackOnly();
                      return false; // another attempt owns the job now
                    }
                    if (request.getKeepActiveVersion()) {
                      repository.setStatus(job.tenantId(), job.modelId(), ModelStatus.MODEL_STATUS_READY, "");
                      return false;
                    }
                    repository.activate(job.tenantId(), job.modelId(), job.version());
                    return true;
                  }));
      if (activated) {
        events.publish(ModelCache.changed(job.tenantId(), job.modelId()));
      }
    } catch (NerveException | IllegalArgumentException | IllegalStateException | InvalidProtocolBufferException e) {
      fail(job, id, e.getMessage());
    } catch (DataIntegrityViolationException e) {
      log.info("training job {} ended without a version: its model is gone", jobId);
    } catch (RuntimeException e) {
      log.error("training job {} failed", jobId, e);
      fail(job, id, "internal error");
    } finally {
      events.publish(jobChanged(jobId));
    }
  }

  private void fail(ModelRepository.Claimed job, UUID id, String message) {
    String error = message == null || message.isBlank() ? "training failed" : message;
    tx.executeWithoutResult(
        status -> {
          if (repository.finish(id, job.attempt(), TrainingJobStatus.TRAINING_JOB_STATUS_FAILED, error, Map.of())) {
            repository.setStatus(job.tenantId(), job.modelId(), ModelStatus.MODEL_STATUS_FAILED, error);
          }
        });
  }
}
