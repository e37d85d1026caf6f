package dev.nerve.sdk.extension;

import com.google.protobuf.Value;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/** A started extension in this replica: a plugin in its class loader or an MCP session. */
interface ExtensionRuntime extends AutoCloseable {

  /** An action the runtime offers. */
  record Action(String name, String description, JsonNode inputSchema) {}

  /** One run: for whom, with which key, until when, and where its log lines go. */
  record Run(String tenantId, String idempotencyKey, Instant deadline, List<String> logs) {}

  List<Action> actions();

  List<String> capabilities();

  /** Runs an action with validated input; {@link ActionFailure} for failures the caller should see. */
  Value invoke(String action, Map<String, Object> input, Run run) throws Exception;

  @Override
  void close();

  /** A failure an action reports, returned to the caller. */
  final class ActionFailure extends Exception {
    private static final long serialVersionUID = 1L;

    ActionFailure(String message) {
      super(message, null, false, false);
    }
  }
}
