package dev.nerve.automation.workflow;

import dev.nerve.api.automation.v1.CronTrigger;
import dev.nerve.automation.support.Principal;

/** What other features do when a workflow changes: its cron trigger's task, its executions. */
public interface WorkflowHooks {

  /** The workflow's current version has this cron trigger (null: none); keeps its task in step. */
  void cronTrigger(Principal owner, String workflowId, CronTrigger cron);

  /** Whether an active task (other than its own cron trigger) schedules the workflow. */
  boolean scheduledByTask(String tenantId, String workflowId);

  /** The workflow was deleted; cancels its running executions when asked. */
  void deleted(Principal caller, String workflowId, boolean cancelRuns);
}
