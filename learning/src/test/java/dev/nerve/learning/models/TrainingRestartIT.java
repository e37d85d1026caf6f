package dev.nerve.learning.models;

import static dev.nerve.learning.LearningTests.as;
import static dev.nerve.learning.LearningTests.freshTenant;
import static dev.nerve.learning.LearningTests.models;
import static dev.nerve.learning.LearningTests.user;
import static org.assertj.core.api.Assertions.assertThat;

import dev.nerve.api.learning.v1.GetTrainingJobRequest;
import dev.nerve.api.learning.v1.ModelTaskType;
import dev.nerve.api.learning.v1.TrainModelRequest;
import dev.nerve.api.learning.v1.TrainingData;
import dev.nerve.api.learning.v1.TrainingJob;
import dev.nerve.api.learning.v1.TrainingJobStatus;
import dev.nerve.learning.LearningReplicas;
import dev.nerve.platform.grpc.ChannelFactory;
import dev.nerve.platform.identity.Identity;
import java.time.Duration;
import java.util.UUID;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Training jobs are durable: a job accepted by a replica that stops before running it, or that
 * dies while running it (its heartbeats stop), is run to the end by another replica.
 */
class TrainingRestartIT {

  static TrainModelRequest request(String id) {
    return TrainModelRequest.newBuilder().setModelId(id).setTaskType(ModelTaskType.MODEL_TASK_TYPE_CLASSIFICATION)
        .setData(TrainingData.newBuilder().setCsv(Datasets.csv("iris")).setLabelColumn("species").setSeed(1)).build();
  }

  static TrainingJob awaitFinished(ConfigurableApplicationContext replica, Identity who, String jobId) {
    ChannelFactory channels = replica.getBean(ChannelFactory.class);
    return Awaitility.await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(250))
        .until(() -> as(who, () -> models(channels).getTrainingJob(GetTrainingJobRequest.newBuilder().setId(jobId).build())),
            job -> job.getStatus() == TrainingJobStatus.TRAINING_JOB_STATUS_SUCCEEDED || job.getStatus() == TrainingJobStatus.TRAINING_JOB_STATUS_FAILED);
  }

  @Test
  void aQueuedJobOfAStoppedReplicaRunsOnAnother() {
    Identity alice = user(freshTenant(), "alice");
    TrainingJob accepted;
    // This replica accepts jobs but runs none, then stops.
    try (ConfigurableApplicationContext first = LearningReplicas.start("nerve.learning.jobs.workers=0")) {
      accepted = as(alice, () -> models(first.getBean(ChannelFactory.class)).train(request("restart-queued")));
      assertThat(accepted.getStatus()).isEqualTo(TrainingJobStatus.TRAINING_JOB_STATUS_QUEUED);
    }
    try (ConfigurableApplicationContext second = LearningReplicas.start()) {
      TrainingJob done = awaitFinished(second, alice, accepted.getId());
      assertThat(done.getStatus()).as(done.getError()).isEqualTo(TrainingJobStatus.TRAINING_JOB_STATUS_SUCCEEDED);
      assertThat(done.getAttempt()).isEqualTo(1);
    }
  }

  @Test
  void aRunningJobOfADeadReplicaIsRevivedElsewhere() {
    Identity alice = user(freshTenant(), "alice");
    TrainingJob accepted;
    try (ConfigurableApplicationContext first = LearningReplicas.start("nerve.learning.jobs.workers=0")) {
      accepted = as(alice, () -> models(first.getBean(ChannelFactory.class)).train(request("restart-running")));
      // What a replica killed in the middle of training leaves behind: the job running in its
      // first attempt, the queue entry picked by it, and its last heartbeat long ago.
      JdbcTemplate jdbc = first.getBean(JdbcTemplate.class);
      jdbc.update("update learning.training_job set status = 'TRAINING_JOB_STATUS_RUNNING', attempt = 1, phase = 'training', progress = 0.5 where id = ?",
          UUID.fromString(accepted.getId()));
      assertThat(jdbc.update("update learning.scheduled_tasks set picked = true, picked_by = 'killed-replica',"
          + " last_heartbeat = now() - interval '1 hour', version = version + 1 where task_instance = ?", accepted.getId())).isEqualTo(1);
    }
    try (ConfigurableApplicationContext second = LearningReplicas.start()) {
      TrainingJob done = awaitFinished(second, alice, accepted.getId());
      assertThat(done.getStatus()).as(done.getError()).isEqualTo(TrainingJobStatus.TRAINING_JOB_STATUS_SUCCEEDED);
      assertThat(done.getAttempt()).isEqualTo(2);
      assertThat(done.getModelVersion()).isEqualTo(1);
    }
  }
}
