package dev.nerve.sdk.mcp;

import dev.nerve.platform.error.ErrorCode;
import dev.nerve.platform.error.NerveException;
import dev.nerve.platform.outbound.OutboundGuard;
import java.net.UnknownHostException;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.client.transport.ServerParameters;
import io.modelcontextprotocol.client.transport.StdioClientTransport;
import io.modelcontextprotocol.json.McpJsonDefaults;
import io.modelcontextprotocol.spec.McpClientTransport;
import io.modelcontextprotocol.spec.McpSchema;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Opens MCP client sessions with the MCP Java SDK: a stdio process, only for executables an
 * operator allowed ({@code nerve.sdk.extensions.mcp-commands}), or a streamable HTTP endpoint,
 * with the token of an integration as bearer header (HTTP) or {@code MCP_TOKEN} variable (stdio).
 * The MCP SDK's transport streams over the JDK client, which the guarded client (whole bodies)
 * cannot replace: the URL and every address its host resolves to are checked by the outbound
 * guard before connecting and redirects are not followed, but the JDK client resolves the name
 * again itself (see docs/extensions.md, "MCP over HTTP").
 */
public final class McpConnector {

  private final List<String> allowedCommands;
  private final OutboundGuard guard;
  private final Supplier<HttpClient.Builder> httpClients;

  public McpConnector(List<String> allowedCommands, OutboundGuard guard, Supplier<HttpClient.Builder> httpClients) {
    this.allowedCommands = List.copyOf(allowedCommands);
    this.guard = guard;
    this.httpClients = httpClients;
  }

  /** Whether a stdio command may be started. */
  public boolean allowed(String command) {
    return allowedCommands.contains(command);
  }

  /** Connects, initializes and returns the session; the caller closes it. */
  public McpSession open(McpTarget target, String token, Duration timeout) {
    McpClientTransport transport;
    if (!target.command().isEmpty()) {
      if (!allowed(target.command())) {
        throw NerveException.invalid("mcp.command", "allowed",
            "is not an allowed MCP command (nerve.sdk.extensions.mcp-commands)");
      }
      Map<String, String> env = new HashMap<>(target.env());
      if (token != null && !token.isEmpty()) {
        env.put("MCP_TOKEN", token);
      }
      transport = new StdioClientTransport(
          ServerParameters.builder(target.command()).args(target.args()).env(env).build(), McpJsonDefaults.getMapper());
    } else {
      URI uri = URI.create(target.url());
      guard.check(uri);
      int port = uri.getPort() != -1 ? uri.getPort() : "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
      try {
        guard.resolve(uri.getHost(), port);
      } catch (UnknownHostException e) {
        throw new NerveException(ErrorCode.UNAVAILABLE, "MCP server host " + uri.getHost() + " is unknown (DNS lookup failed)");
      }
      String base = uri.getScheme() + "://" + uri.getRawAuthority();
      String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/mcp" : uri.getRawPath();
      HttpRequest.Builder requests = HttpRequest.newBuilder();
      if (token != null && !token.isEmpty()) {
        requests.header("Authorization", "Bearer " + token);
      }
      transport = HttpClientStreamableHttpTransport.builder(base)
          .endpoint(path)
          .clientBuilder(httpClients.get())
          .requestBuilder(requests)
          .connectTimeout(timeout)
          .build();
    }
    McpSyncClient client = McpClient.sync(transport)
        .requestTimeout(timeout)
        .initializationTimeout(timeout)
        .clientInfo(McpSchema.Implementation.builder("nerve", "1").build())
        .build();
    try {
      client.initialize();
    } catch (RuntimeException e) {
      client.close();
      throw e;
    }
    return new McpSession(client);
  }
}
