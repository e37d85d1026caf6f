package dev.nerve.sdk.extension;

import dev.nerve.api.automation.v1.ActionServiceGrpc;
import dev.nerve.api.automation.v1.ListKindUsagesRequest;
import dev.nerve.platform.grpc.ChannelFactory;
import dev.nerve.platform.target.Target;
import java.util.List;

/**
 * Which workflows use an extension's actions, asked of the automation service over its contract
 * (ActionService/ListKindUsages with the kind prefix {@code ext:<extensionId>:}). A deployment
 * without the automation target has no workflows, so nothing uses the actions; an automation
 * service that is configured but does not answer fails the check (UNAVAILABLE), so Unload does not
 * pull actions from under workflows it cannot see (force still unloads).
 */
final class AutomationActionUsage implements ActionUsage {

  private final ChannelFactory channels;

  AutomationActionUsage(ChannelFactory channels) {
    this.channels = channels;
  }

  @Override
  public List<String> workflowsUsing(String tenant, String extensionId) {
    if (!channels.routes().containsKey(Target.AUTOMATION)) {
      return List.of();
    }
    return ActionServiceGrpc.newBlockingStub(channels.channel(Target.AUTOMATION))
        .listKindUsages(ListKindUsagesRequest.newBuilder().setKindPrefix("ext:" + extensionId + ":").build())
        .getWorkflowIdsList();
  }
}
