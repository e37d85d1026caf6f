package dev.nerve.sdk.mcp;

import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.spec.McpSchema;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** An initialized MCP client session: its tools, tool calls, and closing it (which ends a stdio process). */
public final class McpSession implements AutoCloseable {

  private static final int MAX_TOOL_PAGES = 20;

  private final McpSyncClient client;

  McpSession(McpSyncClient client) {
    this.client = client;
  }

  /** Every tool the server offers (following list cursors, at most 20 pages). */
  public List<McpSchema.Tool> tools() {
    List<McpSchema.Tool> tools = new ArrayList<>();
    String cursor = null;
    for (int page = 0; page < MAX_TOOL_PAGES; page++) {
      McpSchema.ListToolsResult result = cursor == null ? client.listTools() : client.listTools(cursor);
      tools.addAll(result.tools());
      cursor = result.nextCursor();
      if (cursor == null || cursor.isEmpty()) {
        break;
      }
    }
    return tools;
  }

  public McpSchema.CallToolResult call(String tool, Map<String, Object> arguments) {
    return client.callTool(McpSchema.CallToolRequest.builder(tool).arguments(arguments).build());
  }

  /** The server's capabilities as names (tools, resources, prompts, logging). */
  public List<String> capabilities() {
    McpSchema.ServerCapabilities caps = client.getServerCapabilities();
    List<String> names = new ArrayList<>();
    if (caps != null) {
      if (caps.tools() != null) {
        names.add("tools");
      }
      if (caps.resources() != null) {
        names.add("resources");
      }
      if (caps.prompts() != null) {
        names.add("prompts");
      }
      if (caps.logging() != null) {
        names.add("logging");
      }
    }
    return names;
  }

  @Override
  public void close() {
    try {
      client.closeGracefully();
    } finally {
      client.close();
    }
  }
}
