package dev.nerve.gateway.validation;

import dev.nerve.platform.error.FieldViolation;
import dev.nerve.platform.error.NerveException;
import graphql.execution.instrumentation.InstrumentationState;
import graphql.execution.instrumentation.SimplePerformantInstrumentation;
import graphql.execution.instrumentation.parameters.InstrumentationFieldFetchParameters;
import graphql.schema.DataFetcher;
import graphql.schema.GraphQLAppliedDirective;
import graphql.schema.GraphQLArgument;
import graphql.schema.GraphQLDirectiveContainer;
import graphql.schema.GraphQLFieldDefinition;
import graphql.schema.GraphQLInputObjectField;
import graphql.schema.GraphQLInputObjectType;
import graphql.schema.GraphQLInputType;
import graphql.schema.GraphQLList;
import graphql.schema.GraphQLType;
import graphql.schema.GraphQLTypeUtil;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Applies {@code @jsonSchema(name: "...")} from the GraphQL schema: before a field's data fetcher
 * runs, every argument or input field carrying the directive (at any depth of input objects and
 * lists) is checked against that JSON Schema of {@link PayloadSchemas}. Any violation fails the
 * field with BAD_USER_INPUT, listing all violations, and the fetcher (so the service) is never
 * called. Adding a checked payload is one directive in a {@code .graphqls} file.
 */
public final class JsonSchemaDirective extends SimplePerformantInstrumentation {

  /** Name of the directive in the GraphQL schema. */
  public static final String NAME = "jsonSchema";

  private final PayloadSchemas schemas;
  private final Map<GraphQLFieldDefinition, Boolean> checked = new ConcurrentHashMap<>();

  public JsonSchemaDirective(PayloadSchemas schemas) {
    this.schemas = schemas;
  }

  @Override
  public DataFetcher<?> instrumentDataFetcher(
      DataFetcher<?> fetcher, InstrumentationFieldFetchParameters parameters, InstrumentationState state) {
    GraphQLFieldDefinition field = parameters.getExecutionStepInfo().getFieldDefinition();
    if (field.getArguments().isEmpty() || !checked.computeIfAbsent(field, JsonSchemaDirective::usesDirective)) {
      return fetcher;
    }
    return env -> {
      List<FieldViolation> violations = new ArrayList<>();
      for (GraphQLArgument argument : field.getArguments()) {
        check(env.getArguments().get(argument.getName()), argument.getType(), argument, argument.getName(), violations);
      }
      if (!violations.isEmpty()) {
        throw NerveException.invalid(violations);
      }
      return fetcher.get(env);
    };
  }

  /** The schema name an argument or input field declares, or null. */
  static String schemaName(GraphQLDirectiveContainer element) {
    GraphQLAppliedDirective directive = element.getAppliedDirective(NAME);
    return directive == null ? null : directive.getArgument("name").getValue();
  }

  private void check(
      Object value, GraphQLInputType type, GraphQLDirectiveContainer element, String path, List<FieldViolation> out) {
    if (value == null) {
      return;
    }
    String schema = element == null ? null : schemaName(element);
    if (schema != null) {
      out.addAll(schemas.violations(schema, path, value));
      return;
    }
    GraphQLType unwrapped = GraphQLTypeUtil.unwrapNonNull(type);
    if (unwrapped instanceof GraphQLList list && value instanceof List<?> items) {
      GraphQLInputType itemType = (GraphQLInputType) list.getWrappedType();
      for (int i = 0; i < items.size(); i++) {
        check(items.get(i), itemType, null, path + "[" + i + "]", out);
      }
    } else if (unwrapped instanceof GraphQLInputObjectType object && value instanceof Map<?, ?> fields) {
      for (GraphQLInputObjectField field : object.getFieldDefinitions()) {
        check(fields.get(field.getName()), field.getType(), field, path + "." + field.getName(), out);
      }
    }
  }

  /** Whether any argument of the field carries the directive, directly or inside its input types. */
  static boolean usesDirective(GraphQLFieldDefinition field) {
    Set<String> seen = new HashSet<>();
    return field.getArguments().stream().anyMatch(a -> usesDirective(a, a.getType(), seen));
  }

  private static boolean usesDirective(GraphQLDirectiveContainer element, GraphQLInputType type, Set<String> seen) {
    if (schemaName(element) != null) {
      return true;
    }
    if (GraphQLTypeUtil.unwrapAll(type) instanceof GraphQLInputObjectType object && seen.add(object.getName())) {
      return object.getFieldDefinitions().stream().anyMatch(f -> usesDirective(f, f.getType(), seen));
    }
    return false;
  }
}
