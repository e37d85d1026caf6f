package dev.nerve.sdk.extension;

import java.util.List;

/**
 * Which workflows use an extension's actions, so Unload can refuse while they do. The answer comes
 * from the automation service ({@link AutomationActionUsage}), which knows the workflows.
 */
public interface ActionUsage {

  /** Names of workflows of the tenant whose steps use an action kind {@code ext:<extensionId>:*}. */
  List<String> workflowsUsing(String tenant, String extensionId);
}
