package dev.nerve.gateway.security;

import dev.nerve.gateway.audit.AuditLog;
import dev.nerve.gateway.audit.RefusalAudit;
import dev.nerve.gateway.audit.TraceIds;
import dev.nerve.gateway.error.ClientError;
import dev.nerve.gateway.ratelimit.RateLimitedException;
import dev.nerve.platform.error.NerveException;
import dev.nerve.platform.identity.Identity;
import dev.nerve.platform.identity.IdentityContext;
import graphql.ErrorClassification;
import graphql.ExecutionResult;
import graphql.GraphQLContext;
import graphql.GraphQLError;
import graphql.execution.AbortExecutionException;
import graphql.execution.ExecutionContext;
import graphql.execution.instrumentation.InstrumentationContext;
import graphql.execution.instrumentation.InstrumentationState;
import graphql.execution.instrumentation.SimplePerformantInstrumentation;
import graphql.execution.instrumentation.parameters.InstrumentationExecuteOperationParameters;
import graphql.execution.instrumentation.parameters.InstrumentationFieldFetchParameters;
import graphql.language.Field;
import graphql.language.FragmentDefinition;
import graphql.language.FragmentSpread;
import graphql.language.InlineFragment;
import graphql.language.Node;
import graphql.language.Selection;
import graphql.language.SelectionSet;
import graphql.schema.DataFetcher;
import graphql.schema.GraphQLFieldDefinition;
import graphql.schema.GraphQLObjectType;
import graphql.schema.GraphQLType;
import graphql.schema.GraphQLTypeUtil;
import io.grpc.Context;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import org.reactivestreams.Publisher;
import org.reactivestreams.Subscriber;

/**
 * Guards every GraphQL operation before it runs: counts aliases, checks the permission of each
 * operation field ({@link OperationPermissions}) and takes the summed cost from the caller's rate
 * limit. While fields run it attaches the caller's identity for service calls, and it records an
 * audit entry for each mutation field, also when the guard refused the mutation before it ran.
 */
public final class GraphQlGuard extends SimplePerformantInstrumentation {

  private final Guard guard;
  private final AuditLog audit;
  private final TraceIds traces;
  private final RefusalAudit refusals;
  private final int maxAliases;

  public GraphQlGuard(
      Guard guard, AuditLog audit, TraceIds traces, RefusalAudit refusals, int maxAliases) {
    this.guard = guard;
    this.audit = audit;
    this.traces = traces;
    this.refusals = refusals;
    this.maxAliases = maxAliases;
  }

  /** The caller of an execution; anonymous when the transport did not set one. */
  static Caller caller(GraphQLContext context) {
    Caller caller = context.get(Caller.class);
    return caller == null ? Caller.anonymous("unknown") : caller;
  }

  @Override
  public InstrumentationContext<ExecutionResult> beginExecuteOperation(
      InstrumentationExecuteOperationParameters parameters, InstrumentationState state) {
    ExecutionContext execution = parameters.getExecutionContext();
    int aliases = countAliases(execution.getDocument());
    if (aliases > maxAliases) {
      throw abort(
          NerveException.invalid(
              "query", "maxAliases", "uses " + aliases + " aliases; at most " + maxAliases + " allowed"),
          Map.of());
    }
    Caller caller = caller(execution.getGraphQLContext());
    GraphQLObjectType root =
        switch (execution.getOperationDefinition().getOperation()) {
          case QUERY -> execution.getGraphQLSchema().getQueryType();
          case MUTATION -> execution.getGraphQLSchema().getMutationType();
          case SUBSCRIPTION -> execution.getGraphQLSchema().getSubscriptionType();
        };
    List<String> operations = new ArrayList<>();
    collect(execution.getOperationDefinition().getSelectionSet(), root, execution.getFragmentsByName(), operations);
    long cost = 0;
    try {
      for (String coordinate : operations) {
        Optional<OperationPermissions.Operation> entry = OperationPermissions.graphql(coordinate);
        guard.authorize(coordinate, entry, caller);
        cost += entry.get().cost();
      }
      guard.charge(caller, cost);
    } catch (RateLimitedException e) {
      auditRefusal(caller, operations, e);
      throw abort(e, Map.of("retryAfterSeconds", e.retryAfterSeconds()));
    } catch (NerveException e) {
      auditRefusal(caller, operations, e);
      throw abort(e, Map.of());
    }
    return super.beginExecuteOperation(parameters, state);
  }

  @Override
  public DataFetcher<?> instrumentDataFetcher(
      DataFetcher<?> fetcher, InstrumentationFieldFetchParameters parameters, InstrumentationState state) {
    if (parameters.isTrivialDataFetcher()) {
      return fetcher;
    }
    return env -> {
      Caller caller = caller(env.getGraphQlContext());
      Identity identity = caller.identity();
      boolean mutation = "Mutation".equals(GraphQLTypeUtil.simplePrint(env.getParentType()));
      Context previous =
          identity == null ? null : Context.current().withValue(IdentityContext.KEY, identity).attach();
      try {
        Object result = fetcher.get(env);
        if (mutation && result instanceof CompletionStage<?> pending) {
          return pending.whenComplete(
              (value, error) ->
                  record(
                      caller,
                      env.getField().getName(),
                      env.getArguments(),
                      value,
                      error == null ? "OK" : ClientError.ofAny(unwrap(error)).errorClass().name()));
        }
        if (mutation) {
          record(caller, env.getField().getName(), env.getArguments(), result, "OK");
        }
        return identity != null && result instanceof Publisher<?> publisher
            ? withIdentity(publisher, identity)
            : result;
      } catch (RuntimeException e) {
        if (mutation) {
          record(caller, env.getField().getName(), env.getArguments(), null, ClientError.ofAny(e).errorClass().name());
        }
        throw e;
      } finally {
        if (previous != null) {
          Context.current().detach(previous);
        }
      }
    };
  }

  /** Refused mutation fields are audited too; queries and anonymous callers are not. */
  private void auditRefusal(Caller caller, List<String> operations, NerveException e) {
    Identity identity = caller.identity();
    if (identity == null) {
      return;
    }
    String result = ClientError.ofAny(e).errorClass().name();
    operations.stream()
        .filter(coordinate -> coordinate.startsWith("Mutation."))
        .forEach(
            coordinate ->
                refusals.refused(identity.tenantId(), caller.principal(), coordinate, List.of(), result));
  }

  private static Throwable unwrap(Throwable error) {
    return error instanceof java.util.concurrent.CompletionException && error.getCause() != null
        ? error.getCause()
        : error;
  }

  /** Subscribes inside the caller's identity, so streaming service calls started then carry it. */
  private static <T> Publisher<T> withIdentity(Publisher<T> publisher, Identity identity) {
    return (Subscriber<? super T> subscriber) ->
        Context.current().withValue(IdentityContext.KEY, identity).run(() -> publisher.subscribe(subscriber));
  }

  private void record(Caller caller, String field, Map<String, Object> arguments, Object result, String outcome) {
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
    audit.record(identity.tenantId(), caller.principal(), "Mutation." + field, targets, outcome, traces.current());
  }

  private static Optional<String> resultId(Object result) {
    if (result == null || !result.getClass().isRecord()) {
      return Optional.empty();
    }
    // The result's own id, or that of the object it wraps (e.g. CreatedApiKey.key.id).
    Optional<String> nested = Optional.empty();
    for (RecordComponent component : result.getClass().getRecordComponents()) {
      Object value;
      try {
        java.lang.reflect.Method accessor = component.getAccessor();
        // View records are often package-private; their accessors are still readable here.
        accessor.trySetAccessible();
        value = accessor.invoke(result);
      } catch (ReflectiveOperationException e) {
        continue;
      }
      if (component.getName().equals("id")) {
        return Optional.ofNullable(value).map(String::valueOf);
      }
      if (nested.isEmpty() && value != null && value.getClass().isRecord()) {
        nested = resultId(value);
      }
    }
    return nested;
  }

  /** Operation coordinates: fields of the root type and of namespace types ({@code *Query}) below it. */
  private static void collect(
      SelectionSet set, GraphQLObjectType type, Map<String, FragmentDefinition> fragments, List<String> out) {
    if (set == null) {
      return;
    }
    for (Selection<?> selection : set.getSelections()) {
      if (selection instanceof Field field) {
        if (field.getName().startsWith("__")) {
          continue;
        }
        out.add(type.getName() + "." + field.getName());
        GraphQLFieldDefinition definition = type.getFieldDefinition(field.getName());
        if (definition != null) {
          GraphQLType target = GraphQLTypeUtil.unwrapAll(definition.getType());
          if (target instanceof GraphQLObjectType object && namespace(object)) {
            collect(field.getSelectionSet(), object, fragments, out);
          }
        }
      } else if (selection instanceof InlineFragment inline) {
        collect(inline.getSelectionSet(), type, fragments, out);
      } else if (selection instanceof FragmentSpread spread) {
        FragmentDefinition fragment = fragments.get(spread.getName());
        if (fragment != null) {
          collect(fragment.getSelectionSet(), type, fragments, out);
        }
      }
    }
  }

  /** Namespace types mirror the spec's object path: {@code InstallationQuery}, {@code EnvironmentQuery}. */
  static boolean namespace(GraphQLObjectType type) {
    return type.getName().endsWith("Query") && !type.getName().equals("Query");
  }

  private static int countAliases(Node<?> node) {
    int count = node instanceof Field field && field.getAlias() != null ? 1 : 0;
    for (Node<?> child : node.getChildren()) {
      count += countAliases(child);
    }
    return count;
  }

  private static AbortExecutionException abort(NerveException e, Map<String, Object> extra) {
    ClientError error = ClientError.ofAny(e);
    Map<String, Object> extensions = new LinkedHashMap<>();
    extensions.put("code", error.errorClass().name());
    if (!error.violations().isEmpty()) {
      extensions.put(
          "violations",
          error.violations().stream()
              .map(v -> Map.of("field", v.field(), "rule", v.rule(), "message", v.description()))
              .toList());
    }
    extensions.putAll(extra);
    GraphQLError graphQlError =
        GraphQLError.newError()
            .message(error.message())
            .errorType(ErrorClassification.errorClassification(error.errorClass().name()))
            .extensions(extensions)
            .build();
    return new AbortExecutionException(List.of(graphQlError));
  }
}
