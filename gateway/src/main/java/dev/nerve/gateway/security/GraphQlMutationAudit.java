package dev.nerve.gateway.security;

import com.google.protobuf.Message;
import dev.nerve.gateway.audit.AuditLog;
import dev.nerve.gateway.audit.TraceIds;
import dev.nerve.gateway.contract.ProtoValues;
import dev.nerve.gateway.error.ClientError;
import dev.nerve.platform.identity.Identity;
import graphql.execution.DataFetcherResult;
import graphql.execution.instrumentation.InstrumentationState;
import graphql.execution.instrumentation.SimplePerformantInstrumentation;
import graphql.execution.instrumentation.parameters.InstrumentationFieldFetchParameters;
import graphql.schema.DataFetcher;
import graphql.schema.GraphQLFieldDefinition;
import graphql.schema.GraphQLObjectType;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;

/**
 * Writes an audit entry for every audited mutation field that ran, with its outcome (OK or the
 * error class) and the ids it touched: the {@code id} argument or input field and the id of the
 * result (or of the object the result wraps).
 */
public final class GraphQlMutationAudit extends SimplePerformantInstrumentation {

  private final OperationCatalog catalog;
  private final AuditLog audit;
  private final TraceIds traces;

  public GraphQlMutationAudit(OperationCatalog catalog, AuditLog audit, TraceIds traces) {
    this.catalog = catalog;
    this.audit = audit;
    this.traces = traces;
  }

  @Override
  public DataFetcher<?> instrumentDataFetcher(
      DataFetcher<?> fetcher, InstrumentationFieldFetchParameters parameters, InstrumentationState state) {
    if (parameters.isTrivialDataFetcher()
        || !(parameters.getExecutionStepInfo().getParent().getType() instanceof GraphQLObjectType parent)
        || !parent.getName().equals("Mutation")) {
      return fetcher;
    }
    GraphQLFieldDefinition field = parameters.getExecutionStepInfo().getFieldDefinition();
    if (!catalog.graphql(parent, field).map(Operation::audit).orElse(true)) {
      return fetcher;
    }
    String coordinate = "Mutation." + field.getName();
    return env -> {
      Caller caller = GraphQlCallers.caller(env.getGraphQlContext());
      try {
        Object result = fetcher.get(env);
        if (result instanceof CompletionStage<?> pending) {
          return pending.whenComplete(
              (value, error) -> record(caller, coordinate, env.getArguments(), value, error == null ? "OK" : outcome(error)));
        }
        record(caller, coordinate, env.getArguments(), result, "OK");
        return result;
      } catch (RuntimeException e) {
        record(caller, coordinate, env.getArguments(), null, outcome(e));
        throw e;
      }
    };
  }

  private static String outcome(Throwable error) {
    Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
    return ClientError.ofAny(cause).errorClass().name();
  }

  private void record(Caller caller, String coordinate, Map<String, Object> arguments, Object result, String outcome) {
    Identity identity = caller.identity();
    if (identity == null) {
      return;
    }
    List<String> targets = new ArrayList<>();
    Object id = arguments.get("id");
    if (id != null) {
      targets.add(String.valueOf(id));
    }
    if (arguments.get("input") instanceof Map<?, ?> input && input.get("id") != null) {
      targets.add(String.valueOf(input.get("id")));
    }
    resultId(result).filter(r -> !targets.contains(r)).ifPresent(targets::add);
    audit.record(identity.tenantId(), caller.principal(), coordinate, targets, outcome, traces.current());
  }

  private static Optional<String> resultId(Object result) {
    Object value = result instanceof DataFetcherResult<?> wrapped ? wrapped.getData() : result;
    if (value instanceof Message message) {
      return Optional.ofNullable(ProtoValues.resourceId(message)).filter(s -> !s.isEmpty());
    }
    if (value instanceof String text) {
      return Optional.of(text);
    }
    if (value == null || !value.getClass().isRecord()) {
      return Optional.empty();
    }
    // The gateway's own results: the record's id, or that of the record it wraps.
    Optional<String> nested = Optional.empty();
    for (RecordComponent component : value.getClass().getRecordComponents()) {
      Object part;
      try {
        java.lang.reflect.Method accessor = component.getAccessor();
        accessor.trySetAccessible();
        part = accessor.invoke(value);
      } catch (ReflectiveOperationException e) {
        continue;
      }
      if (component.getName().equals("id")) {
        return Optional.ofNullable(part).map(String::valueOf);
      }
      if (nested.isEmpty() && part != null && part.getClass().isRecord()) {
        nested = resultId(part);
      }
    }
    return nested;
  }
}
