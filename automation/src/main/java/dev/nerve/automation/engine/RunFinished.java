package dev.nerve.automation.engine;

/** Told, inside the execution's own transaction, when an execution ends (tasks track their runs). */
public interface RunFinished {

  /** The execution as it ended. */
  void finished(RunRow run);
}
