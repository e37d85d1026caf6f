package dev.nerve.gateway.security;

import dev.nerve.gateway.error.ClientError;
import dev.nerve.gateway.error.ErrorClass;
import dev.nerve.gateway.error.RestProblems;
import dev.nerve.platform.identity.Identity;
import dev.nerve.platform.identity.IdentityContext;
import io.grpc.Context;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.List;
import java.util.Optional;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.web.filter.OncePerRequestFilter;
import tools.jackson.databind.json.JsonMapper;

/**
 * The gateway's front door for every HTTP request: security headers, the body size limit, and
 * authentication. A request with a credential becomes its identity (attached to the gRPC {@link
 * Context} for the request and to the request as a {@link Caller}); an invalid credential is 401;
 * a request without one continues anonymously and the operation's permission decides.
 */
public final class GatewayHttpFilter extends OncePerRequestFilter {

  private final Authenticator authenticator;
  private final long maxBodyBytes;
  private final JsonMapper json;

  public GatewayHttpFilter(Authenticator authenticator, long maxBodyBytes, JsonMapper json) {
    this.authenticator = authenticator;
    this.maxBodyBytes = maxBodyBytes;
    this.json = json;
  }

  @Override
  protected void doFilterInternal(
      HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws ServletException, IOException {
    securityHeaders(request, response);
    if (request.getContentLengthLong() > maxBodyBytes) {
      write(
          request,
          response,
          HttpStatus.CONTENT_TOO_LARGE,
          new ClientError(
              ErrorClass.BAD_USER_INPUT,
              "request body exceeds " + maxBodyBytes + " bytes",
              List.of()));
      return;
    }
    String clientIp = request.getRemoteAddr();
    Optional<Identity> identity;
    try {
      identity =
          authenticator.authenticate(
              request.getHeader(HttpHeaders.AUTHORIZATION), request.getHeader("X-API-Key"));
    } catch (RuntimeException e) {
      // A bad credential is 401; a store that cannot check it (database down) is 503, not 401.
      ClientError error = ClientError.ofAny(e);
      if (error.errorClass() == ErrorClass.UNAUTHENTICATED) {
        response.setHeader(HttpHeaders.WWW_AUTHENTICATE, "Bearer error=\"invalid_token\"");
      }
      write(request, response, error.errorClass().httpStatus(), error);
      return;
    }
    Caller caller = identity.map(i -> Caller.of(i, clientIp)).orElseGet(() -> Caller.anonymous(clientIp));
    request.setAttribute(Caller.ATTRIBUTE, caller);
    HttpServletRequest limited = new LimitedBodyRequest(request, maxBodyBytes);
    if (identity.isEmpty()) {
      chain.doFilter(limited, response);
      return;
    }
    Context previous = Context.current().withValue(IdentityContext.KEY, identity.get()).attach();
    try {
      chain.doFilter(limited, response);
    } finally {
      Context.current().detach(previous);
    }
  }

  private static void securityHeaders(HttpServletRequest request, HttpServletResponse response) {
    response.setHeader("X-Content-Type-Options", "nosniff");
    response.setHeader("X-Frame-Options", "DENY");
    response.setHeader("Referrer-Policy", "no-referrer");
    String path = request.getRequestURI();
    if (path.startsWith("/api/") || path.startsWith("/graphql")) {
      response.setHeader("Cache-Control", "no-store");
      response.setHeader("Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'");
    }
    if (request.isSecure()) {
      response.setHeader("Strict-Transport-Security", "max-age=31536000; includeSubDomains");
    }
  }

  private void write(
      HttpServletRequest request, HttpServletResponse response, HttpStatus status, ClientError error)
      throws IOException {
    ProblemDetail problem = RestProblems.body(error);
    problem.setStatus(status.value());
    problem.setTitle(status.getReasonPhrase());
    problem.setInstance(java.net.URI.create(request.getRequestURI()));
    error.retryAfterSeconds().ifPresent(seconds -> response.setHeader(HttpHeaders.RETRY_AFTER, Long.toString(seconds)));
    response.setStatus(status.value());
    response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
    json.writeValue(response.getOutputStream(), problem);
  }

  /** Stops reading a body without Content-Length once it exceeds the limit. */
  private static final class LimitedBodyRequest extends HttpServletRequestWrapper {

    private final long limit;
    private ServletInputStream stream;

    LimitedBodyRequest(HttpServletRequest request, long limit) {
      super(request);
      this.limit = limit;
    }

    @Override
    public ServletInputStream getInputStream() throws IOException {
      if (stream == null) {
        ServletInputStream in = super.getInputStream();
        stream =
            new ServletInputStream() {
              private long read;

              @Override
              public int read() throws IOException {
                int b = in.read();
                if (b >= 0 && ++read > limit) {
                  throw new IOException("request body exceeds " + limit + " bytes");
                }
                return b;
              }

              @Override
              public int read(byte[] buffer, int offset, int length) throws IOException {
                int n = in.read(buffer, offset, length);
                if (n > 0) {
                  read += n;
                  if (read > limit) {
                    throw new IOException("request body exceeds " + limit + " bytes");
                  }
                }
                return n;
              }

              @Override
              public boolean isFinished() {
                return in.isFinished();
              }

              @Override
              public boolean isReady() {
                return in.isReady();
              }

              @Override
              public void setReadListener(ReadListener listener) {
                in.setReadListener(listener);
              }
            };
      }
      return stream;
    }
  }
}
