package dev.nerve.gateway.security;

import graphql.execution.ExecutionContext;
import graphql.language.Field;
import graphql.language.FragmentDefinition;
import graphql.language.FragmentSpread;
import graphql.language.InlineFragment;
import graphql.language.Selection;
import graphql.language.SelectionSet;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * Tells introspection from application queries by the root fields an operation selects. Tools
 * load the schema with a deep but bounded document (graphql-js {@code getIntrospectionQuery()}
 * nests type references nine levels), which graphql-java's good-faith introspection check already
 * limits, so such documents skip the depth and complexity limits meant for application queries
 * and instead need a credential.
 */
final class IntrospectionDocuments {

  private IntrospectionDocuments() {}

  /** Whether the operation selects {@code __schema} or {@code __type} at its root. */
  static boolean introspects(ExecutionContext execution) {
    Set<String> roots = new HashSet<>();
    rootFields(execution.getOperationDefinition().getSelectionSet(), execution.getFragmentsByName(), roots, new HashSet<>());
    return roots.contains("__schema") || roots.contains("__type");
  }

  /**
   * Whether every root field of the operation is {@code __schema}, {@code __type} or {@code
   * __typename} and at least one of the first two is selected.
   */
  static boolean introspectionOnly(ExecutionContext execution) {
    Set<String> roots = new HashSet<>();
    rootFields(execution.getOperationDefinition().getSelectionSet(), execution.getFragmentsByName(), roots, new HashSet<>());
    return (roots.contains("__schema") || roots.contains("__type"))
        && roots.stream().allMatch(name -> name.equals("__schema") || name.equals("__type") || name.equals("__typename"));
  }

  private static void rootFields(
      SelectionSet set, Map<String, FragmentDefinition> fragments, Set<String> out, Set<String> visited) {
    if (set == null) {
      return;
    }
    for (Selection<?> selection : set.getSelections()) {
      if (selection instanceof Field field) {
        out.add(field.getName());
      } else if (selection instanceof InlineFragment inline) {
        rootFields(inline.getSelectionSet(), fragments, out, visited);
      } else if (selection instanceof FragmentSpread spread && visited.add(spread.getName())) {
        FragmentDefinition fragment = fragments.get(spread.getName());
        if (fragment != null) {
          rootFields(fragment.getSelectionSet(), fragments, out, visited);
        }
      }
    }
  }
}
