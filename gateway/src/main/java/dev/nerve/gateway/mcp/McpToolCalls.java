package dev.nerve.gateway.mcp;

import com.google.protobuf.Message;
import dev.nerve.gateway.audit.AuditLog;
import dev.nerve.gateway.audit.TraceIds;
import dev.nerve.gateway.contract.FieldPaths;
import dev.nerve.gateway.contract.ProtoValues;
import dev.nerve.gateway.contract.RequestBinder;
import dev.nerve.gateway.contract.Rpc;
import dev.nerve.gateway.contract.RpcCalls;
import dev.nerve.gateway.error.ClientError;
import dev.nerve.gateway.error.ErrorClass;
import dev.nerve.gateway.security.Caller;
import dev.nerve.gateway.security.Guard;
import dev.nerve.gateway.security.Operation;
import dev.nerve.platform.identity.IdentityContext;
import io.modelcontextprotocol.common.McpTransportContext;
import io.modelcontextprotocol.spec.McpSchema;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import tools.jackson.databind.json.JsonMapper;

/**
 * Runs one MCP tool call as the operation of its RPC, with the same per-RPC facts as GraphQL and
 * REST: the caller (authenticated by the gateway's HTTP filter) must hold the RPC's permission, the
 * call takes the RPC's cost from the caller's rate-limit budget, the arguments are bound to the
 * request by the one {@link RequestBinder} (JSON Schemas included), and an audited RPC is written
 * to the audit log as {@code MCP <tool>}. Failures become tool errors with the public error code
 * and its safe message; a system that does not run in this deployment says so.
 */
final class McpToolCalls {

  /** Transport-context key of the {@link Caller}. */
  static final String CALLER = "nerve.caller";

  private static final JsonMapper JSON = JsonMapper.builder().build();

  private final RequestBinder binder;
  private final RpcCalls calls;
  private final Guard guard;
  private final AuditLog audit;
  private final TraceIds traces;

  McpToolCalls(RequestBinder binder, RpcCalls calls, Guard guard, AuditLog audit, TraceIds traces) {
    this.binder = binder;
    this.calls = calls;
    this.guard = guard;
    this.audit = audit;
    this.traces = traces;
  }

  McpSchema.CallToolResult call(McpTool tool, Rpc rpc, McpTransportContext context, McpSchema.CallToolRequest request) {
    Caller caller = context.get(CALLER) instanceof Caller c ? c : Caller.anonymous("unknown");
    String name = "MCP " + tool.name();
    Operation operation = new Operation(name, rpc.operation().permission(), rpc.operation().cost(), rpc.operation().audit());
    List<String> targets = new ArrayList<>();
    try {
      guard.authorize(name, Optional.of(operation), caller);
      guard.charge(caller, name, operation.cost());
      Map<String, Object> arguments = request.arguments() == null ? Map.of() : request.arguments();
      RequestBinder.Bound bound = binder.bind(rpc.newRequest(), arguments, RequestBinder.Paging.REST, FieldPaths.builder(), false);
      Message response = IdentityContext.callAs(caller.identity(), () -> calls.unary(rpc, bound));
      String id = ProtoValues.resourceId(response);
      if (id != null && !id.isEmpty()) {
        targets.add(id);
      }
      Object shown = ProtoValues.plain(response);
      record(caller, operation, targets, "OK");
      return McpSchema.CallToolResult.builder()
          .structuredContent(shown)
          .addTextContent(JSON.writeValueAsString(shown))
          .isError(false)
          .build();
    } catch (RuntimeException e) {
      ClientError error = ClientError.ofAny(e);
      record(caller, operation, targets, error.errorClass().name());
      return McpSchema.CallToolResult.builder()
          .addTextContent(message(tool, rpc, error))
          .isError(true)
          .build();
    }
  }

  private static String message(McpTool tool, Rpc rpc, ClientError error) {
    if (error.errorClass() == ErrorClass.UNAVAILABLE || error.errorClass() == ErrorClass.NOT_IMPLEMENTED) {
      return error.errorClass().name() + ": tool " + tool.name() + " needs the " + rpc.target().id()
          + " system, which does not serve this request in this deployment (" + error.message() + ")";
    }
    StringBuilder text = new StringBuilder(error.errorClass().name()).append(": ").append(error.message());
    error.violations().forEach(v -> text.append("\n- ").append(v.field()).append(": ").append(v.description()));
    return text.toString();
  }

  private void record(Caller caller, Operation operation, List<String> targets, String result) {
    if (operation.audit() && caller.identity() != null) {
      audit.record(caller.identity().tenantId(), caller.principal(), operation.name(), targets, result, traces.current());
    }
  }
}
