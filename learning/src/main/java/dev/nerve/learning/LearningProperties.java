package dev.nerve.learning;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Settings of the learning target (prefix {@code nerve.learning}); each is listed with its
 * default in the README's configuration table.
 *
 * @param activity the activity stream
 * @param patterns pattern mining
 * @param preferences preference learning
 * @param models model training and prediction
 * @param jobs the background job workers (training, large mining runs, retention)
 */
@ConfigurationProperties("nerve.learning")
public record LearningProperties(
    @DefaultValue Activity activity,
    @DefaultValue Patterns patterns,
    @DefaultValue Preferences preferences,
    @DefaultValue Models models,
    @DefaultValue Jobs jobs) {

  /**
   * The activity stream.
   *
   * @param retention how long recorded events are kept
   * @param maxBatch most events one RecordActivities call may carry
   */
  public record Activity(@DefaultValue("90d") Duration retention, @DefaultValue("1000") int maxBatch) {}

  /**
   * Pattern mining.
   *
   * @param syncMaxItems input size (items over all transactions, sequences or events) above which
   *     Identify runs as a background job
   * @param maxItems input size above which Identify fails with INVALID_ARGUMENT
   * @param maxPatterns most patterns one Identify returns
   * @param suggestMinSupport default lowest support of a pattern turned into a workflow draft
   */
  public record Patterns(
      @DefaultValue("20000") int syncMaxItems,
      @DefaultValue("2000000") int maxItems,
      @DefaultValue("1000") int maxPatterns,
      @DefaultValue("0.2") double suggestMinSupport) {}

  /**
   * Preference learning.
   *
   * @param halfLife age at which a signal counts half
   * @param maxSignals most signals one Learn call may carry
   */
  public record Preferences(@DefaultValue("30d") Duration halfLife, @DefaultValue("1000") int maxSignals) {}

  /**
   * Models.
   *
   * @param maxTrainingRows most examples a training run may use
   * @param maxFeatures most features (before one-hot encoding) a dataset may have
   * @param maxPredictBatch most inputs one PredictBatch call may carry
   * @param cacheSize model versions each replica keeps deserialized in memory
   */
  public record Models(
      @DefaultValue("200000") int maxTrainingRows,
      @DefaultValue("200") int maxFeatures,
      @DefaultValue("1000") int maxPredictBatch,
      @DefaultValue("64") int cacheSize) {}

  /**
   * Background jobs (db-scheduler in the learning schema).
   *
   * @param workers jobs one replica runs at once; 0 makes the replica accept jobs but run none
   * @param pollInterval how often an idle replica looks for due jobs
   * @param heartbeatInterval how often a running job proves its replica is alive; a job whose
   *     replica missed 6 heartbeats is taken over by another
   */
  public record Jobs(
      @DefaultValue("1") int workers,
      @DefaultValue("1s") Duration pollInterval,
      @DefaultValue("5s") Duration heartbeatInterval) {}
}
