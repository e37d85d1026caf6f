package dev.nerve.learning.patterns;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.nerve.api.learning.v1.ActivityEvent;
import dev.nerve.api.learning.v1.IdentifyPatternsRequest;
import dev.nerve.api.learning.v1.IdentifyPatternsResponse;
import dev.nerve.api.learning.v1.MiningJob;
import dev.nerve.api.learning.v1.MiningJobStatus;
import dev.nerve.learning.support.BackgroundJobs;
import dev.nerve.learning.support.Times;
import dev.nerve.platform.error.NerveException;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Identifications too large for a synchronous call: the request is kept in {@code
 * learning.mining_job} and run by a background job on any replica; the result is kept with it.
 */
final class MiningJobs {

  /** db-scheduler task name. */
  static final String TASK = "learning-mining";

  private static final Logger log = LoggerFactory.getLogger(MiningJobs.class);

  private final JdbcTemplate jdbc;
  private final TransactionTemplate tx;
  private final Supplier<BackgroundJobs> jobs;
  private final Identification identification;

  MiningJobs(JdbcTemplate jdbc, TransactionTemplate tx, Supplier<BackgroundJobs> jobs, Identification identification) {
    this.jdbc = jdbc;
    this.tx = tx;
    this.jobs = jobs;
    this.identification = identification;
  }

  /** Queues {@code request} for {@code userId}; for activity, {@code window} is already resolved. */
  MiningJob submit(String tenantId, String userId, IdentifyPatternsRequest request) {
    UUID id = UUID.randomUUID();
    tx.executeWithoutResult(
        status -> {
          jdbc.update(
              "insert into learning.mining_job (tenant_id, id, user_id, status, request) values (?, ?, ?, ?, ?)",
              tenantId, id, userId, MiningJobStatus.MINING_JOB_STATUS_QUEUED.name(), request.toByteArray());
          jobs.get().schedule(TASK, id.toString());
        });
    return get(tenantId, userId, id.toString()).orElseThrow();
  }

  /** Runs the job {@code id}; a failure of the input itself fails the job, not the worker. */
  void run(String id) {
    record Row(String tenantId, String userId, byte[] request) {}
    Optional<Row> row =
        jdbc.query(
                "update learning.mining_job set status = ? where id = ? and status in (?, ?) returning tenant_id, user_id, request",
                (rs, n) -> new Row(rs.getString(1), rs.getString(2), rs.getBytes(3)),
                MiningJobStatus.MINING_JOB_STATUS_RUNNING.name(),
                UUID.fromString(id),
                MiningJobStatus.MINING_JOB_STATUS_QUEUED.name(),
                MiningJobStatus.MINING_JOB_STATUS_RUNNING.name())
            .stream()
            .findFirst();
    if (row.isEmpty()) {
      return; // deleted (user forgotten) or already finished
    }
    try {
      IdentifyPatternsRequest request = IdentifyPatternsRequest.parseFrom(row.get().request());
      List<ActivityEvent> events = List.of();
      Identification.Window window = null;
      if (request.getDataCase() == IdentifyPatternsRequest.DataCase.ACTIVITY) {
        String user = request.getActivity().getWholeTenant() ? null : row.get().userId();
        window = Identification.window(row.get().tenantId(), user, request.getActivity());
        events = identification.events(window, identification.limits().maxItems() + 1);
        if (events.size() > identification.limits().maxItems()) {
          throw NerveException.invalid("activity", "max", "the window holds more than " + identification.limits().maxItems() + " events");
        }
      }
      var patterns = identification.run(row.get().tenantId(), row.get().userId(), request, events, window);
      finish(id, MiningJobStatus.MINING_JOB_STATUS_SUCCEEDED, IdentifyPatternsResponse.newBuilder().addAllPatterns(patterns).build(), "");
    } catch (NerveException | InvalidProtocolBufferException e) {
      finish(id, MiningJobStatus.MINING_JOB_STATUS_FAILED, null, e.getMessage());
    } catch (RuntimeException e) {
      log.error("mining job {} failed", id, e);
      finish(id, MiningJobStatus.MINING_JOB_STATUS_FAILED, null, "internal error");
    }
  }

  private void finish(String id, MiningJobStatus status, IdentifyPatternsResponse result, String error) {
    jdbc.update(
        "update learning.mining_job set status = ?, result = ?, error = ?, finished_at = now() where id = ?",
        status.name(), result == null ? null : result.toByteArray(), error, UUID.fromString(id));
  }

  Optional<MiningJob> get(String tenantId, String userId, String id) {
    UUID uuid = PatternRepository.uuid(id);
    if (uuid == null) {
      return Optional.empty();
    }
    return jdbc.query(
            "select * from learning.mining_job where tenant_id = ? and user_id = ? and id = ?",
            (rs, n) -> {
              MiningJob.Builder job =
                  MiningJob.newBuilder()
                      .setId(rs.getString("id"))
                      .setStatus(MiningJobStatus.valueOf(rs.getString("status")))
                      .setError(rs.getString("error"))
                      .setCreatedAt(Times.proto(Times.read(rs, "created_at")));
              if (rs.getTimestamp("finished_at") != null) {
                job.setFinishedAt(Times.proto(Times.read(rs, "finished_at")));
              }
              byte[] result = rs.getBytes("result");
              if (result != null) {
                try {
                  job.addAllPatterns(IdentifyPatternsResponse.parseFrom(result).getPatternsList());
                } catch (InvalidProtocolBufferException e) {
                  throw new java.sql.SQLException("unreadable mining result", e);
                }
              }
              return job.build();
            },
            tenantId, userId, uuid)
        .stream()
        .findFirst();
  }
}
