package dev.nerve.gateway.mcp;

import dev.nerve.gateway.security.Caller;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Refuses an MCP request without a credential before the MCP server sees it: 401 with
 * {@code WWW-Authenticate: Bearer}. (The gateway's HTTP filter has already refused an invalid
 * credential and attached the {@link Caller} of a valid one.)
 */
final class McpAuthenticationFilter extends OncePerRequestFilter {

  @Override
  protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws ServletException, IOException {
    if (request.getAttribute(Caller.ATTRIBUTE) instanceof Caller caller && caller.identity() != null) {
      chain.doFilter(request, response);
      return;
    }
    response.setStatus(HttpServletResponse.SC_UNAUTHORIZED);
    response.setHeader("WWW-Authenticate", "Bearer");
    response.setContentType("application/problem+json");
    response.getOutputStream().write(
        ("{\"type\":\"urn:nerve:problem:unauthenticated\",\"title\":\"Unauthorized\",\"status\":401,"
            + "\"detail\":\"authentication required: send Authorization: Bearer <access token or API key>\","
            + "\"code\":\"UNAUTHENTICATED\"}").getBytes(StandardCharsets.UTF_8));
  }
}
