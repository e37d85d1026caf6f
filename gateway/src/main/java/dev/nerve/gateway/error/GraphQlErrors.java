package dev.nerve.gateway.error;

import dev.nerve.gateway.ratelimit.RateLimitedException;
import graphql.ErrorClassification;
import graphql.GraphQLError;
import graphql.execution.AbortExecutionException;
import graphql.execution.ResultPath;
import graphql.language.SourceLocation;
import graphql.schema.DataFetchingEnvironment;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.graphql.execution.DataFetcherExceptionResolverAdapter;
import org.springframework.graphql.execution.SubscriptionExceptionResolverAdapter;

/**
 * The one place errors become GraphQL errors. Each carries {@code message}, {@code path},
 * {@code locations} and {@code extensions.code}; bad input also {@code extensions.violations}
 * with field path and rule, a rate limit {@code extensions.retryAfterSeconds}. Nothing else
 * reaches the client: no exception class, no graphql-java classification.
 */
public final class GraphQlErrors {

  private GraphQlErrors() {}

  /**
   * An error as clients see it.
   *
   * @param message safe message
   * @param path result path, or null
   * @param locations document locations, or null
   * @param extensions code, violations and the like
   */
  record ClientGraphQlError(String message, List<Object> path, List<SourceLocation> locations, Map<String, Object> extensions)
      implements GraphQLError {

    @Override
    public String getMessage() {
      return message;
    }

    @Override
    public List<SourceLocation> getLocations() {
      return locations;
    }

    @Override
    public List<Object> getPath() {
      return path;
    }

    @Override
    public ErrorClassification getErrorType() {
      return ErrorClassification.errorClassification(String.valueOf(extensions.get("code")));
    }

    @Override
    public Map<String, Object> getExtensions() {
      return extensions;
    }

    @Override
    public Map<String, Object> toSpecification() {
      Map<String, Object> spec = new LinkedHashMap<>();
      spec.put("message", message);
      if (locations != null && !locations.isEmpty()) {
        spec.put("locations", locations.stream().map(l -> Map.of("line", l.getLine(), "column", l.getColumn())).toList());
      }
      if (path != null) {
        spec.put("path", path);
      }
      spec.put("extensions", extensions);
      return spec;
    }
  }

  /** The GraphQL error of anything a request raised. */
  public static GraphQLError of(Throwable raised, List<Object> path, List<SourceLocation> locations) {
    ClientError error = ClientError.ofAny(raised);
    Map<String, Object> extensions = extensions(error);
    if (raised instanceof RateLimitedException limited) {
      extensions.put("retryAfterSeconds", limited.retryAfterSeconds());
    }
    return new ClientGraphQlError(error.message(), path, locations, extensions);
  }

  /** Stops an execution before it runs with the GraphQL error of {@code raised}. */
  public static AbortExecutionException abort(Throwable raised) {
    return new AbortExecutionException(List.of(of(raised, null, null)));
  }

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

  /** Resolves exceptions thrown by query and mutation data fetchers. */
  public static final class FetcherResolver extends DataFetcherExceptionResolverAdapter {
    @Override
    protected GraphQLError resolveToSingleError(Throwable ex, DataFetchingEnvironment env) {
      ResultPath path = env.getExecutionStepInfo().getPath();
      return of(ex, path.toList(), List.of(env.getField().getSourceLocation()));
    }
  }

  /** Resolves errors that end a subscription stream. */
  public static final class SubscriptionResolver extends SubscriptionExceptionResolverAdapter {
    @Override
    protected GraphQLError resolveToSingleError(Throwable ex) {
      return of(ex, null, null);
    }
  }

  /**
   * Every error of a response in the client shape; errors graphql-java raised before execution
   * (syntax, validation, argument types) have no code and get BAD_USER_INPUT.
   */
  static List<GraphQLError> forClients(List<GraphQLError> errors) {
    return errors.stream().map(GraphQlErrors::forClient).toList();
  }

  private static GraphQLError forClient(GraphQLError error) {
    if (error instanceof ClientGraphQlError) {
      return error;
    }
    Map<String, Object> extensions = new LinkedHashMap<>(error.getExtensions() == null ? Map.of() : error.getExtensions());
    extensions.remove("classification");
    extensions.putIfAbsent("code", ErrorClass.BAD_USER_INPUT.name());
    return new ClientGraphQlError(error.getMessage(), error.getPath(), error.getLocations(), extensions);
  }

  /** The error of a subscription sent over plain HTTP. */
  static GraphQLError subscriptionOverHttp(String message) {
    Map<String, Object> extensions = new LinkedHashMap<>();
    extensions.put("code", ErrorClass.BAD_USER_INPUT.name());
    return new ClientGraphQlError(message, null, null, extensions);
  }
}
