package dev.nerve.gateway.mcp;

import java.util.List;

/**
 * One tool of Nerve's MCP server: its name, what it does for the agent choosing it, and the
 * contract RPC it runs, whose request message is the tool's input.
 *
 * @param name tool name, e.g. {@code memory_search}
 * @param description what the tool does
 * @param method full RPC name, e.g. {@code nerve.memory.v1.LongTermMemoryService/Search}
 */
record McpTool(String name, String description, String method) {

  /** The tools the command center offers to agents. */
  static final List<McpTool> ALL = List.of(
      new McpTool("memory_store", "Store a long-term memory for the caller (text, tags, importance, metadata).",
          "nerve.memory.v1.LongTermMemoryService/Store"),
      new McpTool("memory_search", "Search the caller's long-term memories (hybrid keyword and semantic search).",
          "nerve.memory.v1.LongTermMemoryService/Search"),
      new McpTool("context_get", "Read a context by id (optionally one version).",
          "nerve.memory.v1.ContextService/Get"),
      new McpTool("context_update", "Change a context with a JSON merge patch.",
          "nerve.memory.v1.ContextService/Update"),
      new McpTool("workflow_list", "List the tenant's workflows.",
          "nerve.automation.v1.WorkflowService/List"),
      new McpTool("workflow_execute", "Run a workflow and return its execution.",
          "nerve.automation.v1.WorkflowService/Execute"),
      new McpTool("workflow_run_status", "Read one workflow execution (a run) by id.",
          "nerve.automation.v1.WorkflowService/GetExecution"),
      new McpTool("action_execute", "Run a registered action with parameters.",
          "nerve.automation.v1.ActionService/Execute"));
}
