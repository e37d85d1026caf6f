package dev.nerve.automation.action;

import com.google.protobuf.Struct;
import dev.nerve.api.automation.v1.Action;
import dev.nerve.automation.support.Times;
import java.time.Duration;
import java.time.Instant;

/**
 * An action as the runner needs it: a built-in kind's own action, or a registered action of a
 * tenant.
 *
 * @param id action id
 * @param name human name
 * @param description what it does
 * @param kindId kind id
 * @param config kind settings merged under the parameters
 * @param inputSchema JSON Schema of the parameters, or null
 * @param outputSchema JSON Schema of the output, or null
 * @param defaults default parameters
 * @param timeout deadline of a run, or null for the configured default
 * @param builtin whether it is a built-in action
 * @param createdAt first registration (null for built-ins)
 * @param updatedAt last registration (null for built-ins)
 */
public record ActionDefinition(
    String id,
    String name,
    String description,
    String kindId,
    Struct config,
    Struct inputSchema,
    Struct outputSchema,
    Struct defaults,
    Duration timeout,
    boolean builtin,
    Instant createdAt,
    Instant updatedAt) {

  /** The contract's view. */
  public Action proto(ActionKind kind) {
    Action.Builder action =
        Action.newBuilder()
            .setId(id)
            .setName(name)
            .setDescription(description)
            .setKindId(kindId)
            .setKind(kind.category())
            .setConfig(config)
            .setDefaults(defaults)
            .setBuiltin(builtin);
    if (inputSchema != null) {
      action.setInputSchema(inputSchema);
    }
    if (outputSchema != null) {
      action.setOutputSchema(outputSchema);
    }
    if (timeout != null) {
      action.setTimeout(Times.proto(timeout));
    }
    if (createdAt != null) {
      action.setCreatedAt(Times.proto(createdAt));
    }
    if (updatedAt != null) {
      action.setUpdatedAt(Times.proto(updatedAt));
    }
    return action.build();
  }
}
