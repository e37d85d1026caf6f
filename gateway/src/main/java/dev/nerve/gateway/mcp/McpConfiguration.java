package dev.nerve.gateway.mcp;

import dev.nerve.gateway.audit.AuditLog;
import dev.nerve.gateway.audit.TraceIds;
import dev.nerve.gateway.contract.Contracts;
import dev.nerve.gateway.contract.RequestBinder;
import dev.nerve.gateway.contract.Rpc;
import dev.nerve.gateway.contract.RpcCalls;
import dev.nerve.gateway.security.Caller;
import dev.nerve.gateway.security.Guard;
import io.modelcontextprotocol.common.McpTransportContext;
import io.modelcontextprotocol.json.McpJsonDefaults;
import io.modelcontextprotocol.server.McpServer;
import io.modelcontextprotocol.server.McpStatelessServerFeatures;
import io.modelcontextprotocol.server.McpStatelessSyncServer;
import io.modelcontextprotocol.server.transport.HttpServletStatelessServerTransport;
import io.modelcontextprotocol.spec.McpSchema;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.info.BuildProperties;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.boot.web.servlet.ServletRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;

/**
 * Nerve as an MCP server: a stateless streamable-HTTP endpoint at {@value #PATH} (MCP Java SDK,
 * any gateway replica can answer any request) whose tools run contract RPCs ({@link McpTool}),
 * each with its input schema derived from the RPC's request ({@link ToolSchemas}). Only
 * authenticated callers get through ({@link McpAuthenticationFilter}); each call is authorized,
 * rate-limited and audited by its RPC's facts ({@link McpToolCalls}).
 */
@Configuration(proxyBeanMethods = false)
public class McpConfiguration {

  /** Path of the MCP endpoint. */
  public static final String PATH = "/mcp";

  @Bean
  HttpServletStatelessServerTransport mcpTransport() {
    return HttpServletStatelessServerTransport.builder()
        .jsonMapper(McpJsonDefaults.getMapper())
        .messageEndpoint(PATH)
        .contextExtractor(request -> {
          Map<String, Object> values = new HashMap<>();
          if (request.getAttribute(Caller.ATTRIBUTE) instanceof Caller caller) {
            values.put(McpToolCalls.CALLER, caller);
          }
          return McpTransportContext.create(values);
        })
        .maxRequestSize(1024 * 1024)
        .build();
  }

  @Bean(destroyMethod = "close")
  McpStatelessSyncServer mcpServer(
      HttpServletStatelessServerTransport transport, Contracts contracts, RequestBinder binder, RpcCalls calls,
      Guard guard, AuditLog audit, TraceIds traces, ObjectProvider<BuildProperties> build) {
    McpToolCalls runner = new McpToolCalls(binder, calls, guard, audit, traces);
    ToolSchemas schemas = new ToolSchemas(contracts.comments());
    List<McpStatelessServerFeatures.SyncToolSpecification> tools = new ArrayList<>();
    for (McpTool tool : McpTool.ALL) {
      Rpc rpc = contracts.rpc(tool.method())
          .orElseThrow(() -> new IllegalStateException("MCP tool " + tool.name() + " names no contract RPC " + tool.method()));
      McpSchema.Tool definition = McpSchema.Tool.builder(tool.name(), schemas.of(rpc.descriptor().getInputType()))
          .description(tool.description())
          .build();
      tools.add(McpStatelessServerFeatures.SyncToolSpecification.builder()
          .tool(definition)
          .callHandler((context, request) -> runner.call(tool, rpc, context, request))
          .build());
    }
    BuildProperties info = build.getIfAvailable();
    return McpServer.sync(transport)
        .serverInfo("nerve", info == null ? "0.1.0-SNAPSHOT" : info.getVersion())
        .instructions("Nerve command center: long-term memory, contexts, workflows and actions of the caller's tenant.")
        .capabilities(McpSchema.ServerCapabilities.builder().tools(false).build())
        .tools(tools)
        .build();
  }

  @Bean
  ServletRegistrationBean<HttpServletStatelessServerTransport> mcpServlet(HttpServletStatelessServerTransport transport) {
    ServletRegistrationBean<HttpServletStatelessServerTransport> registration = new ServletRegistrationBean<>(transport, PATH);
    registration.setName("nerveMcp");
    registration.setAsyncSupported(true);
    return registration;
  }

  @Bean
  FilterRegistrationBean<McpAuthenticationFilter> mcpAuthentication() {
    FilterRegistrationBean<McpAuthenticationFilter> registration = new FilterRegistrationBean<>(new McpAuthenticationFilter());
    registration.addUrlPatterns(PATH);
    // After the gateway's HTTP filter (HIGHEST_PRECEDENCE + 10), which attaches the caller.
    registration.setOrder(Ordered.HIGHEST_PRECEDENCE + 20);
    return registration;
  }
}
