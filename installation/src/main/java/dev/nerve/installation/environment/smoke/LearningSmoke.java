package dev.nerve.installation.environment.smoke;

import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import dev.nerve.api.learning.v1.DeleteModelRequest;
import dev.nerve.api.learning.v1.GetTrainingJobRequest;
import dev.nerve.api.learning.v1.ModelServiceGrpc;
import dev.nerve.api.learning.v1.ModelTaskType;
import dev.nerve.api.learning.v1.PredictModelRequest;
import dev.nerve.api.learning.v1.Prediction;
import dev.nerve.api.learning.v1.TrainModelRequest;
import dev.nerve.api.learning.v1.TrainingData;
import dev.nerve.api.learning.v1.TrainingJob;
import dev.nerve.api.learning.v1.TrainingJobStatus;
import dev.nerve.installation.environment.Finding;
import dev.nerve.platform.grpc.ChannelFactory;
import dev.nerve.platform.target.Target;
import io.grpc.Channel;

/**
 * Learning works: train a tiny decision tree (one feature, two classes, split at 10) as a
 * background job, predict with it, delete the model with its versions and jobs.
 */
final class LearningSmoke extends SystemSmoke {

  /** How long training may take before the smoke gives up. */
  static final long TRAIN_MILLIS = 30_000;

  LearningSmoke(ChannelFactory channels) {
    super(Target.LEARNING, channels);
  }

  @Override
  public String title() {
    return "Learning trains and predicts a tiny model";
  }

  @Override
  Finding smoke(Channel channel, String where) throws InterruptedException {
    String model = name();
    StringBuilder csv = new StringBuilder("x,label\n");
    for (int x = 0; x < 20; x++) {
      csv.append(x).append(',').append(x < 10 ? "low" : "high").append('\n');
    }
    TrainingJob started =
        step(
            "start training a model",
            () ->
                deadline(ModelServiceGrpc.newBlockingStub(channel))
                    .train(
                        TrainModelRequest.newBuilder()
                            .setModelId(model)
                            .setName("Installation verification probe")
                            .setTaskType(ModelTaskType.MODEL_TASK_TYPE_CLASSIFICATION)
                            .setAlgorithm("cart")
                            .setData(TrainingData.newBuilder().setCsv(csv.toString()).setLabelColumn("label").setSeed(1))
                            .build()));
    Prediction prediction;
    try {
      TrainingJob job = started;
      long giveUp = System.nanoTime() + TRAIN_MILLIS * 1_000_000;
      while (!finished(job.getStatus()) && System.nanoTime() < giveUp) {
        Thread.sleep(100);
        job =
            step(
                "follow the training job",
                () ->
                    deadline(ModelServiceGrpc.newBlockingStub(channel))
                        .getTrainingJob(GetTrainingJobRequest.newBuilder().setId(started.getId()).build()));
      }
      TrainingJob last = job;
      expect(
          last.getStatus() == TrainingJobStatus.TRAINING_JOB_STATUS_SUCCEEDED,
          "train the model",
          "its training job " + last.getId() + " is " + last.getStatus()
              + (last.getError().isEmpty() ? "" : ": " + last.getError())
              + (finished(last.getStatus()) ? "" : " after " + TRAIN_MILLIS / 1000 + " s (are learning's workers running?)"));
      prediction =
          step(
              "predict with the model",
              () ->
                  deadline(ModelServiceGrpc.newBlockingStub(channel))
                      .predict(
                          PredictModelRequest.newBuilder()
                              .setModelId(model)
                              .setInput(Struct.newBuilder().putFields("x", Value.newBuilder().setNumberValue(15).build()))
                              .build()));
      expect(
          "high".equals(prediction.getLabel().getStringValue()),
          "predict the obvious class",
          "x = 15 was predicted " + prediction.getLabel() + ", expected \"high\"");
    } finally {
      step(
          "delete the model it trained (left in tenant " + TENANT + ")",
          () -> deadline(ModelServiceGrpc.newBlockingStub(channel)).delete(DeleteModelRequest.newBuilder().setId(model).build()));
    }
    return Finding.ok("trained a tiny model, predicted with it and deleted it " + where);
  }

  private static boolean finished(TrainingJobStatus status) {
    return status != TrainingJobStatus.TRAINING_JOB_STATUS_QUEUED
        && status != TrainingJobStatus.TRAINING_JOB_STATUS_RUNNING
        && status != TrainingJobStatus.TRAINING_JOB_STATUS_UNSPECIFIED;
  }
}
