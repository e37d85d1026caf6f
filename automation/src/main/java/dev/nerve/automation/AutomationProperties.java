package dev.nerve.automation;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Settings of the automation target (prefix {@code nerve.automation}); each is listed with its
 * default in the README's configuration table.
 *
 * @param engine the durable execution engine
 * @param limits input and expression limits
 * @param actions action defaults
 * @param retention how long finished executions are kept
 * @param tasks scheduled tasks
 */
@ConfigurationProperties("nerve.automation")
public record AutomationProperties(
    @DefaultValue Engine engine,
    @DefaultValue Limits limits,
    @DefaultValue Actions actions,
    @DefaultValue Retention retention,
    @DefaultValue Tasks tasks) {

  /**
   * The engine: db-scheduler executions claimed from PostgreSQL.
   *
   * @param threads worker threads of this replica (steps running at once)
   * @param pollInterval how often a replica looks for due executions
   * @param heartbeatInterval how often a running execution's heartbeat is written
   * @param missedHeartbeats heartbeats an execution may miss before another replica takes it
   *     over (lease = heartbeatInterval x missedHeartbeats)
   * @param maxStepsPerWorkflow steps of one workflow running at once on this replica (0: no
   *     limit besides threads)
   * @param maxStepsPerKind steps of one action kind running at once on this replica (0: no
   *     limit besides threads)
   * @param maxQueued due steps waiting for a worker (cluster-wide) above which Execute waits
   * @param intakeWait how long Execute waits for the queue to drain below maxQueued before it
   *     answers RESOURCE_EXHAUSTED
   * @param name this replica's name in attempts and db-scheduler; blank uses host and pid
   * @param startBatchSize Execute calls arriving together whose starts share one transaction at
   *     most (group commit; 1 gives each its own)
   * @param startBatches such transactions written at once by this replica
   */
  public record Engine(
      @DefaultValue("16") int threads,
      @DefaultValue("100ms") Duration pollInterval,
      @DefaultValue("2s") Duration heartbeatInterval,
      @DefaultValue("5") int missedHeartbeats,
      @DefaultValue("0") int maxStepsPerWorkflow,
      @DefaultValue("0") int maxStepsPerKind,
      @DefaultValue("10000") int maxQueued,
      @DefaultValue("5s") Duration intakeWait,
      String name,
      @DefaultValue("32") int startBatchSize,
      @DefaultValue("2") int startBatches) {

    /** How long an execution's lease lasts without a heartbeat. */
    public Duration lease() {
      return heartbeatInterval.multipliedBy(missedHeartbeats);
    }
  }

  /**
   * Limits on definitions, payloads and expressions; beyond one a request fails with
   * INVALID_ARGUMENT naming the field.
   *
   * @param maxSteps steps in one workflow
   * @param maxDefinitionBytes a definition as compact JSON
   * @param maxPayloadBytes input, output, parameters or event payload as compact JSON
   * @param maxExpressionChars characters of one CEL expression
   * @param maxExpressionCost static cost estimate of one CEL expression (nodes, with each
   *     comprehension counted as comprehensionMaxIterations passes over its body)
   * @param comprehensionMaxIterations iterations of one CEL comprehension at run time
   * @param maxForEachItems items of one forEach step
   */
  public record Limits(
      @DefaultValue("200") int maxSteps,
      @DefaultValue("262144") int maxDefinitionBytes,
      @DefaultValue("262144") int maxPayloadBytes,
      @DefaultValue("2048") int maxExpressionChars,
      @DefaultValue("100000") long maxExpressionCost,
      @DefaultValue("1000") int comprehensionMaxIterations,
      @DefaultValue("1000") int maxForEachItems) {}

  /**
   * Actions.
   *
   * @param defaultTimeout deadline of a run when the action sets none
   * @param maxTimeout longest deadline an action or step may ask for
   */
  public record Actions(
      @DefaultValue("30s") Duration defaultTimeout, @DefaultValue("15m") Duration maxTimeout) {}

  /**
   * History retention.
   *
   * @param runs how long finished executions (with their steps and attempts) are kept
   * @param purgeInterval how often the purge runs
   */
  public record Retention(
      @DefaultValue("30d") Duration runs, @DefaultValue("10m") Duration purgeInterval) {}

  /**
   * Scheduled tasks.
   *
   * @param misfireThreshold how late an occurrence may fire before it counts as missed (and its
   *     misfire policy applies)
   */
  public record Tasks(@DefaultValue("1m") Duration misfireThreshold) {}
}
