package dev.nerve.sdk.extension;

import java.util.List;

/**
 * Which workflows use an extension's actions, so Unload can refuse while they do. The automation
 * contract has no read that answers this yet (a workflow step names its action kind inside the
 * automation service), so the default answers "none known" and Unload relies on the caller; see
 * docs/extensions.md.
 */
public interface ActionUsage {

  /** Names of workflows of the tenant whose steps use an action kind {@code ext:<extensionId>:*}. */
  List<String> workflowsUsing(String tenant, String extensionId);

  /** The answer while the automation contract offers no such read. */
  ActionUsage NONE_KNOWN = (tenant, extensionId) -> List.of();
}
