package dev.nerve.sdk.extension;

import com.google.protobuf.Value;
import dev.nerve.sdk.mcp.McpSession;
import dev.nerve.sdk.support.Json;
import io.modelcontextprotocol.spec.McpSchema;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * An MCP server's session; each of its tools is an action. A tool's result is its structured
 * content when it has some, otherwise its text content (parsed as JSON when it is JSON); a result
 * flagged as an error is an action failure.
 */
final class McpRuntime implements ExtensionRuntime {

  private final McpSession session;
  private final List<Action> actions;
  private final List<String> capabilities;

  McpRuntime(McpSession session) {
    this.session = session;
    List<Action> offered = new ArrayList<>();
    try {
      for (McpSchema.Tool tool : session.tools()) {
        offered.add(new Action(tool.name(), tool.description() == null ? "" : tool.description(),
            tool.inputSchema() == null ? Json.read("{\"type\":\"object\"}") : Json.MAPPER.valueToTree(tool.inputSchema())));
      }
      this.capabilities = session.capabilities();
    } catch (RuntimeException e) {
      session.close();
      throw e;
    }
    this.actions = List.copyOf(offered);
  }

  @Override
  public List<Action> actions() {
    return actions;
  }

  @Override
  public List<String> capabilities() {
    return capabilities;
  }

  @Override
  public Value invoke(String action, Map<String, Object> input, Run run) throws Exception {
    McpSchema.CallToolResult result = session.call(action, input);
    List<String> texts = new ArrayList<>();
    if (result.content() != null) {
      for (McpSchema.Content content : result.content()) {
        if (content instanceof McpSchema.TextContent text) {
          texts.add(text.text());
        }
      }
    }
    if (Boolean.TRUE.equals(result.isError())) {
      throw new ActionFailure(texts.isEmpty() ? "the tool reported an error" : cut(String.join("\n", texts)));
    }
    if (result.structuredContent() != null) {
      return Json.value(Json.MAPPER.valueToTree(result.structuredContent()));
    }
    String joined = String.join("\n", texts);
    try {
      return Json.value(Json.read(joined));
    } catch (IllegalArgumentException notJson) {
      return Value.newBuilder().setStringValue(joined).build();
    }
  }

  private static String cut(String text) {
    return text.length() > 1000 ? text.substring(0, 1000) : text;
  }

  @Override
  public void close() {
    session.close();
  }
}
