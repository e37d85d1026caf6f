package dev.nerve.sdk.mcp;

import java.util.List;
import java.util.Map;

/**
 * Where an MCP server is: a command started as a process speaking MCP over stdio, or the URL of
 * a streamable HTTP endpoint.
 *
 * @param command executable, or empty
 * @param args its arguments
 * @param env extra environment variables of the process
 * @param url streamable HTTP endpoint, or empty
 */
public record McpTarget(String command, List<String> args, Map<String, String> env, String url) {

  public McpTarget {
    args = List.copyOf(args);
    env = Map.copyOf(env);
  }
}
