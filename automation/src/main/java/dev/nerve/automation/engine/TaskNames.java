package dev.nerve.automation.engine;

/** Names of the db-scheduler tasks of the automation engine, as stored in scheduled_tasks. */
public final class TaskNames {

  /** A step attempt ({@code <run>/<step key>/<attempt>}) or step timer ({@code .../wake}, {@code .../timeout}). */
  public static final String STEP = "automation-step";
  /** An execution's overall timeout ({@code <run>}). */
  public static final String RUN_TIMEOUT = "automation-run-timeout";
  /** Cancels an execution, e.g. the children of a cancelled one ({@code <run>}). */
  public static final String RUN_CANCEL = "automation-run-cancel";
  /** The next occurrence of a scheduled task ({@code <tenant>/<task id>}). */
  public static final String TASK_FIRE = "automation-task-fire";
  /** Retention purge, recurring. */
  public static final String MAINTENANCE = "automation-maintenance";

  private TaskNames() {}
}
