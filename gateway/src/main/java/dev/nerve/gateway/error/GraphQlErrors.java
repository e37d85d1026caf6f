package dev.nerve.gateway.error;

import dev.nerve.gateway.ratelimit.RateLimitedException;
import graphql.ErrorClassification;
import graphql.GraphQLError;
import graphql.GraphqlErrorBuilder;
import graphql.schema.DataFetchingEnvironment;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.graphql.execution.DataFetcherExceptionResolverAdapter;
import org.springframework.graphql.execution.SubscriptionExceptionResolverAdapter;

/**
 * The one place errors become GraphQL errors: every error carries {@code extensions.code}, and bad
 * input also {@code extensions.violations} with field path and rule.
 */
public final class GraphQlErrors {

  private GraphQlErrors() {}

  /** Extensions for a client error. */
  static Map<String, Object> extensions(ClientError error) {
    Map<String, Object> extensions = new LinkedHashMap<>();
    extensions.put("code", error.errorClass().name());
    if (!error.violations().isEmpty()) {
      extensions.put(
          "violations",
          error.violations().stream()
              .map(v -> Map.of("field", v.field(), "rule", v.rule(), "message", v.description()))
              .toList());
    }
    return extensions;
  }

  static ErrorClassification classification(ClientError error) {
    return ErrorClassification.errorClassification(error.errorClass().name());
  }

  /** Resolves exceptions thrown by query and mutation data fetchers. */
  public static final class FetcherResolver extends DataFetcherExceptionResolverAdapter {
    @Override
    protected GraphQLError resolveToSingleError(Throwable ex, DataFetchingEnvironment env) {
      ClientError error = ClientError.ofAny(ex);
      Map<String, Object> extensions = extensions(error);
      if (ex instanceof RateLimitedException limited) {
        extensions.put("retryAfterSeconds", limited.retryAfterSeconds());
      }
      return GraphqlErrorBuilder.newError(env)
          .errorType(classification(error))
          .message(error.message())
          .extensions(extensions)
          .build();
    }
  }

  /** Resolves errors that end a subscription stream. */
  public static final class SubscriptionResolver extends SubscriptionExceptionResolverAdapter {
    @Override
    protected GraphQLError resolveToSingleError(Throwable ex) {
      ClientError error = ClientError.ofAny(ex);
      return GraphqlErrorBuilder.newError()
          .errorType(classification(error))
          .message(error.message())
          .extensions(extensions(error))
          .build();
    }
  }

  /** Error for a request that graphql-java rejected before execution (syntax, validation). */
  static Map<String, Object> requestErrorExtensions(Map<String, Object> existing) {
    Map<String, Object> extensions = new LinkedHashMap<>(existing == null ? Map.of() : existing);
    extensions.putIfAbsent("code", ErrorClass.BAD_USER_INPUT.name());
    return extensions;
  }

  static List<GraphQLError> withCodes(List<GraphQLError> errors) {
    return errors.stream()
        .map(
            e ->
                e.getExtensions() != null && e.getExtensions().containsKey("code")
                    ? e
                    : GraphQLError.newError()
                        .message(e.getMessage())
                        .locations(e.getLocations())
                        .path(e.getPath())
                        .errorType(e.getErrorType())
                        .extensions(requestErrorExtensions(e.getExtensions()))
                        .build())
        .toList();
  }
}
