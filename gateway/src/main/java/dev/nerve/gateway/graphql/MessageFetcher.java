package dev.nerve.gateway.graphql;

import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import dev.nerve.gateway.contract.ProtoValues;
import graphql.TrivialDataFetcher;
import graphql.schema.DataFetchingEnvironment;
import graphql.schema.GraphQLObjectType;
import graphql.schema.PropertyDataFetcher;

/**
 * The default data fetcher of every GraphQL field: a field of a protobuf message is the message's
 * field of the same JSON name, converted by {@link ProtoValues}; the {@code edges} and
 * {@code pageInfo} of a connection come from {@link Relay}; any other source (the gateway's own
 * records) is read as a property.
 */
final class MessageFetcher implements TrivialDataFetcher<Object> {

  static final MessageFetcher INSTANCE = new MessageFetcher();

  private MessageFetcher() {}

  @Override
  public Object get(DataFetchingEnvironment env) {
    Object source = env.getSource();
    String name = env.getFieldDefinition().getName();
    if (source instanceof Message message) {
      if (env.getParentType() instanceof GraphQLObjectType parent && Relay.isConnection(parent.getName())) {
        if (name.equals("edges")) {
          return Relay.edges(message);
        }
        if (name.equals("pageInfo")) {
          return Relay.page(message, env.getLocalContext());
        }
      }
      FieldDescriptor field = ProtoValues.fields(message.getDescriptorForType()).get(name);
      if (field == null) {
        throw new IllegalStateException(
            "GraphQL field " + name + " has no field in " + message.getDescriptorForType().getFullName());
      }
      return ProtoValues.field(message, field);
    }
    if (source instanceof Relay.Edge edge) {
      return name.equals("cursor") ? edge.cursor() : edge.node();
    }
    if (source instanceof Relay.Page page) {
      return switch (name) {
        case "hasNextPage" -> page.hasNextPage();
        case "hasPreviousPage" -> page.hasPreviousPage();
        case "startCursor" -> page.startCursor();
        default -> page.endCursor();
      };
    }
    return PropertyDataFetcher.fetching(name).get(env);
  }
}
