package dev.nerve.gateway.security;

import graphql.ExecutionResult;
import graphql.analysis.MaxQueryDepthInstrumentation;
import graphql.execution.instrumentation.InstrumentationContext;
import graphql.execution.instrumentation.InstrumentationState;
import graphql.execution.instrumentation.SimpleInstrumentationContext;
import graphql.execution.instrumentation.parameters.InstrumentationExecuteOperationParameters;

/**
 * The depth limit ({@code nerve.gateway.graphql.max-depth}) of application queries; documents that
 * only introspect are bounded by graphql-java's good-faith introspection check instead, so standard
 * tools can load the schema.
 */
public final class QueryDepthLimit extends MaxQueryDepthInstrumentation {

  public QueryDepthLimit(int maxDepth) {
    super(maxDepth);
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
