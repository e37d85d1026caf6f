package dev.nerve.gateway.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nerve.gateway.GatewayClient;
import dev.nerve.gateway.MemorySurfaceTest;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.spec.McpSchema;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Nerve's MCP server at /mcp through the MCP Java SDK's client: the tools and their input
 * schemas, memory search as a tool call under the caller's identity, refusals as tool errors, and
 * anonymous requests refused before MCP.
 */
class McpServerIT extends MemorySurfaceTest {

  private McpSyncClient client(String bearer) {
    HttpRequest.Builder requests = HttpRequest.newBuilder();
    if (bearer != null) {
      requests.header("Authorization", "Bearer " + bearer);
    }
    McpSyncClient mcp = McpClient.sync(
            HttpClientStreamableHttpTransport.builder("http://localhost:" + port).endpoint("/mcp").requestBuilder(requests).build())
        .requestTimeout(Duration.ofSeconds(60))
        .clientInfo(McpSchema.Implementation.builder("nerve-test", "1").build())
        .build();
    mcp.initialize();
    return mcp;
  }

  @Test
  void anAgentListsToolsAndSearchesMemoryOverMcp() {
    client.post("/api/v1/memory/long-term", token,
        Map.of("text", "The staging database is restored every Friday night", "scope", scope()));

    try (McpSyncClient mcp = client(token)) {
      List<McpSchema.Tool> tools = mcp.listTools().tools();
      assertThat(tools).extracting(McpSchema.Tool::name).containsExactlyInAnyOrder(
          "memory_store", "memory_search", "context_get", "context_update",
          "workflow_list", "workflow_execute", "workflow_run_status", "action_execute");
      McpSchema.Tool search = tools.stream().filter(t -> t.name().equals("memory_search")).findFirst().orElseThrow();
      assertThat(String.valueOf(search.inputSchema().get("properties"))).contains("query=", "scope=", "metadataEquals=");

      McpSchema.CallToolResult found = mcp.callTool(McpSchema.CallToolRequest.builder("memory_search")
          .arguments(Map.of("query", "when is staging restored", "scope", scope())).build());
      assertThat(found.isError()).as(String.valueOf(found.content())).isFalse();
      assertThat(found.structuredContent().toString()).contains("restored every Friday night");

      McpSchema.CallToolResult typo = mcp.callTool(McpSchema.CallToolRequest.builder("memory_search")
          .arguments(Map.of("query", "x", "scope", Map.of("session", "nope"))).build());
      assertThat(typo.isError()).isTrue();
      // The MCP server checks the arguments against the tool's input schema before the binder does.
      assertThat(((McpSchema.TextContent) typo.content().get(0)).text()).contains("/scope").contains("session");

      McpSchema.CallToolResult workflows = mcp.callTool(McpSchema.CallToolRequest.builder("workflow_list").arguments(Map.of()).build());
      assertThat(workflows.isError()).isTrue();
      assertThat(((McpSchema.TextContent) workflows.content().get(0)).text()).contains("automation");
    }
  }

  @Test
  void anonymousAndForgedRequestsAreRefused() {
    String initialize = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{\"protocolVersion\":\"2025-06-18\","
        + "\"capabilities\":{},\"clientInfo\":{\"name\":\"x\",\"version\":\"1\"}}}";
    GatewayClient.Response anonymous = client.send("POST", "/mcp", null, initialize,
        Map.of("Accept", "application/json, text/event-stream"));
    GatewayClient.Response forged = client.send("POST", "/mcp", "not-a-token", initialize,
        Map.of("Accept", "application/json, text/event-stream"));

    assertThat(anonymous.status()).isEqualTo(401);
    assertThat(anonymous.header("WWW-Authenticate")).startsWith("Bearer");
    assertThat(forged.status()).isEqualTo(401);
  }
}
