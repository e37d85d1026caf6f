package dev.nerve.gateway.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.Descriptors.FieldDescriptor;
import dev.nerve.api.memory.v1.GetMemoryRequest;
import dev.nerve.api.memory.v1.LongTermMemoryServiceGrpc;
import dev.nerve.api.memory.v1.Memory;
import dev.nerve.api.memory.v1.SearchMemoriesRequest;
import dev.nerve.api.memory.v1.StoreMemoryRequest;
import dev.nerve.gateway.call.CallerIdentity;
import dev.nerve.gateway.call.ServiceCalls;
import dev.nerve.gateway.error.GraphQlErrors;
import dev.nerve.gateway.graphql.ContractWiring;
import dev.nerve.gateway.graphql.Scalars;
import dev.nerve.gateway.graphql.SchemaContracts;
import dev.nerve.gateway.rest.ContractOpenApi;
import dev.nerve.gateway.rest.RestRoutes;
import dev.nerve.gateway.validation.PayloadSchemas;
import dev.nerve.platform.error.NerveException;
import dev.nerve.platform.identity.Identity;
import dev.nerve.platform.identity.IdentityContext;
import graphql.ExecutionResult;
import graphql.GraphQL;
import graphql.schema.GraphQLSchema;
import graphql.schema.idl.RuntimeWiring;
import graphql.schema.idl.SchemaGenerator;
import graphql.schema.idl.SchemaParser;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.media.Schema;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;

/**
 * The contract-driven surfaces without a server: a GraphQL schema wired by {@link ContractWiring}
 * and REST routes from the http bindings, both calling a stand-in memory service in-process. Shows
 * that a proto field needs no Java to appear (naming it in the SDL is enough for GraphQL; REST and
 * OpenAPI show every field), and that bad input is refused with the client's own field paths.
 */
class ContractSurfaceTest {

  private static final Contracts CONTRACTS = Contracts.load();
  private static final Identity CALLER = new Identity("t", "u", Set.of("admin"));
  private static final String SCALARS =
      "directive @rpc(method: String!, select: String) on FIELD_DEFINITION\n"
          + "scalar DateTime\nscalar JSON\nscalar Duration\n";

  private FakeMemoryService service;
  private RequestBinder binder;
  private RpcCalls calls;

  @BeforeEach
  void start() throws Exception {
    service = new FakeMemoryService();
    binder = new RequestBinder(PayloadSchemas.load());
    calls = new RpcCalls(new ServiceCalls(target -> service.channel, new CallerIdentity()));
  }

  @AfterEach
  void stop() {
    service.close();
  }

  private GraphQLSchema schema(String sdl) {
    RuntimeWiring wiring =
        RuntimeWiring.newRuntimeWiring()
            .wiringFactory(new ContractWiring(CONTRACTS, binder, calls))
            .scalar(Scalars.DATE_TIME)
            .scalar(Scalars.JSON)
            .scalar(Scalars.DURATION)
            .build();
    GraphQLSchema schema = new SchemaGenerator().makeExecutableSchema(new SchemaParser().parse(SCALARS + sdl), wiring);
    return new SchemaContracts(CONTRACTS).apply(schema);
  }

  private Map<String, Object> execute(GraphQLSchema schema, String query) {
    ExecutionResult result =
        IdentityContext.callAs(
            CALLER,
            () ->
                GraphQL.newGraphQL(schema)
                    .defaultDataFetcherExceptionHandler(
                        parameters ->
                            java.util.concurrent.CompletableFuture.completedFuture(
                                graphql.execution.DataFetcherExceptionHandlerResult.newResult(
                                        GraphQlErrors.of(parameters.getException(), parameters.getPath().toList(), null))
                                    .build()))
                    .build()
                    .execute(query));
    return result.toSpecification();
  }

  @Test
  void aProtoFieldNamedInTheSdlIsServedWithNoJava() {
    GraphQLSchema schema =
        schema(
            "type Query { memory(id: ID!, version: Int): Memory @rpc(method: \"nerve.memory.v1.LongTermMemoryService/Get\") }\n"
                + "type Memory { id: ID! text: String! embeddingDimension: Int! createdAt: DateTime metadata: JSON tags: [String!]! }");

    Map<String, Object> result = execute(schema, "{ memory(id: \"m9\", version: 3) { id text embeddingDimension createdAt metadata tags } }");

    assertThat(result).doesNotContainKey("errors");
    @SuppressWarnings("unchecked")
    Map<String, Object> memory = (Map<String, Object>) ((Map<String, Object>) result.get("data")).get("memory");
    assertThat(memory)
        .containsEntry("id", "m9")
        .containsEntry("embeddingDimension", 384)
        .containsEntry("createdAt", "2025-11-24T16:00:00.005Z")
        .containsEntry("metadata", Map.of("floor", 3L))
        .containsEntry("tags", List.of("office"));
    assertThat(service.requests).containsExactly(GetMemoryRequest.newBuilder().setId("m9").setVersion(3).build());
    // The description of the field and its arguments come from the proto comments.
    assertThat(schema.getQueryType().getFieldDefinition("memory").getDescription()).contains("one memory by id");
    assertThat(schema.getQueryType().getFieldDefinition("memory").getArgument("version").getDescription())
        .contains("Version to read");
  }

  @Test
  void connectionsPairNodesWithTheirCursorsAndPagingBindsToPage() {
    GraphQLSchema schema =
        schema(
            "type Query { search(params: P!, first: Int, after: String): HitConnection @rpc(method: \"nerve.memory.v1.LongTermMemoryService/Search\") }\n"
                + "input P { query: String }\n"
                + "type HitConnection { edges: [HitEdge!]! pageInfo: PageInfo! totalCandidates: Int! }\n"
                + "type HitEdge { cursor: String! node: Hit! }\n"
                + "type Hit { score: Float! memory: Memory! }\n"
                + "type Memory { id: ID! }\n"
                + "type PageInfo { hasNextPage: Boolean! hasPreviousPage: Boolean! startCursor: String endCursor: String }");

    Map<String, Object> result =
        execute(schema, "{ search(params: {query: \"printer\"}, first: 2, after: \"c0\") { totalCandidates edges { cursor node { score memory { id } } } pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } }");

    assertThat(result).doesNotContainKey("errors");
    assertThat(result.toString())
        .contains("cursor=c1, node={score=0.9, memory={id=m1}}")
        .contains("cursor=c2, node={score=0.8, memory={id=m2}}")
        .contains("hasNextPage=true, hasPreviousPage=true, startCursor=c1, endCursor=c2")
        .contains("totalCandidates=5");
    SearchMemoriesRequest request = (SearchMemoriesRequest) service.requests.get(0);
    assertThat(request.getQuery()).isEqualTo("printer");
    assertThat(request.getPage().getPageSize()).isEqualTo(2);
    assertThat(request.getPage().getCursor()).isEqualTo("c0");
  }

  @Test
  void refusalsNameTheClientsFieldsWhetherTheGatewayOrTheServiceRefused() {
    GraphQLSchema schema =
        schema(
            "type Query { memory(id: ID!, version: Int): Memory @rpc(method: \"nerve.memory.v1.LongTermMemoryService/Get\")\n"
                + " search(params: P!, first: Int): Int @rpc(method: \"nerve.memory.v1.LongTermMemoryService/Search\", select: \"totalCandidates\") }\n"
                + "input P { query: String metadataEquals: JSON }\n"
                + "type Memory { id: ID! }");

    String serviceRefusal = execute(schema, "{ memory(id: \"m1\", version: 0) { id } }").toString();
    String paging = execute(schema, "{ search(params: {query: \"x\"}, first: 100000) }").toString();
    String schemaRefusal = execute(schema, "{ search(params: {metadataEquals: {tags: [\"" + "t".repeat(5000) + "\"]}}) }").toString();
    String missing = execute(schema, "{ memory(id: \"missing\") { id } }").toString();

    assertThat(serviceRefusal).contains("code=BAD_USER_INPUT").contains("field=version");
    assertThat(paging).contains("field=first").contains("rule=max");
    assertThat(schemaRefusal).contains("field=params.metadataEquals.tags[0]").contains("rule=maxLength").doesNotContain("ttttt");
    assertThat(missing).contains("code=NOT_FOUND");
  }

  @Test
  void theSchemaMustAgreeWithTheContracts() {
    String get = "@rpc(method: \"nerve.memory.v1.LongTermMemoryService/Get\")";
    assertProblem("type Query { memory(id: ID!): Memory " + get + " }\ntype Memory { id: ID! colour: String }", "has no field colour");
    assertProblem("type Query { memory(id: ID!): Memory " + get + " }\ntype Memory { id: ID! tags: String }", "is repeated, so it must be a list");
    assertProblem("type Query { memory(id: ID!): Memory " + get + " }\ntype Memory { id: ID! text: Int }", "must be one of");
    assertProblem("type Query { memory(idd: ID!): Memory " + get + " }\ntype Memory { id: ID! }", "has no field idd");
    assertProblem("type Query { memory(id: ID!): Memory @rpc(method: \"nerve.memory.v1.LongTermMemoryService/Nope\") }\ntype Memory { id: ID! }", "names no contract RPC");
    assertProblem(
        "type Query { a(id: ID!): M " + get + "\n b: M @rpc(method: \"nerve.memory.v1.LongTermMemoryService/Store\", select: \"outcome\") }\ntype M { id: ID! }",
        "is an enum, so it must be a GraphQL enum");
    assertProblem(
        "type Query { a(id: ID!): M " + get + "\n b(query: String): M @rpc(method: \"nerve.memory.v1.LongTermMemoryService/Search\") }\ntype M { id: ID! }",
        "type M shows nerve.memory.v1.Memory elsewhere");
  }

  private void assertProblem(String sdl, String problem) {
    assertThatThrownBy(() -> schema(sdl)).isInstanceOf(RuntimeException.class).hasMessageContaining(problem);
  }

  @Test
  void restShowsEveryFieldOfTheResponseAndTheOpenApiDocumentDescribesEveryField() throws Exception {
    RestRoutes routes = new RestRoutes(CONTRACTS, binder, calls, new RequestMappingHandlerMapping());
    var handler = routeHandler(routes, "GET /api/v1/memory/long-term/{id}");
    MockHttpServletRequest request = new MockHttpServletRequest("GET", "/api/v1/memory/long-term/m3");
    request.setAttribute(org.springframework.web.servlet.HandlerMapping.URI_TEMPLATE_VARIABLES_ATTRIBUTE, Map.of("v0", "m3"));

    Object body = IdentityContext.callAs(CALLER, () -> handler.handle(request).getBody());
    OpenAPI document = new OpenAPI();
    new ContractOpenApi(routes, CONTRACTS).customise(document);

    Set<String> fields =
        Memory.getDescriptor().getFields().stream().map(FieldDescriptor::getJsonName).collect(Collectors.toSet());
    @SuppressWarnings("unchecked")
    Map<String, Object> shown = (Map<String, Object>) body;
    // Every field but the unset expiresAt (a field with presence, left out when unset).
    assertThat(shown.keySet()).containsExactlyInAnyOrderElementsOf(fields.stream().filter(f -> !f.equals("expiresAt")).toList());
    assertThat(shown.get("createdAt")).isEqualTo("2025-11-24T16:00:00.005Z");
    Schema<?> memory = document.getComponents().getSchemas().get("Memory");
    assertThat(memory.getProperties().keySet()).containsExactlyInAnyOrderElementsOf(fields);
    assertThat(memory.getRequired()).contains("id", "text", "version").doesNotContain("expiresAt");
    assertThat(memory.getProperties().get("text").getDescription()).contains("plain text");
    assertThat(document.getPaths().get("/api/v1/memory/long-term/{id}").getGet().getResponses()).containsKeys("200", "401", "404");
  }

  @Test
  void restBindsBodyPathAndQueryAndRefusesUnknownFields() throws Exception {
    RestRoutes routes = new RestRoutes(CONTRACTS, binder, calls, new RequestMappingHandlerMapping());
    var store = routeHandler(routes, "POST /api/v1/memory/long-term");
    MockHttpServletRequest ok = json("POST", "/api/v1/memory/long-term", "{\"text\":\"hello\",\"tags\":[\"a\"],\"importance\":0.7}");
    MockHttpServletRequest typo = json("POST", "/api/v1/memory/long-term", "{\"text\":\"hello\",\"scope\":{\"session\":\"x\"}}");

    var created = IdentityContext.callAs(CALLER, () -> store.handle(ok));

    assertThat(created.getStatusCode().value()).isEqualTo(201);
    assertThat(service.requests.get(0))
        .isEqualTo(StoreMemoryRequest.newBuilder().setText("hello").addTags("a").setImportance(0.7).build());
    assertThatThrownBy(() -> IdentityContext.callAs(CALLER, () -> store.handle(typo)))
        .isInstanceOfSatisfying(
            NerveException.class,
            e -> assertThat(e.violations()).singleElement().satisfies(v -> {
              assertThat(v.field()).isEqualTo("scope.session");
              assertThat(v.rule()).isEqualTo("unknown");
              assertThat(v.description()).contains("agentId").contains("sessionId");
            }));
  }

  private static MockHttpServletRequest json(String method, String path, String body) {
    MockHttpServletRequest request = new MockHttpServletRequest(method, path);
    request.setContentType("application/json");
    request.setContent(body.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    return request;
  }

  private static dev.nerve.gateway.rest.RouteHandler routeHandler(RestRoutes routes, String key) {
    return routes.handlers().stream()
        .filter(h -> h.route().key().equals(key))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no route " + key));
  }

  static {
    // Touch the generated service so the in-process server's descriptor is loaded.
    LongTermMemoryServiceGrpc.getServiceDescriptor();
  }
}
