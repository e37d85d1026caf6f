package dev.nerve.gateway.validation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import dev.nerve.gateway.graphql.Scalars;
import dev.nerve.platform.error.FieldViolation;
import dev.nerve.platform.error.NerveException;
import graphql.ExceptionWhileDataFetching;
import graphql.ExecutionInput;
import graphql.ExecutionResult;
import graphql.GraphQL;
import graphql.schema.GraphQLArgument;
import graphql.schema.GraphQLDirectiveContainer;
import graphql.schema.GraphQLFieldDefinition;
import graphql.schema.GraphQLInputObjectField;
import graphql.schema.GraphQLInputObjectType;
import graphql.schema.GraphQLInputType;
import graphql.schema.GraphQLObjectType;
import graphql.schema.GraphQLSchema;
import graphql.schema.GraphQLTypeUtil;
import graphql.schema.idl.RuntimeWiring;
import graphql.schema.idl.SchemaGenerator;
import graphql.schema.idl.SchemaParser;
import graphql.schema.idl.TypeDefinitionRegistry;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.springframework.core.io.Resource;
import org.springframework.core.io.support.PathMatchingResourcePatternResolver;

/** The {@code @jsonSchema} directive: where it is declared and how its instrumentation applies it. */
class JsonSchemaDirectiveTest {

  private static final PayloadSchemas SCHEMAS = PayloadSchemas.load();

  private static RuntimeWiring scalars() {
    return RuntimeWiring.newRuntimeWiring()
        .scalar(Scalars.DATE_TIME)
        .scalar(Scalars.JSON)
        .scalar(Scalars.URL)
        .scalar(Scalars.CRON)
        .scalar(Scalars.DURATION)
        .scalar(Scalars.UUID)
        .build();
  }

  /** The gateway's own GraphQL schema, from its .graphqls files. */
  private static GraphQLSchema gatewaySchema() throws Exception {
    TypeDefinitionRegistry registry = new TypeDefinitionRegistry();
    for (Resource file : new PathMatchingResourcePatternResolver().getResources("classpath*:graphql/*.graphqls")) {
      registry.merge(new SchemaParser().parse(file.getContentAsString(StandardCharsets.UTF_8)));
    }
    return new SchemaGenerator().makeExecutableSchema(registry, scalars());
  }

  @Test
  void everyJsonInputOfTheGatewayNamesALoadedSchema() throws Exception {
    GraphQLSchema schema = gatewaySchema();
    List<String> jsonInputs = new ArrayList<>();
    List<String> unchecked = new ArrayList<>();
    schema.getAllTypesAsList().forEach(
        type -> {
          if (type instanceof GraphQLObjectType object && !object.getName().startsWith("__")) {
            for (GraphQLFieldDefinition field : object.getFieldDefinitions()) {
              for (GraphQLArgument argument : field.getArguments()) {
                inspect(object.getName() + "." + field.getName() + "(" + argument.getName() + ")", argument, argument.getType(), jsonInputs, unchecked);
              }
            }
          } else if (type instanceof GraphQLInputObjectType input) {
            for (GraphQLInputObjectField field : input.getFieldDefinitions()) {
              inspect(input.getName() + "." + field.getName(), field, field.getType(), jsonInputs, unchecked);
            }
          }
        });

    assertThat(unchecked).as("JSON inputs without @jsonSchema naming a loaded schema").isEmpty();
    assertThat(jsonInputs)
        .contains(
            "Mutation.memoryContextUpdate(patch)",
            "ShortTermItemInput.metadata",
            "StoreMemoryInput.metadata",
            "UpdateMemoryInput.metadata",
            "SearchParamsInput.metadataEquals",
            "ManageContextInput.data");
  }

  private static void inspect(
      String name, GraphQLDirectiveContainer element, GraphQLInputType type, List<String> jsonInputs, List<String> unchecked) {
    if (!Scalars.JSON.getName().equals(GraphQLTypeUtil.unwrapAll(type).getName())) {
      return;
    }
    jsonInputs.add(name);
    String schema = JsonSchemaDirective.schemaName(element);
    if (schema == null || !SCHEMAS.names().contains(schema)) {
      unchecked.add(name + " -> " + schema);
    }
  }

  private static final String SDL =
      """
      directive @jsonSchema(name: String!) on ARGUMENT_DEFINITION | INPUT_FIELD_DEFINITION
      scalar JSON
      type Query {
        run(input: In, items: [In!], patch: JSON @jsonSchema(name: "context-patch")): String
        plain(value: JSON): String
      }
      input In {
        metadata: JSON @jsonSchema(name: "memory-metadata")
        nested: In
      }
      """;

  private final AtomicInteger fetched = new AtomicInteger();

  private ExecutionResult execute(String query, Map<String, Object> variables) {
    RuntimeWiring wiring =
        RuntimeWiring.newRuntimeWiring()
            .scalar(Scalars.JSON)
            .type("Query", t -> t.dataFetcher("run", env -> "ran " + fetched.incrementAndGet()).dataFetcher("plain", env -> "plain"))
            .build();
    GraphQLSchema schema = new SchemaGenerator().makeExecutableSchema(new SchemaParser().parse(SDL), wiring);
    GraphQL graphQl = GraphQL.newGraphQL(schema).instrumentation(new JsonSchemaDirective(SCHEMAS)).build();
    return graphQl.execute(ExecutionInput.newExecutionInput(query).variables(variables).build());
  }

  private static List<FieldViolation> violations(ExecutionResult result) {
    assertThat(result.getErrors()).hasSize(1);
    ExceptionWhileDataFetching error = (ExceptionWhileDataFetching) result.getErrors().get(0);
    assertThat(error.getException()).isInstanceOf(NerveException.class);
    return ((NerveException) error.getException()).violations();
  }

  @Test
  void checksArgumentsNestedInputsAndListItemsBeforeTheFetcherRuns() {
    ExecutionResult result =
        execute(
            "query($in: In, $items: [In!], $patch: JSON) { run(input: $in, items: $items, patch: $patch) }",
            Map.of(
                "in", Map.of("metadata", Map.of("ok", 1), "nested", Map.of("metadata", Map.of("bad key", 1))),
                "items", List.of(Map.of("metadata", Map.of("fine", 1)), Map.of("metadata", List.of(1))),
                "patch", List.of()));

    assertThat(violations(result))
        .extracting(FieldViolation::field, FieldViolation::rule)
        .containsExactlyInAnyOrder(
            tuple("input.nested.metadata[\"bad key\"]", "propertyNames"),
            tuple("items[1].metadata", "type"),
            tuple("patch", "type"));
    assertThat(fetched).hasValue(0);
  }

  @Test
  void checksLiteralsWrittenInTheDocument() {
    ExecutionResult result = execute("{ run(input: {metadata: {tags: [\"a\", 2, 3.5, true]}}, patch: {x: null}) }", Map.of());
    ExecutionResult refused = execute("{ run(input: {metadata: {tags: [\"a\"], depth: [[[[[[[[1]]]]]]]]}}) }", Map.of());

    assertThat(result.getErrors()).isEmpty();
    assertThat(violations(refused))
        .extracting(FieldViolation::field, FieldViolation::rule)
        .containsExactly(tuple("input.metadata.depth[0][0][0][0][0][0][0]", "maxDepth"));
    assertThat(fetched).hasValue(1);
  }

  @Test
  void leavesFieldsWithoutTheDirectiveAlone() {
    ExecutionResult result = execute("{ plain(value: [[[[[[[[[[1]]]]]]]]]]) run }", Map.of());

    assertThat(result.getErrors()).isEmpty();
    assertThat(result.<Map<String, Object>>getData()).containsEntry("plain", "plain").containsEntry("run", "ran 1");
  }
}
