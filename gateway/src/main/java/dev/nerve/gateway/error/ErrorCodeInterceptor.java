package dev.nerve.gateway.error;

import org.springframework.graphql.server.WebGraphQlInterceptor;
import org.springframework.graphql.server.WebGraphQlRequest;
import org.springframework.graphql.server.WebGraphQlResponse;
import reactor.core.publisher.Mono;

/**
 * Gives errors raised before execution (syntax, unknown fields, wrong argument types) the same
 * {@code extensions.code} contract as errors from services: BAD_USER_INPUT.
 */
public final class ErrorCodeInterceptor implements WebGraphQlInterceptor {

  @Override
  public Mono<WebGraphQlResponse> intercept(WebGraphQlRequest request, Chain chain) {
    return chain
        .next(request)
        .map(
            response ->
                response.getErrors().isEmpty()
                    ? response
                    : response.transform(
                        builder ->
                            builder.errors(
                                GraphQlErrors.withCodes(
                                    response.getExecutionResult().getErrors()))));
  }
}
