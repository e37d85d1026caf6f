package dev.nerve.gateway.error;

import graphql.ExecutionResult;
import graphql.GraphQLError;
import graphql.execution.AbortExecutionException;
import io.micrometer.common.KeyValue;
import org.springframework.graphql.execution.ErrorType;
import org.springframework.graphql.observation.DefaultExecutionRequestObservationConvention;
import org.springframework.graphql.observation.ExecutionRequestObservationContext;
import org.springframework.graphql.observation.GraphQlObservationDocumentation.ExecutionRequestLowCardinalityKeyNames;

/**
 * The {@code graphql.outcome} of {@code graphql.request} as clients see it: a request refused by a
 * limit, a permission or bad input is {@code REQUEST_ERROR}; only an error the client sees as
 * {@code INTERNAL} is {@code INTERNAL_ERROR}; meters taken while the request still runs ({@code
 * graphql.request.active}, error events) say {@code UNKNOWN} (Spring's default says
 * INTERNAL_ERROR there).
 */
public final class GraphQlOutcomes extends DefaultExecutionRequestObservationConvention {

  private static final KeyValue SUCCESS = KeyValue.of(ExecutionRequestLowCardinalityKeyNames.OUTCOME, "SUCCESS");
  private static final KeyValue REQUEST_ERROR =
      KeyValue.of(ExecutionRequestLowCardinalityKeyNames.OUTCOME, "REQUEST_ERROR");
  private static final KeyValue INTERNAL_ERROR =
      KeyValue.of(ExecutionRequestLowCardinalityKeyNames.OUTCOME, "INTERNAL_ERROR");
  private static final KeyValue UNKNOWN = KeyValue.of(ExecutionRequestLowCardinalityKeyNames.OUTCOME, "UNKNOWN");

  @Override
  protected KeyValue outcome(ExecutionRequestObservationContext context) {
    Throwable error = context.getError();
    if (error != null) {
      return error instanceof AbortExecutionException || ClientError.ofAny(error).errorClass() != ErrorClass.INTERNAL
          ? REQUEST_ERROR
          : INTERNAL_ERROR;
    }
    ExecutionResult result = context.getExecutionResult();
    if (result == null) {
      // Still running: the tags of graphql.request.active and of error events taken mid-request.
      return UNKNOWN;
    }
    if (result.getErrors().isEmpty()) {
      return SUCCESS;
    }
    return result.getErrors().stream().anyMatch(GraphQlOutcomes::internal) ? INTERNAL_ERROR : REQUEST_ERROR;
  }

  private static boolean internal(GraphQLError error) {
    if (ErrorType.INTERNAL_ERROR.equals(error.getErrorType())) {
      return true;
    }
    Object code = error.getExtensions() == null ? null : error.getExtensions().get("code");
    return ErrorClass.INTERNAL.name().equals(code);
  }
}
