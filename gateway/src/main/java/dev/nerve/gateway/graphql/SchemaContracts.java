package dev.nerve.gateway.graphql;

import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.EnumDescriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Descriptors.GenericDescriptor;
import dev.nerve.api.common.v1.PageRequest;
import dev.nerve.gateway.contract.Contracts;
import dev.nerve.gateway.contract.ProtoValues;
import dev.nerve.gateway.contract.Rpc;
import graphql.Scalars;
import graphql.schema.GraphQLArgument;
import graphql.schema.GraphQLEnumType;
import graphql.schema.GraphQLEnumValueDefinition;
import graphql.schema.GraphQLFieldDefinition;
import graphql.schema.GraphQLInputObjectField;
import graphql.schema.GraphQLInputObjectType;
import graphql.schema.GraphQLList;
import graphql.schema.GraphQLNamedType;
import graphql.schema.GraphQLObjectType;
import graphql.schema.GraphQLSchema;
import graphql.schema.GraphQLSchemaElement;
import graphql.schema.GraphQLType;
import graphql.schema.GraphQLTypeUtil;
import graphql.schema.GraphQLTypeVisitorStub;
import graphql.schema.SchemaTransformer;
import graphql.util.TraversalControl;
import graphql.util.TraverserContext;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Holds the GraphQL schema to the contracts. Starting at every field marked {@code @rpc}, it pairs
 * the field's arguments with the RPC's request fields and its type with the response message, all
 * the way down, and fails when they disagree: a GraphQL field the message does not have, a list
 * where the proto field is single, an enum with other values, one GraphQL type used for two
 * messages, a subscription over a unary RPC. Each type, field, argument and enum value that has no
 * description in the SDL gets its proto comment, so the contracts are documented once.
 */
public final class SchemaContracts {

  private static final String PAGE = "page";
  private static final Set<String> PAGING = Set.of("first", "after");

  private final Contracts contracts;

  public SchemaContracts(Contracts contracts) {
    this.contracts = contracts;
  }

  /** What a walk over the schema found. */
  public static final class Mapping {
    private final Map<String, Rpc> rpcs = new LinkedHashMap<>();
    private final Map<String, Descriptor> objects = new LinkedHashMap<>();
    private final Map<String, Descriptor> inputs = new LinkedHashMap<>();
    private final Map<String, EnumDescriptor> enums = new LinkedHashMap<>();
    private final Map<String, String> descriptions = new LinkedHashMap<>();
    private final List<String> problems = new ArrayList<>();

    /** The RPC behind each operation field, by coordinate ({@code LongTermQuery.search}). */
    public Map<String, Rpc> rpcs() {
      return rpcs;
    }

    /** Disagreements between the schema and the contracts; empty when they agree. */
    public List<String> problems() {
      return problems;
    }

    /** The message a GraphQL object type shows. */
    public Optional<Descriptor> messageOf(String objectType) {
      return Optional.ofNullable(objects.get(objectType));
    }
  }

  /** Pairs the schema with the contracts. */
  public Mapping map(GraphQLSchema schema) {
    Mapping mapping = new Mapping();
    List<GraphQLObjectType> operationTypes = new ArrayList<>();
    for (GraphQLNamedType type : schema.getAllTypesAsList()) {
      if (type instanceof GraphQLObjectType object
          && (object == schema.getQueryType()
              || object == schema.getMutationType()
              || object == schema.getSubscriptionType()
              || RpcDirective.namespace(object))) {
        operationTypes.add(object);
      }
    }
    for (GraphQLObjectType type : operationTypes) {
      for (GraphQLFieldDefinition field : type.getFieldDefinitions()) {
        RpcDirective.of(field)
            .ifPresent(directive -> operation(schema, type, field, directive, mapping));
      }
    }
    return mapping;
  }

  /** The schema with proto comments as descriptions; fails when it disagrees with the contracts. */
  public GraphQLSchema apply(GraphQLSchema schema) {
    Mapping mapping = map(schema);
    if (!mapping.problems.isEmpty()) {
      throw new IllegalStateException(
          "the GraphQL schema disagrees with the contracts:\n  " + String.join("\n  ", mapping.problems));
    }
    return SchemaTransformer.transformSchema(schema, new Describer(mapping.descriptions));
  }

  private void operation(
      GraphQLSchema schema, GraphQLObjectType parent, GraphQLFieldDefinition field, RpcDirective directive, Mapping m) {
    String where = parent.getName() + "." + field.getName();
    Optional<Rpc> found = contracts.rpc(directive.method());
    if (found.isEmpty()) {
      m.problems.add(where + ": @rpc names no contract RPC: " + directive.method());
      return;
    }
    Rpc rpc = found.get();
    m.rpcs.put(where, rpc);
    boolean subscription = parent == schema.getSubscriptionType();
    if (subscription != rpc.serverStreaming()) {
      m.problems.add(
          where + ": " + (subscription ? "a subscription needs a server-streaming RPC" : "a streaming RPC needs a subscription"));
    }
    describe(m, where, rpc.descriptor());
    Descriptor request = rpc.descriptor().getInputType();
    Map<String, FieldDescriptor> requestFields = ProtoValues.fields(request);
    for (GraphQLArgument argument : field.getArguments()) {
      String at = where + "(" + argument.getName() + ")";
      GraphQLType type = GraphQLTypeUtil.unwrapNonNull(argument.getType());
      if (RpcFetcher.REQUEST_ARGUMENTS.contains(argument.getName())) {
        if (type instanceof GraphQLInputObjectType input) {
          input(input, request, at, m);
          describe(m, at, request);
        } else {
          m.problems.add(at + ": must be an input object");
        }
      } else if (PAGING.contains(argument.getName())) {
        if (!paged(request)) {
          m.problems.add(at + ": " + request.getFullName() + " has no nerve.common.v1.PageRequest page");
        }
        m.descriptions.putIfAbsent(at, paging(argument.getName()));
      } else if (requestFields.containsKey(argument.getName())) {
        FieldDescriptor protoField = requestFields.get(argument.getName());
        inputValue(argument.getType(), protoField, at, m);
        describe(m, at, protoField);
      } else {
        m.problems.add(at + ": " + request.getFullName() + " has no field " + argument.getName());
      }
    }
    Descriptor response = rpc.descriptor().getOutputType();
    if (directive.select() != null) {
      FieldDescriptor selected = ProtoValues.fields(response).get(directive.select());
      if (selected == null) {
        m.problems.add(where + ": @rpc select: " + response.getFullName() + " has no field " + directive.select());
      } else {
        outputValue(field.getType(), selected, where, m);
      }
    } else if (GraphQLTypeUtil.unwrapNonNull(field.getType()) instanceof GraphQLObjectType object) {
      object(object, response, where, m);
    } else {
      m.problems.add(where + ": returns " + GraphQLTypeUtil.simplePrint(field.getType()) + " but " + response.getFullName() + " is a message");
    }
  }

  private void object(GraphQLObjectType type, Descriptor message, String where, Mapping m) {
    Descriptor bound = m.objects.putIfAbsent(type.getName(), message);
    if (bound != null) {
      if (!bound.equals(message)) {
        m.problems.add(where + ": type " + type.getName() + " shows " + bound.getFullName() + " elsewhere, not " + message.getFullName());
      }
      return;
    }
    describe(m, type.getName(), message);
    boolean connection = Relay.isConnection(type.getName());
    if (connection && (Relay.nodes(message) == null || Relay.pageInfo(message) == null)) {
      m.problems.add(type.getName() + ": a connection needs one repeated message field and a page_info in " + message.getFullName());
      return;
    }
    Map<String, FieldDescriptor> fields = ProtoValues.fields(message);
    for (GraphQLFieldDefinition field : type.getFieldDefinitions()) {
      String at = type.getName() + "." + field.getName();
      if (connection && field.getName().equals("edges")) {
        edges(field, Relay.nodes(message), at, m);
      } else if (connection && field.getName().equals("pageInfo")) {
        m.descriptions.putIfAbsent(at, "Where this page starts and ends, and whether more items follow.");
      } else if (fields.containsKey(field.getName())) {
        outputValue(field.getType(), fields.get(field.getName()), at, m);
        describe(m, at, fields.get(field.getName()));
      } else {
        m.problems.add(at + ": " + message.getFullName() + " has no field " + field.getName());
      }
    }
  }

  private void edges(GraphQLFieldDefinition edges, FieldDescriptor nodes, String where, Mapping m) {
    GraphQLType list = GraphQLTypeUtil.unwrapNonNull(edges.getType());
    if (!(list instanceof GraphQLList)
        || !(GraphQLTypeUtil.unwrapAll(list) instanceof GraphQLObjectType edge)
        || edge.getFieldDefinition("node") == null
        || edge.getFieldDefinition("cursor") == null) {
      m.problems.add(where + ": must be a list of edges with cursor and node");
      return;
    }
    m.descriptions.putIfAbsent(where, "The items of this page, each with its cursor.");
    m.descriptions.putIfAbsent(edge.getName(), "One item of a page and its cursor.");
    m.descriptions.putIfAbsent(edge.getName() + ".cursor", "Cursor after this item: pass it as `after` to continue from here.");
    m.descriptions.putIfAbsent(edge.getName() + ".node", "The item.");
    GraphQLType node = GraphQLTypeUtil.unwrapNonNull(edge.getFieldDefinition("node").getType());
    if (node instanceof GraphQLObjectType object) {
      object(object, nodes.getMessageType(), edge.getName() + ".node", m);
    } else {
      m.problems.add(edge.getName() + ".node: must be an object type");
    }
  }

  private void outputValue(GraphQLType type, FieldDescriptor field, String where, Mapping m) {
    GraphQLType unwrapped = GraphQLTypeUtil.unwrapNonNull(type);
    if (field.isRepeated() && !field.isMapField()) {
      if (!(unwrapped instanceof GraphQLList list)) {
        m.problems.add(where + ": " + field.getFullName() + " is repeated, so it must be a list");
        return;
      }
      unwrapped = GraphQLTypeUtil.unwrapNonNull(list.getWrappedType());
    } else if (unwrapped instanceof GraphQLList) {
      m.problems.add(where + ": " + field.getFullName() + " is not repeated, so it must not be a list");
      return;
    }
    if (field.getJavaType() == FieldDescriptor.JavaType.MESSAGE
        && !field.isMapField()
        && !ProtoValues.isScalarMessage(field.getMessageType())) {
      if (unwrapped instanceof GraphQLObjectType object) {
        object(object, field.getMessageType(), where, m);
      } else {
        m.problems.add(where + ": " + field.getFullName() + " is a message, so it must be an object type");
      }
      return;
    }
    leaf(unwrapped, field, where, m);
  }

  private void input(GraphQLInputObjectType type, Descriptor message, String where, Mapping m) {
    Descriptor bound = m.inputs.putIfAbsent(type.getName(), message);
    if (bound != null) {
      if (!bound.equals(message)) {
        m.problems.add(where + ": input " + type.getName() + " binds " + bound.getFullName() + " elsewhere, not " + message.getFullName());
      }
      return;
    }
    describe(m, type.getName(), message);
    Map<String, FieldDescriptor> fields = ProtoValues.fields(message);
    for (GraphQLInputObjectField field : type.getFieldDefinitions()) {
      String at = type.getName() + "." + field.getName();
      if (fields.containsKey(field.getName())) {
        inputValue(field.getType(), fields.get(field.getName()), at, m);
        describe(m, at, fields.get(field.getName()));
      } else {
        m.problems.add(at + ": " + message.getFullName() + " has no field " + field.getName());
      }
    }
  }

  private void inputValue(GraphQLType type, FieldDescriptor field, String where, Mapping m) {
    GraphQLType unwrapped = GraphQLTypeUtil.unwrapNonNull(type);
    if (field.isRepeated() && !field.isMapField()) {
      if (!(unwrapped instanceof GraphQLList list)) {
        m.problems.add(where + ": " + field.getFullName() + " is repeated, so it must be a list");
        return;
      }
      unwrapped = GraphQLTypeUtil.unwrapNonNull(list.getWrappedType());
    } else if (unwrapped instanceof GraphQLList && !isFieldMask(field)) {
      m.problems.add(where + ": " + field.getFullName() + " is not repeated, so it must not be a list");
      return;
    }
    if (field.getJavaType() == FieldDescriptor.JavaType.MESSAGE
        && !field.isMapField()
        && !ProtoValues.isScalarMessage(field.getMessageType())) {
      if (unwrapped instanceof GraphQLInputObjectType input) {
        input(input, field.getMessageType(), where, m);
      } else {
        m.problems.add(where + ": " + field.getFullName() + " is a message, so it must be an input object");
      }
      return;
    }
    if (isFieldMask(field)) {
      return;
    }
    leaf(unwrapped, field, where, m);
  }

  private void leaf(GraphQLType type, FieldDescriptor field, String where, Mapping m) {
    if (field.getJavaType() == FieldDescriptor.JavaType.ENUM) {
      if (type instanceof GraphQLEnumType graphQlEnum) {
        enumeration(graphQlEnum, field.getEnumType(), where, m);
      } else {
        m.problems.add(where + ": " + field.getFullName() + " is an enum, so it must be a GraphQL enum");
      }
      return;
    }
    Set<String> allowed = scalars(field);
    String name = type instanceof GraphQLNamedType named ? named.getName() : GraphQLTypeUtil.simplePrint(type);
    if (!allowed.contains(name)) {
      m.problems.add(where + ": " + field.getFullName() + " must be one of " + allowed + ", not " + name);
    }
  }

  private void enumeration(GraphQLEnumType type, EnumDescriptor proto, String where, Mapping m) {
    EnumDescriptor bound = m.enums.putIfAbsent(type.getName(), proto);
    if (bound != null) {
      if (!bound.equals(proto)) {
        m.problems.add(where + ": enum " + type.getName() + " is " + bound.getFullName() + " elsewhere, not " + proto.getFullName());
      }
      return;
    }
    describe(m, type.getName(), proto);
    Set<String> graphQl = new TreeSet<>();
    type.getValues().forEach(v -> graphQl.add(v.getName()));
    Set<String> names = new TreeSet<>(ProtoValues.enumNames(proto));
    if (!graphQl.equals(names)) {
      m.problems.add(where + ": enum " + type.getName() + " has values " + graphQl + " but " + proto.getFullName() + " has " + names);
    }
    for (GraphQLEnumValueDefinition value : type.getValues()) {
      proto.getValues().stream()
          .filter(v -> value.getName().equals(ProtoValues.enumName(v)))
          .findFirst()
          .ifPresent(v -> describe(m, type.getName() + "." + value.getName(), v));
    }
  }

  private static Set<String> scalars(FieldDescriptor field) {
    if (field.isMapField()) {
      return Set.of("JSON");
    }
    return switch (field.getJavaType()) {
      case STRING -> Set.of(Scalars.GraphQLString.getName(), Scalars.GraphQLID.getName());
      case BOOLEAN -> Set.of(Scalars.GraphQLBoolean.getName());
      case INT, LONG -> Set.of(Scalars.GraphQLInt.getName());
      case FLOAT, DOUBLE -> Set.of(Scalars.GraphQLFloat.getName());
      case BYTE_STRING -> Set.of(Scalars.GraphQLString.getName());
      case ENUM -> Set.of();
      case MESSAGE -> switch (field.getMessageType().getFullName()) {
        case "google.protobuf.Timestamp" -> Set.of("DateTime");
        case "google.protobuf.Duration" -> Set.of("Duration");
        case "google.protobuf.Struct", "google.protobuf.Value", "google.protobuf.ListValue" -> Set.of("JSON");
        default -> scalars(field.getMessageType().findFieldByName("value"));
      };
    };
  }

  private static boolean isFieldMask(FieldDescriptor field) {
    return field.getJavaType() == FieldDescriptor.JavaType.MESSAGE
        && field.getMessageType().getFullName().equals("google.protobuf.FieldMask");
  }

  private static boolean paged(Descriptor request) {
    FieldDescriptor page = ProtoValues.fields(request).get(PAGE);
    return page != null
        && page.getJavaType() == FieldDescriptor.JavaType.MESSAGE
        && page.getMessageType().getFullName().equals(PageRequest.getDescriptor().getFullName());
  }

  private static String paging(String argument) {
    return argument.equals("first")
        ? "Page size, 1..500 (default 50)."
        : "Cursor of the item to continue after: an edge's `cursor` or `pageInfo.endCursor` of the previous page.";
  }

  private void describe(Mapping m, String coordinate, GenericDescriptor element) {
    contracts.comments().of(element).ifPresent(comment -> m.descriptions.putIfAbsent(coordinate, comment));
  }

  /** Fills in missing descriptions from the collected proto comments. */
  private static final class Describer extends GraphQLTypeVisitorStub {

    private final Map<String, String> descriptions;

    Describer(Map<String, String> descriptions) {
      this.descriptions = descriptions;
    }

    @Override
    public TraversalControl visitGraphQLObjectType(GraphQLObjectType node, TraverserContext<GraphQLSchemaElement> context) {
      return describe(context, node.getDescription(), node.getName(), d -> node.transform(b -> b.description(d)));
    }

    @Override
    public TraversalControl visitGraphQLInputObjectType(
        GraphQLInputObjectType node, TraverserContext<GraphQLSchemaElement> context) {
      return describe(context, node.getDescription(), node.getName(), d -> node.transform(b -> b.description(d)));
    }

    @Override
    public TraversalControl visitGraphQLEnumType(GraphQLEnumType node, TraverserContext<GraphQLSchemaElement> context) {
      return describe(context, node.getDescription(), node.getName(), d -> node.transform(b -> b.description(d)));
    }

    @Override
    public TraversalControl visitGraphQLEnumValueDefinition(
        GraphQLEnumValueDefinition node, TraverserContext<GraphQLSchemaElement> context) {
      return context.getParentNode() instanceof GraphQLEnumType parent
          ? describe(context, node.getDescription(), parent.getName() + "." + node.getName(), d -> node.transform(b -> b.description(d)))
          : TraversalControl.CONTINUE;
    }

    @Override
    public TraversalControl visitGraphQLFieldDefinition(
        GraphQLFieldDefinition node, TraverserContext<GraphQLSchemaElement> context) {
      return context.getParentNode() instanceof GraphQLObjectType parent
          ? describe(context, node.getDescription(), parent.getName() + "." + node.getName(), d -> node.transform(b -> b.description(d)))
          : TraversalControl.CONTINUE;
    }

    @Override
    public TraversalControl visitGraphQLInputObjectField(
        GraphQLInputObjectField node, TraverserContext<GraphQLSchemaElement> context) {
      return context.getParentNode() instanceof GraphQLInputObjectType parent
          ? describe(context, node.getDescription(), parent.getName() + "." + node.getName(), d -> node.transform(b -> b.description(d)))
          : TraversalControl.CONTINUE;
    }

    @Override
    public TraversalControl visitGraphQLArgument(GraphQLArgument node, TraverserContext<GraphQLSchemaElement> context) {
      return context.getParentNode() instanceof GraphQLFieldDefinition field
              && context.getParentContext().getParentNode() instanceof GraphQLObjectType type
          ? describe(
              context,
              node.getDescription(),
              type.getName() + "." + field.getName() + "(" + node.getName() + ")",
              d -> node.transform(b -> b.description(d)))
          : TraversalControl.CONTINUE;
    }

    /** Replaces the element with a described copy when it has no description of its own. */
    private TraversalControl describe(
        TraverserContext<GraphQLSchemaElement> context,
        String current,
        String coordinate,
        java.util.function.Function<String, GraphQLSchemaElement> described) {
      String text = current == null || current.isBlank() ? descriptions.get(coordinate) : null;
      return text == null ? TraversalControl.CONTINUE : changeNode(context, described.apply(text));
    }
  }
}
