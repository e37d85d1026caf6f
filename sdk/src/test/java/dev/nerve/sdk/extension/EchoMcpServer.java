package dev.nerve.sdk.extension;

import io.modelcontextprotocol.json.McpJsonDefaults;
import io.modelcontextprotocol.server.McpServer;
import io.modelcontextprotocol.server.McpServerFeatures;
import io.modelcontextprotocol.server.transport.StdioServerTransportProvider;
import io.modelcontextprotocol.spec.McpSchema;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.FileDescriptor;
import java.io.PrintStream;
import java.util.Map;

/** A tiny MCP server over stdio for tests: one tool, {@code echo}, that returns its text reversed. */
public final class EchoMcpServer {

  private EchoMcpServer() {}

  public static void main(String[] args) throws Exception {
    PrintStream protocol = new PrintStream(new FileOutputStream(FileDescriptor.out), true);
    System.setOut(System.err);
    var transport = new StdioServerTransportProvider(McpJsonDefaults.getMapper(), new FileInputStream(FileDescriptor.in), protocol);
    McpSchema.Tool echo = McpSchema.Tool.builder("echo", Map.of("type", "object", "required", java.util.List.of("text"),
            "properties", Map.of("text", Map.of("type", "string"))))
        .description("Returns the text reversed")
        .build();
    McpServer.sync(transport)
        .serverInfo("echo", "1.0.0")
        .capabilities(McpSchema.ServerCapabilities.builder().tools(true).build())
        .tools(McpServerFeatures.SyncToolSpecification.builder()
            .tool(echo)
            .callHandler((exchange, request) -> McpSchema.CallToolResult.builder()
                .structuredContent(Map.of("reversed", new StringBuilder(String.valueOf(request.arguments().get("text"))).reverse().toString(),
                    "token", System.getenv().getOrDefault("MCP_TOKEN", "")))
                .build())
            .build())
        .build();
    Thread.currentThread().join();
  }
}
