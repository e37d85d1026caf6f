package dev.nerve.learning.models;

import dev.nerve.api.learning.v1.TrainingJob;
import dev.nerve.api.learning.v1.TrainingJobStatus;
import dev.nerve.learning.support.LearningEvents;
import dev.nerve.platform.concurrent.DaemonThreads;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Streams a training job to a watcher: the current state at once, then every change of status,
 * phase or progress, wherever the job runs. A change announced on {@link LearningEvents} wakes the
 * stream at once; a poll every {@link #POLL_MILLIS} catches a lost announcement. The stream ends
 * after a final state, with NOT_FOUND when the job is deleted with its model, or when the watcher
 * cancels.
 */
final class TrainingWatch implements AutoCloseable {

  static final long POLL_MILLIS = 1000;

  private final LearningEvents events;
  private final ScheduledExecutorService timer =
      Executors.newSingleThreadScheduledExecutor(
          DaemonThreads.named("learning-training-watch"));

  TrainingWatch(LearningEvents events) {
    this.events = events;
  }

  /** Follows the job read by {@code read} (empty when deleted), sending to {@code observer}. */
  void follow(String jobId, Supplier<java.util.Optional<TrainingJob>> read, StreamObserver<TrainingJob> observer) {
    Stream stream = new Stream(read, observer);
    AutoCloseable listener = events.listen(message -> {
      if (message.equals(TrainingJobs.jobChanged(jobId))) {
        timer.execute(stream::check);
      }
    });
    ScheduledFuture<?> poll = timer.scheduleWithFixedDelay(stream::check, POLL_MILLIS, POLL_MILLIS, TimeUnit.MILLISECONDS);
    stream.onEnd(() -> {
      poll.cancel(false);
      try {
        listener.close();
      } catch (Exception e) {
        // removing a listener cannot fail
      }
    });
    if (observer instanceof ServerCallStreamObserver<TrainingJob> server) {
      server.setOnCancelHandler(stream::end);
    }
    timer.execute(stream::check);
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }

  /** One watcher's stream; runs only on the timer thread, so its state needs no locks. */
  private static final class Stream {
    private final Supplier<java.util.Optional<TrainingJob>> read;
    private final StreamObserver<TrainingJob> observer;
    private TrainingJob last;
    private volatile boolean ended;
    private volatile Runnable onEnd = () -> {};

    Stream(Supplier<java.util.Optional<TrainingJob>> read, StreamObserver<TrainingJob> observer) {
      this.read = read;
      this.observer = observer;
    }

    void onEnd(Runnable action) {
      onEnd = action;
    }

    void end() {
      if (!ended) {
        ended = true;
        onEnd.run();
      }
    }

    void check() {
      if (ended) {
        return;
      }
      try {
        java.util.Optional<TrainingJob> job = read.get();
        if (job.isEmpty()) {
          end();
          observer.onError(io.grpc.Status.NOT_FOUND.withDescription("training job deleted").asRuntimeException());
          return;
        }
        TrainingJob current = job.get();
        if (last == null
            || current.getStatus() != last.getStatus()
            || !current.getPhase().equals(last.getPhase())
            || current.getProgress() != last.getProgress()
            || current.getAttempt() != last.getAttempt()) {
          last = current;
          observer.onNext(current);
        }
        if (current.getStatus() == TrainingJobStatus.TRAINING_JOB_STATUS_SUCCEEDED
            || current.getStatus() == TrainingJobStatus.TRAINING_JOB_STATUS_FAILED) {
          end();
          observer.onCompleted();
        }
      } catch (RuntimeException e) {
        end();
        observer.onError(io.grpc.Status.UNAVAILABLE.withDescription("could not read the training job").asRuntimeException());
      }
    }
  }
}
