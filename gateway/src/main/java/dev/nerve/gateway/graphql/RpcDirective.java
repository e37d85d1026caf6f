package dev.nerve.gateway.graphql;

import graphql.language.Argument;
import graphql.language.Directive;
import graphql.language.FieldDefinition;
import graphql.language.StringValue;
import graphql.schema.GraphQLAppliedDirective;
import graphql.schema.GraphQLFieldDefinition;
import graphql.schema.GraphQLObjectType;
import graphql.schema.GraphQLType;
import graphql.schema.GraphQLTypeUtil;
import java.util.Optional;

/**
 * The {@code @rpc(method: "...", select: "...")} directive of the GraphQL schema: the field is
 * served by calling that contract RPC with a request bound from the field's arguments; with
 * {@code select} it returns that field of the response instead of the whole response.
 *
 * @param method full RPC name, e.g. {@code nerve.memory.v1.LongTermMemoryService/Search}
 * @param select response field (JSON name) to return, or null for the whole response
 */
public record RpcDirective(String method, String select) {

  /** Name of the directive. */
  public static final String NAME = "rpc";

  /** The directive of a schema field, if it carries one. */
  public static Optional<RpcDirective> of(GraphQLFieldDefinition field) {
    GraphQLAppliedDirective directive = field.getAppliedDirective(NAME);
    if (directive == null) {
      return Optional.empty();
    }
    String select = directive.getArgument("select") == null ? null : directive.getArgument("select").getValue();
    return Optional.of(new RpcDirective(directive.getArgument("method").getValue(), select));
  }

  /** The directive of a field as written in the SDL, if it carries one. */
  static Optional<RpcDirective> of(FieldDefinition field) {
    return field.getDirectives(NAME).stream().findFirst().map(RpcDirective::of);
  }

  private static RpcDirective of(Directive directive) {
    return new RpcDirective(text(directive.getArgument("method")), text(directive.getArgument("select")));
  }

  private static String text(Argument argument) {
    return argument != null && argument.getValue() instanceof StringValue s ? s.getValue() : null;
  }

  /**
   * Whether a type is a namespace mirroring the spec's object path ({@code MemoryQuery},
   * {@code LongTermQuery}): its fields are operations, and the field leading to it selects nothing.
   */
  public static boolean namespace(GraphQLType type) {
    return GraphQLTypeUtil.unwrapAll(type) instanceof GraphQLObjectType object
        && object.getName().endsWith("Query")
        && !object.getName().equals("Query");
  }
}
