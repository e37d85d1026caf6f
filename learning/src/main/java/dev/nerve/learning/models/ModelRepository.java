package dev.nerve.learning.models;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.nerve.api.learning.v1.Dataset;
import dev.nerve.api.learning.v1.Evaluation;
import dev.nerve.api.learning.v1.ExampleBatch;
import dev.nerve.api.learning.v1.FeatureSpec;
import dev.nerve.api.learning.v1.Model;
import dev.nerve.api.learning.v1.ModelStatus;
import dev.nerve.api.learning.v1.ModelTaskType;
import dev.nerve.api.learning.v1.ModelVersion;
import dev.nerve.api.learning.v1.TrainingJob;
import dev.nerve.api.learning.v1.TrainingJobStatus;
import dev.nerve.learning.support.Json;
import dev.nerve.learning.support.Times;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.JdbcTemplate;

/** Models, their immutable versions, training jobs and datasets in the learning schema. */
final class ModelRepository {

  private final JdbcTemplate jdbc;

  ModelRepository(JdbcTemplate jdbc) {
    this.jdbc = jdbc;
  }

  JdbcTemplate jdbc() {
    return jdbc;
  }

  // --- models

  /** The model row, locked for update. */
  Optional<ModelRow> lockModel(String tenantId, String id) {
    return jdbc.query("select * from learning.model where tenant_id = ? and id = ? for update", ModelRepository::modelRow, tenantId, id)
        .stream()
        .findFirst();
  }

  Optional<ModelRow> model(String tenantId, String id) {
    return jdbc.query("select * from learning.model where tenant_id = ? and id = ?", ModelRepository::modelRow, tenantId, id)
        .stream()
        .findFirst();
  }

  /** Row of {@code learning.model}. */
  record ModelRow(
      String id,
      String name,
      ModelTaskType taskType,
      String algorithm,
      ModelStatus status,
      String statusDetail,
      long activeVersion,
      long latestVersion,
      String lastTrainingJobId,
      Instant createdAt) {}

  private static ModelRow modelRow(ResultSet rs, int n) throws SQLException {
    return new ModelRow(
        rs.getString("id"),
        rs.getString("name"),
        ModelTaskType.valueOf(rs.getString("task_type")),
        rs.getString("algorithm"),
        ModelStatus.valueOf(rs.getString("status")),
        rs.getString("status_detail"),
        rs.getLong("active_version"),
        rs.getLong("latest_version"),
        rs.getString("last_training_job_id"),
        Times.read(rs, "created_at"));
  }

  void insertModel(String tenantId, String id, String name, ModelTaskType type, String algorithm) {
    jdbc.update(
        "insert into learning.model (tenant_id, id, name, task_type, algorithm, status) values (?, ?, ?, ?, ?, ?)",
        tenantId, id, name, type.name(), algorithm, ModelStatus.MODEL_STATUS_TRAINING.name());
  }

  /** Reserves the next version number for a job and marks the model as training. */
  long reserveVersion(String tenantId, String id, String name, String algorithm, String jobId) {
    return jdbc.queryForObject(
        "update learning.model set latest_version = latest_version + 1, status = ?, status_detail = '', name = ?, algorithm = ?,"
            + " last_training_job_id = ?, updated_at = now() where tenant_id = ? and id = ? returning latest_version",
        Long.class,
        ModelStatus.MODEL_STATUS_TRAINING.name(), name, algorithm, jobId, tenantId, id);
  }

  void setStatus(String tenantId, String id, ModelStatus status, String detail) {
    jdbc.update(
        "update learning.model set status = ?, status_detail = ?, updated_at = now() where tenant_id = ? and id = ?",
        status.name(), detail, tenantId, id);
  }

  void activate(String tenantId, String id, long version) {
    jdbc.update(
        "update learning.model set active_version = ?, status = ?, status_detail = '', updated_at = now() where tenant_id = ? and id = ?",
        version, ModelStatus.MODEL_STATUS_READY.name(), tenantId, id);
  }

  boolean deleteModel(String tenantId, String id) {
    jdbc.update("delete from learning.training_job where tenant_id = ? and model_id = ?", tenantId, id);
    return jdbc.update("delete from learning.model where tenant_id = ? and id = ?", tenantId, id) > 0;
  }

  /** Models in name order after the cursor (name, id). */
  List<ModelRow> models(String tenantId, ModelTaskType type, ModelStatus status, String afterName, String afterId, int limit) {
    StringBuilder sql = new StringBuilder("select * from learning.model where tenant_id = ?");
    List<Object> params = new ArrayList<>(List.of(tenantId));
    if (type != ModelTaskType.MODEL_TASK_TYPE_UNSPECIFIED) {
      sql.append(" and task_type = ?");
      params.add(type.name());
    }
    if (status != ModelStatus.MODEL_STATUS_UNSPECIFIED) {
      sql.append(" and status = ?");
      params.add(status.name());
    }
    if (afterName != null) {
      sql.append(" and (name, id) > (?, ?)");
      params.add(afterName);
      params.add(afterId);
    }
    sql.append(" order by name, id limit ?");
    params.add(limit);
    return jdbc.query(sql.toString(), ModelRepository::modelRow, params.toArray());
  }

  // --- versions

  /** Inserts a version unless the job already wrote it (a revived job); returns whether it did. */
  boolean insertVersion(String tenantId, String modelId, ModelVersion info, byte[] holdout, Evaluation evaluation, byte[] model) {
    return jdbc.update(
            "insert into learning.model_version (tenant_id, model_id, version, info, holdout, evaluation, model, trained_at)"
                + " values (?, ?, ?, ?, ?, ?, ?, ?) on conflict do nothing",
            tenantId, modelId, info.getVersion(), info.toByteArray(), holdout, evaluation == null ? null : evaluation.toByteArray(), model,
            Times.sql(Times.instant(info.getTrainedAt())))
        > 0;
  }

  Optional<ModelVersion> version(String tenantId, String modelId, long version) {
    return jdbc.query(
            "select info from learning.model_version where tenant_id = ? and model_id = ? and version = ?",
            (rs, n) -> parseVersion(rs.getBytes(1)), tenantId, modelId, version)
        .stream()
        .findFirst();
  }

  /** The serialized Tribuo model of a version. */
  Optional<byte[]> modelBytes(String tenantId, String modelId, long version) {
    return jdbc.query(
            "select model from learning.model_version where tenant_id = ? and model_id = ? and version = ?",
            (rs, n) -> rs.getBytes(1), tenantId, modelId, version)
        .stream()
        .findFirst();
  }

  /** The held-out examples and stored evaluation of a version. */
  record Validation(ExampleBatch holdout, Evaluation evaluation) {}

  Optional<Validation> validation(String tenantId, String modelId, long version) {
    return jdbc.query(
            "select holdout, evaluation from learning.model_version where tenant_id = ? and model_id = ? and version = ?",
            (rs, n) -> {
              try {
                byte[] holdout = rs.getBytes(1);
                byte[] evaluation = rs.getBytes(2);
                return new Validation(
                    holdout == null ? ExampleBatch.getDefaultInstance() : ExampleBatch.parseFrom(holdout),
                    evaluation == null ? null : Evaluation.parseFrom(evaluation));
              } catch (InvalidProtocolBufferException e) {
                throw new SQLException("unreadable version", e);
              }
            },
            tenantId, modelId, version)
        .stream()
        .findFirst();
  }

  List<ModelVersion> versions(String tenantId, String modelId, Long before, int limit) {
    String sql =
        "select info from learning.model_version where tenant_id = ? and model_id = ?"
            + (before == null ? "" : " and version < ?")
            + " order by version desc limit ?";
    Object[] params = before == null ? new Object[] {tenantId, modelId, limit} : new Object[] {tenantId, modelId, before, limit};
    return jdbc.query(sql, (rs, n) -> parseVersion(rs.getBytes(1)), params);
  }

  private static ModelVersion parseVersion(byte[] bytes) {
    try {
      return ModelVersion.parseFrom(bytes);
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException("unreadable model version", e);
    }
  }

  /** The API view of a model, with its active version's details. */
  Model view(String tenantId, ModelRow row) {
    Model.Builder model =
        Model.newBuilder()
            .setId(row.id())
            .setName(row.name())
            .setTaskType(row.taskType())
            .setAlgorithm(row.algorithm())
            .setStatus(row.status())
            .setStatusDetail(row.statusDetail())
            .setVersion(row.activeVersion())
            .setLatestVersion(row.latestVersion())
            .setLastTrainingJobId(row.lastTrainingJobId())
            .setCreatedAt(Times.proto(row.createdAt()));
    if (row.activeVersion() > 0) {
      version(tenantId, row.id(), row.activeVersion())
          .ifPresent(
              v ->
                  model
                      .addAllFeatureSchema(v.getFeatureSchemaList())
                      .addAllLabels(v.getLabelsList())
                      .putAllMetrics(v.getMetricsMap())
                      .putAllHyperparameters(v.getHyperparametersMap())
                      .setAlgorithm(v.getAlgorithm())
                      .setTrainedAt(v.getTrainedAt()));
    }
    return model.build();
  }

  // --- training jobs

  void insertJob(String tenantId, UUID id, String modelId, long version, byte[] request, String requestId) {
    jdbc.update(
        "insert into learning.training_job (tenant_id, id, model_id, model_version, status, request, request_id) values (?, ?, ?, ?, ?, ?, ?)",
        tenantId, id, modelId, version, TrainingJobStatus.TRAINING_JOB_STATUS_QUEUED.name(), request, requestId);
  }

  Optional<TrainingJob> jobByRequestId(String tenantId, String modelId, String requestId) {
    return jdbc.query(
            "select * from learning.training_job where tenant_id = ? and model_id = ? and request_id = ?",
            ModelRepository::jobRow, tenantId, modelId, requestId)
        .stream()
        .findFirst();
  }

  Optional<TrainingJob> job(String tenantId, String id) {
    UUID uuid;
    try {
      uuid = UUID.fromString(id);
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
    return jdbc.query("select * from learning.training_job where tenant_id = ? and id = ?", ModelRepository::jobRow, tenantId, uuid)
        .stream()
        .findFirst();
  }

  /** A job picked by a worker: its tenant, request and attempt number. */
  record Claimed(String tenantId, String modelId, long version, byte[] request, int attempt) {}

  /** Marks a queued (or revived running) job as running for a new attempt. */
  Optional<Claimed> claim(UUID id) {
    return jdbc.query(
            "update learning.training_job set status = ?, phase = 'loading', progress = 0.01, attempt = attempt + 1, started_at = now()"
                + " where id = ? and status in (?, ?) returning tenant_id, model_id, model_version, request, attempt",
            (rs, n) -> new Claimed(rs.getString(1), rs.getString(2), rs.getLong(3), rs.getBytes(4), rs.getInt(5)),
            TrainingJobStatus.TRAINING_JOB_STATUS_RUNNING.name(), id,
            TrainingJobStatus.TRAINING_JOB_STATUS_QUEUED.name(), TrainingJobStatus.TRAINING_JOB_STATUS_RUNNING.name())
        .stream()
        .findFirst();
  }

  /** Records progress of the attempt; false when the job was taken over or deleted meanwhile. */
  boolean progress(UUID id, int attempt, String phase, double progress) {
    return jdbc.update(
            "update learning.training_job set phase = ?, progress = ? where id = ? and attempt = ? and status = ?",
            phase, progress, id, attempt, TrainingJobStatus.TRAINING_JOB_STATUS_RUNNING.name())
        > 0;
  }

  /** Ends the attempt; false when the job was taken over or deleted meanwhile. */
  boolean finish(UUID id, int attempt, TrainingJobStatus status, String error, Map<String, Double> metrics) {
    com.google.protobuf.Struct.Builder json = com.google.protobuf.Struct.newBuilder();
    metrics.forEach((k, v) -> json.putFields(k, Json.number(v)));
    return jdbc.update(
            "update learning.training_job set status = ?, phase = ?, progress = ?, error = ?, metrics = ?::jsonb, finished_at = now()"
                + " where id = ? and attempt = ? and status = ?",
            status.name(), status == TrainingJobStatus.TRAINING_JOB_STATUS_SUCCEEDED ? "done" : "failed",
            status == TrainingJobStatus.TRAINING_JOB_STATUS_SUCCEEDED ? 1.0 : 0.0, error, Json.print(json), id, attempt,
            TrainingJobStatus.TRAINING_JOB_STATUS_RUNNING.name())
        > 0;
  }

  private static TrainingJob jobRow(ResultSet rs, int n) throws SQLException {
    TrainingJob.Builder job =
        TrainingJob.newBuilder()
            .setId(rs.getString("id"))
            .setModelId(rs.getString("model_id"))
            .setModelVersion(rs.getLong("model_version"))
            .setStatus(TrainingJobStatus.valueOf(rs.getString("status")))
            .setError(rs.getString("error"))
            .setCreatedAt(Times.proto(Times.read(rs, "created_at")))
            .setProgress(rs.getDouble("progress"))
            .setPhase(rs.getString("phase"))
            .setAttempt(rs.getInt("attempt"));
    if (rs.getTimestamp("started_at") != null) {
      job.setStartedAt(Times.proto(Times.read(rs, "started_at")));
    }
    if (rs.getTimestamp("finished_at") != null) {
      job.setFinishedAt(Times.proto(Times.read(rs, "finished_at")));
    }
    Json.struct(rs.getString("metrics")).getFieldsMap().forEach((k, v) -> job.putMetrics(k, v.getNumberValue()));
    return job.build();
  }

  // --- datasets

  void upsertDataset(String tenantId, String id, String name, TabularData data) {
    ExampleBatch body = ExampleBatch.newBuilder().addAllExamples(data.examples()).build();
    dev.nerve.api.learning.v1.Dataset schema = dev.nerve.api.learning.v1.Dataset.newBuilder().addAllFeatureSchema(data.schema()).build();
    jdbc.update(
        "insert into learning.dataset (tenant_id, id, name, row_count, schema, body, data_hash) values (?, ?, ?, ?, ?, ?, ?)"
            + " on conflict (tenant_id, id) do update set name = excluded.name, row_count = excluded.row_count, schema = excluded.schema,"
            + " body = excluded.body, data_hash = excluded.data_hash, created_at = now()",
        tenantId, id, name, data.examples().size(), schema.toByteArray(), body.toByteArray(), data.hash());
  }

  Optional<Dataset> dataset(String tenantId, String id) {
    return jdbc.query("select id, name, row_count, schema, data_hash, created_at from learning.dataset where tenant_id = ? and id = ?",
            ModelRepository::datasetRow, tenantId, id)
        .stream()
        .findFirst();
  }

  /** The examples of a stored dataset and its declared schema. */
  record StoredData(ExampleBatch examples, List<FeatureSpec> schema) {}

  Optional<StoredData> datasetBody(String tenantId, String id) {
    return jdbc.query(
            "select body, schema from learning.dataset where tenant_id = ? and id = ?",
            (rs, n) -> {
              try {
                return new StoredData(
                    ExampleBatch.parseFrom(rs.getBytes(1)), Dataset.parseFrom(rs.getBytes(2)).getFeatureSchemaList());
              } catch (InvalidProtocolBufferException e) {
                throw new SQLException("unreadable dataset", e);
              }
            },
            tenantId, id)
        .stream()
        .findFirst();
  }

  List<Dataset> datasets(String tenantId, String afterId, int limit) {
    return afterId == null
        ? jdbc.query("select id, name, row_count, schema, data_hash, created_at from learning.dataset where tenant_id = ? order by id limit ?",
            ModelRepository::datasetRow, tenantId, limit)
        : jdbc.query("select id, name, row_count, schema, data_hash, created_at from learning.dataset where tenant_id = ? and id > ? order by id limit ?",
            ModelRepository::datasetRow, tenantId, afterId, limit);
  }

  boolean deleteDataset(String tenantId, String id) {
    return jdbc.update("delete from learning.dataset where tenant_id = ? and id = ?", tenantId, id) > 0;
  }

  private static Dataset datasetRow(ResultSet rs, int n) throws SQLException {
    try {
      return Dataset.newBuilder()
          .setId(rs.getString("id"))
          .setName(rs.getString("name"))
          .setRowCount(rs.getLong("row_count"))
          .addAllFeatureSchema(Dataset.parseFrom(rs.getBytes("schema")).getFeatureSchemaList())
          .setDataHash(rs.getString("data_hash"))
          .setCreatedAt(Times.proto(Times.read(rs, "created_at")))
          .build();
    } catch (InvalidProtocolBufferException e) {
      throw new SQLException("unreadable dataset", e);
    }
  }
}
