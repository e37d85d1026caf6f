package dev.nerve.learning.models;

import static dev.nerve.learning.LearningTests.as;
import static dev.nerve.learning.LearningTests.freshTenant;
import static dev.nerve.learning.LearningTests.models;
import static dev.nerve.learning.LearningTests.user;
import static org.assertj.core.api.Assertions.assertThat;

import dev.nerve.api.learning.v1.ActivateModelVersionRequest;
import dev.nerve.api.learning.v1.PredictModelRequest;
import dev.nerve.api.learning.v1.TrainingJob;
import dev.nerve.api.learning.v1.TrainingJobStatus;
import dev.nerve.learning.LearningReplicas;
import dev.nerve.platform.grpc.ChannelFactory;
import dev.nerve.platform.identity.Identity;
import java.time.Duration;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Two learning replicas on one PostgreSQL and Redis: activating or rolling back a version on one
 * reaches the other's prediction cache at once (well inside the cache's 30 s safety expiry).
 */
class ModelReplicasIT {

  private ConfigurableApplicationContext first;
  private ConfigurableApplicationContext second;

  @BeforeEach
  void start() {
    first = LearningReplicas.start();
    second = LearningReplicas.start();
  }

  @AfterEach
  void stop() {
    second.close();
    first.close();
  }

  private long predictedVersion(ConfigurableApplicationContext replica, Identity who) {
    return as(who, () -> models(replica.getBean(ChannelFactory.class)).predict(PredictModelRequest.newBuilder()
        .setModelId("shared").setInput(ModelsIT.flower(6, 3, 5, 2)).build())).getModelVersion();
  }

  @Test
  void activationOnOneReplicaReachesTheOther() {
    Identity alice = user(freshTenant(), "alice");
    TrainingJob v1 = as(alice, () -> models(first.getBean(ChannelFactory.class)).train(TrainingRestartIT.request("shared")));
    assertThat(TrainingRestartIT.awaitFinished(first, alice, v1.getId()).getStatus()).isEqualTo(TrainingJobStatus.TRAINING_JOB_STATUS_SUCCEEDED);
    // Both replicas now hold version 1 as the active one in their caches.
    assertThat(predictedVersion(first, alice)).isEqualTo(1);
    assertThat(predictedVersion(second, alice)).isEqualTo(1);

    TrainingJob v2 = as(alice, () -> models(first.getBean(ChannelFactory.class)).train(
        TrainingRestartIT.request("shared").toBuilder().setKeepActiveVersion(true).build()));
    assertThat(TrainingRestartIT.awaitFinished(first, alice, v2.getId()).getStatus()).isEqualTo(TrainingJobStatus.TRAINING_JOB_STATUS_SUCCEEDED);
    assertThat(predictedVersion(second, alice)).isEqualTo(1);

    as(alice, () -> models(first.getBean(ChannelFactory.class)).activateVersion(
        ActivateModelVersionRequest.newBuilder().setModelId("shared").setVersion(2).build()));
    Awaitility.await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(predictedVersion(second, alice)).isEqualTo(2));

    as(alice, () -> models(second.getBean(ChannelFactory.class)).activateVersion(
        ActivateModelVersionRequest.newBuilder().setModelId("shared").setVersion(1).build()));
    Awaitility.await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(predictedVersion(first, alice)).isEqualTo(1));
  }
}
