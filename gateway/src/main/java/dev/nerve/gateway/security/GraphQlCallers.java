package dev.nerve.gateway.security;

import dev.nerve.platform.error.ErrorCode;
import dev.nerve.platform.error.NerveException;
import dev.nerve.platform.identity.Identity;
import graphql.parser.ParserOptions;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.Optional;
import org.springframework.graphql.server.WebGraphQlRequest;
import org.springframework.graphql.server.WebGraphQlResponse;
import org.springframework.graphql.server.WebSocketGraphQlInterceptor;
import org.springframework.graphql.server.WebSocketGraphQlRequest;
import org.springframework.graphql.server.WebSocketSessionInfo;
import org.springframework.http.HttpHeaders;
import reactor.core.publisher.Mono;

/**
 * Hands each GraphQL execution its {@link Caller} and parser limits. Over HTTP the caller comes
 * from {@link GatewayHttpFilter}; over WebSocket the client authenticates in {@code
 * connection_init} (payload {@code {"Authorization": "Bearer ..."}} or {@code {"X-API-Key": ...}},
 * or the handshake's headers), and a connection without a valid credential is closed with 4401.
 */
public final class GraphQlCallers implements WebSocketGraphQlInterceptor {

  /** The caller of an execution; anonymous when the transport did not set one. */
  public static Caller caller(graphql.GraphQLContext context) {
    Caller caller = context.get(Caller.class);
    return caller == null ? Caller.anonymous("unknown") : caller;
  }

  private final Authenticator authenticator;
  private final ParserOptions parserOptions;

  public GraphQlCallers(Authenticator authenticator, ParserOptions parserOptions) {
    this.authenticator = authenticator;
    this.parserOptions = parserOptions;
  }

  @Override
  public Mono<WebGraphQlResponse> intercept(WebGraphQlRequest request, Chain chain) {
    Object stored =
        request instanceof WebSocketGraphQlRequest ws
            ? ws.getSessionInfo().getAttributes().get(Caller.ATTRIBUTE)
            : request.getAttributes().get(Caller.ATTRIBUTE);
    Caller caller = stored instanceof Caller c ? c : Caller.anonymous(address(request.getRemoteAddress()));
    request.configureExecutionInput(
        (input, builder) ->
            builder
                .graphQLContext(
                    context -> context.of(Caller.class, caller).of(ParserOptions.class, parserOptions))
                .build());
    return chain.next(request);
  }

  @Override
  public Mono<Object> handleConnectionInitialization(
      WebSocketSessionInfo session, Map<String, Object> payload) {
    Optional<Identity> identity;
    try {
      identity =
          authenticator.authenticate(
              first(payload, "Authorization", "authorization")
                  .or(() -> first(payload, "token").map(t -> "Bearer " + t))
                  .orElse(session.getHeaders().getFirst(HttpHeaders.AUTHORIZATION)),
              first(payload, "X-API-Key", "x-api-key", "apiKey")
                  .orElse(session.getHeaders().getFirst("X-API-Key")));
    } catch (NerveException e) {
      return Mono.error(e);
    }
    if (identity.isEmpty()) {
      return Mono.error(
          new NerveException(ErrorCode.UNAUTHENTICATED, "connection_init carries no credential"));
    }
    session.getAttributes().put(Caller.ATTRIBUTE, Caller.of(identity.get(), address(session.getRemoteAddress())));
    return Mono.empty();
  }

  private static Optional<String> first(Map<String, Object> payload, String... keys) {
    if (payload == null) {
      return Optional.empty();
    }
    for (String key : keys) {
      if (payload.get(key) instanceof String value && !value.isBlank()) {
        return Optional.of(value);
      }
    }
    return Optional.empty();
  }

  private static String address(InetSocketAddress address) {
    return address == null || address.getAddress() == null
        ? "unknown"
        : address.getAddress().getHostAddress();
  }
}
