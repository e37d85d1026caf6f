package dev.nerve.gateway.security;

import dev.nerve.gateway.audit.RefusalAudit;
import dev.nerve.gateway.error.ClientError;
import dev.nerve.gateway.error.GraphQlErrors;
import dev.nerve.gateway.graphql.RpcDirective;
import dev.nerve.platform.error.ErrorCode;
import dev.nerve.platform.error.NerveException;
import dev.nerve.platform.identity.Identity;
import graphql.ExecutionResult;
import graphql.execution.ExecutionContext;
import graphql.execution.instrumentation.InstrumentationContext;
import graphql.execution.instrumentation.InstrumentationState;
import graphql.execution.instrumentation.SimplePerformantInstrumentation;
import graphql.execution.instrumentation.parameters.InstrumentationExecuteOperationParameters;
import graphql.language.Field;
import graphql.language.FragmentDefinition;
import graphql.language.FragmentSpread;
import graphql.language.InlineFragment;
import graphql.language.Node;
import graphql.language.Selection;
import graphql.language.SelectionSet;
import graphql.schema.GraphQLFieldDefinition;
import graphql.schema.GraphQLObjectType;
import graphql.schema.GraphQLTypeUtil;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Decides whether a GraphQL document may run at all, before any field runs: it counts aliases,
 * finds the {@link Operation} of every operation field it selects (root fields and the fields of
 * namespace types below them), checks each permission and takes the summed cost from the caller's
 * rate limit. One field the caller may not use refuses the whole document; a refused mutation is
 * audited. Introspection ({@code __schema}, {@code __type}) needs a credential of any role.
 */
public final class GraphQlOperationGuard extends SimplePerformantInstrumentation {

  private final Guard guard;
  private final OperationCatalog catalog;
  private final RefusalAudit refusals;
  private final int maxAliases;

  public GraphQlOperationGuard(Guard guard, OperationCatalog catalog, RefusalAudit refusals, int maxAliases) {
    this.guard = guard;
    this.catalog = catalog;
    this.refusals = refusals;
    this.maxAliases = maxAliases;
  }

  /** One selected operation field. */
  private record Selected(String coordinate, Optional<Operation> operation) {}

  @Override
  public InstrumentationContext<ExecutionResult> beginExecuteOperation(
      InstrumentationExecuteOperationParameters parameters, InstrumentationState state) {
    ExecutionContext execution = parameters.getExecutionContext();
    int aliases = countAliases(execution.getDocument());
    if (aliases > maxAliases) {
      throw GraphQlErrors.abort(
          NerveException.invalid("query", "maxAliases", "uses " + aliases + " aliases; at most " + maxAliases + " allowed"));
    }
    Caller caller = GraphQlCallers.caller(execution.getGraphQLContext());
    if (caller.identity() == null && IntrospectionDocuments.introspects(execution)) {
      throw GraphQlErrors.abort(
          new NerveException(
              ErrorCode.UNAUTHENTICATED,
              "introspection needs a credential of any role: send Authorization: Bearer <access token or API key>"));
    }
    GraphQLObjectType root =
        switch (execution.getOperationDefinition().getOperation()) {
          case QUERY -> execution.getGraphQLSchema().getQueryType();
          case MUTATION -> execution.getGraphQLSchema().getMutationType();
          case SUBSCRIPTION -> execution.getGraphQLSchema().getSubscriptionType();
        };
    List<Selected> selected = new ArrayList<>();
    collect(execution.getOperationDefinition().getSelectionSet(), root, execution.getFragmentsByName(), selected);
    long cost = 0;
    try {
      for (Selected field : selected) {
        guard.authorize(field.coordinate(), field.operation(), caller);
        cost += field.operation().get().cost();
      }
      // One operation is named; a document with several is counted as one GraphQL request.
      guard.charge(
          caller,
          selected.size() == 1 ? selected.get(0).operation().map(Operation::name).orElse("graphql") : "graphql",
          cost);
    } catch (NerveException e) {
      auditRefusal(caller, selected, e);
      throw GraphQlErrors.abort(e);
    }
    return super.beginExecuteOperation(parameters, state);
  }

  /** Refused audited operations are recorded (at most once a minute per caller); anonymous callers are not. */
  private void auditRefusal(Caller caller, List<Selected> selected, NerveException e) {
    Identity identity = caller.identity();
    if (identity == null) {
      return;
    }
    String result = ClientError.ofAny(e).errorClass().name();
    selected.stream()
        .filter(s -> s.operation().map(Operation::audit).orElse(s.coordinate().startsWith("Mutation.")))
        .forEach(s -> refusals.refused(identity.tenantId(), caller.principal(), s.coordinate(), List.of(), result));
  }

  /** Operation fields: fields of the root type and of namespace types ({@code *Query}) below it. */
  private void collect(
      SelectionSet set, GraphQLObjectType type, Map<String, FragmentDefinition> fragments, List<Selected> out) {
    if (set == null) {
      return;
    }
    for (Selection<?> selection : set.getSelections()) {
      if (selection instanceof Field field) {
        if (field.getName().startsWith("__")) {
          continue;
        }
        GraphQLFieldDefinition definition = type.getFieldDefinition(field.getName());
        String coordinate = type.getName() + "." + field.getName();
        out.add(new Selected(coordinate, definition == null ? Optional.empty() : catalog.graphql(type, definition)));
        if (definition != null
            && RpcDirective.namespace(definition.getType())
            && GraphQLTypeUtil.unwrapAll(definition.getType()) instanceof GraphQLObjectType namespace) {
          collect(field.getSelectionSet(), namespace, fragments, out);
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

  private static int countAliases(Node<?> node) {
    int count = node instanceof Field field && field.getAlias() != null ? 1 : 0;
    for (Node<?> child : node.getChildren()) {
      count += countAliases(child);
    }
    return count;
  }
}
