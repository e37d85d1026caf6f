package dev.nerve.gateway.error;

import graphql.ExecutionResult;
import graphql.GraphQLError;
import java.util.List;
import org.reactivestreams.Publisher;
import org.springframework.graphql.server.WebGraphQlInterceptor;
import org.springframework.graphql.server.WebGraphQlRequest;
import org.springframework.graphql.server.WebGraphQlResponse;
import org.springframework.graphql.server.WebSocketGraphQlRequest;
import reactor.core.publisher.Mono;

/**
 * Puts every error of a GraphQL response in the client shape of {@link GraphQlErrors}: errors
 * raised before execution (syntax, unknown fields, wrong argument types) get BAD_USER_INPUT, and no
 * error carries graphql-java's classification. Also refuses
 * subscriptions sent over plain HTTP, which would otherwise answer with a serialized stream.
 */
public final class ErrorCodeInterceptor implements WebGraphQlInterceptor {

  static final String SUBSCRIPTION_OVER_HTTP =
      "subscriptions need the WebSocket transport: connect to /graphql with graphql-transport-ws";

  @Override
  public Mono<WebGraphQlResponse> intercept(WebGraphQlRequest request, Chain chain) {
    boolean webSocket = request instanceof WebSocketGraphQlRequest;
    return chain.next(request).map(response -> normalize(response, webSocket));
  }

  private static WebGraphQlResponse normalize(WebGraphQlResponse response, boolean webSocket) {
    ExecutionResult result = response.getExecutionResult();
    if (!webSocket && result.getData() instanceof Publisher<?>) {
      GraphQLError error = GraphQlErrors.subscriptionOverHttp(SUBSCRIPTION_OVER_HTTP);
      return response.transform(builder -> builder.data(null).errors(List.of(error)));
    }
    if (response.getErrors().isEmpty()) {
      return response;
    }
    return response.transform(builder -> builder.errors(GraphQlErrors.forClients(result.getErrors())));
  }
}
