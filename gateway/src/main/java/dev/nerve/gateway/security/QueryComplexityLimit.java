package dev.nerve.gateway.security;

import graphql.ExecutionResult;
import graphql.analysis.MaxQueryComplexityInstrumentation;
import graphql.execution.instrumentation.InstrumentationContext;
import graphql.execution.instrumentation.InstrumentationState;
import graphql.execution.instrumentation.SimpleInstrumentationContext;
import graphql.execution.instrumentation.parameters.InstrumentationExecuteOperationParameters;

/**
 * The complexity limit ({@code nerve.gateway.graphql.max-complexity}) of application queries;
 * documents that only introspect are bounded by graphql-java's good-faith introspection check
 * instead, so standard tools can load the schema.
 */
public final class QueryComplexityLimit extends MaxQueryComplexityInstrumentation {

  public QueryComplexityLimit(int maxComplexity) {
    super(maxComplexity);
  }

  @Override
  public InstrumentationContext<ExecutionResult> beginExecuteOperation(
      InstrumentationExecuteOperationParameters parameters, InstrumentationState state) {
    if (IntrospectionDocuments.introspectionOnly(parameters.getExecutionContext())) {
      return SimpleInstrumentationContext.noOp();
    }
    return super.beginExecuteOperation(parameters, state);
  }
}
