package dev.nerve.gateway.validation;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nerve.gateway.GatewayClient;
import dev.nerve.gateway.MemorySurfaceTest;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * JSON Schema validation of free-form payloads through both surfaces, gateway and memory in one
 * process: a payload that breaks its schema answers BAD_USER_INPUT (GraphQL) or a 400 problem
 * (REST) naming the field path and the rule, and nothing is written. Each refused payload is one
 * the memory service itself would accept, so only the gateway's check stops it.
 */
class PayloadValidationIT extends MemorySurfaceTest {

  private static final String LONG_TAG = "t".repeat(5000);


  /** {@code value} under {@code levels} nested objects l1, l2, ... */
  private static Object nested(int levels, Object value) {
    Object node = value;
    for (int i = levels; i >= 1; i--) {
      node = Collections.singletonMap("l" + i, node);
    }
    return node;
  }

  private static void assertRefused(JsonNode error, String field, String rule) {
    assertThat(error.at("/extensions/code").asString()).isEqualTo("BAD_USER_INPUT");
    assertThat(error.at("/extensions/violations/0/field").asString()).isEqualTo(field);
    assertThat(error.at("/extensions/violations/0/rule").asString()).isEqualTo(rule);
    assertThat(error.at("/message").asString()).contains(field).doesNotContain(LONG_TAG);
  }

  private static void assertProblem(GatewayClient.Response response, String field, String rule) {
    assertThat(response.status()).isEqualTo(400);
    assertThat(response.header("Content-Type")).startsWith("application/problem+json");
    JsonNode problem = response.json();
    assertThat(problem.at("/type").asString()).isEqualTo("urn:nerve:problem:bad-user-input");
    assertThat(problem.at("/code").asString()).isEqualTo("BAD_USER_INPUT");
    assertThat(problem.at("/violations/0/field").asString()).isEqualTo(field);
    assertThat(problem.at("/violations/0/rule").asString()).isEqualTo(rule);
    assertThat(response.text()).doesNotContain(LONG_TAG);
  }

  private JsonNode memoriesInSession() {
    return client
        .graphql(
            token,
            "query($s: MemoryScopeInput) { memory { longTerm { list(scope: $s) { edges { node { id } } } } } }",
            Map.of("s", scope()))
        .at("/data/memory/longTerm/list/edges");
  }

  @Test
  void graphQlRefusesBadMetadataNamingPathAndRuleAndStoresNothing() {
    JsonNode stored =
        client.graphql(
            token,
            "mutation($input: MemoryLongTermStoreInput!) { memoryLongTermStore(input: $input) { memory { id } } }",
            Map.of("input", Map.of("scope", scope(), "text", "The VPN certificate expires in May", "metadata", Map.of("tags", List.of("a", "b", "c", LONG_TAG)))));
    JsonNode literal =
        client.graphql(
            token,
            "mutation { memoryLongTermStore(input: {scope: {sessionId: \"" + session + "\"}, text: \"The VPN uses port 1194\", metadata: {team: {a: {b: {c: {d: {e: {f: {g: {h: 1}}}}}}}}}}) { memory { id } } }");
    JsonNode item =
        client.graphql(
            token,
            "mutation($input: MemoryShortTermStoreInput!) { memoryShortTermStore(input: $input) { id } }",
            Map.of("input", Map.of("scope", scope(), "text", "call the bank", "metadata", Map.of("bad key", 1))));
    JsonNode items =
        client.graphql(
            token,
            "query($s: MemoryScopeInput) { memory { shortTerm { retrieve(scope: $s) { item { id } } } } }",
            Map.of("s", scope()));

    assertThat(stored.at("/data").isNull()).isTrue();
    assertRefused(stored.at("/errors/0"), "input.metadata.tags[3]", "maxLength");
    assertRefused(literal.at("/errors/0"), "input.metadata.team.a.b.c.d.e.f.g", "maxDepth");
    assertRefused(item.at("/errors/0"), "input.metadata[\"bad key\"]", "propertyNames");
    assertThat(memoriesInSession()).isEmpty();
    assertThat(items.at("/data/memory/shortTerm/retrieve")).isEmpty();
  }

  @Test
  void graphQlRefusesBadUpdatesFiltersAndContextsAndChangesNothing() {
    String memoryId =
        client
            .graphql(
                token,
                "mutation($input: MemoryLongTermStoreInput!) { memoryLongTermStore(input: $input) { memory { id } } }",
                Map.of("input", Map.of("scope", scope(), "text", "The office opens at nine", "metadata", Map.of("team", "facilities"))))
            .at("/data/memoryLongTermStore/memory/id")
            .asString();
    JsonNode update =
        client.graphql(
            token,
            "mutation($input: MemoryLongTermUpdateInput!) { memoryLongTermUpdate(input: $input) { version } }",
            Map.of("input", Map.of("memory", Map.of("id", memoryId, "metadata", List.of("not", "an", "object")))));
    Map<String, Object> tooManyKeys = new LinkedHashMap<>();
    for (int i = 0; i < 17; i++) {
      tooManyKeys.put("k" + i, i);
    }
    JsonNode search =
        client.graphql(
            token,
            "query($p: SearchParamsInput!) { memory { longTerm { search(params: $p) { totalCandidates } } } }",
            Map.of("p", Map.of("query", "office", "scope", scope(), "metadataEquals", tooManyKeys)));
    String contextId = "ctx-" + UUID.randomUUID();
    JsonNode manage =
        client.graphql(
            token,
            "mutation($input: MemoryContextManageInput!) { memoryContextManage(input: $input) { version } }",
            Map.of("input", Map.of("id", contextId, "data", nested(17, "deep"))));
    JsonNode missing = client.graphql(token, "query($id: ID!) { memory { context { get(id: $id) { version } } } }", Map.of("id", contextId));
    client.graphql(
        token,
        "mutation($input: MemoryContextManageInput!) { memoryContextManage(input: $input) { version } }",
        Map.of("input", Map.of("id", contextId, "data", Map.of("goal", "ship"))));
    JsonNode patch =
        client.graphql(
            token,
            "mutation($input: MemoryContextUpdateInput!) { memoryContextUpdate(input: $input) { version } }",
            Map.of("input", Map.of("id", contextId, "mergePatch", Map.of("goal", "x".repeat(32769)))));
    JsonNode context = client.graphql(token, "query($id: ID!) { memory { context { get(id: $id) { version data } } } }", Map.of("id", contextId));
    JsonNode memory = client.graphql(token, "query($id: ID!) { memory { longTerm { get(id: $id) { version metadata } } } }", Map.of("id", memoryId));

    assertRefused(update.at("/errors/0"), "input.memory.metadata", "type");
    assertRefused(search.at("/errors/0"), "params.metadataEquals", "maxProperties");
    assertRefused(manage.at("/errors/0"), "input.data.l1.l2.l3.l4.l5.l6.l7.l8.l9.l10.l11.l12.l13.l14.l15.l16", "maxDepth");
    assertThat(missing.at("/errors/0/extensions/code").asString()).isEqualTo("NOT_FOUND");
    assertRefused(patch.at("/errors/0"), "input.mergePatch.goal", "maxLength");
    assertThat(context.at("/data/memory/context/get/version").asInt()).isEqualTo(1);
    assertThat(context.at("/data/memory/context/get/data/goal").asString()).isEqualTo("ship");
    assertThat(memory.at("/data/memory/longTerm/get/version").asInt()).isEqualTo(1);
    assertThat(memory.at("/data/memory/longTerm/get/metadata/team").asString()).isEqualTo("facilities");
  }

  @Test
  void restRefusesBadPayloadsWithProblemDetailsAndWritesNothing() {
    GatewayClient.Response memory =
        client.post(
            "/api/v1/memory/long-term",
            token,
            Map.of("scope", scope(), "text", "The printer is on floor 3", "metadata", Map.of("tags", List.of("a", "b", "c", LONG_TAG))));
    GatewayClient.Response item =
        client.post(
            "/api/v1/memory/short-term/" + session + "/items", token, Map.of("text", "call the bank", "metadata", Map.of("a b", 1)));
    GatewayClient.Response items = client.get("/api/v1/memory/short-term/" + session + "/items", token);
    String contextId = "rest-" + UUID.randomUUID();
    GatewayClient.Response manage =
        client.send("PUT", "/api/v1/memory/contexts/" + contextId, token, Map.of("data", List.of(1, 2)), Map.of());
    GatewayClient.Response missing = client.get("/api/v1/memory/contexts/" + contextId, token);
    client.send("PUT", "/api/v1/memory/contexts/" + contextId, token, Map.of("data", Map.of("goal", "ship")), Map.of());
    GatewayClient.Response patch =
        client.send(
            "PATCH",
            "/api/v1/memory/contexts/" + contextId,
            token,
            Map.of("owner", Map.of("x\u0007y", "bell")),
            Map.of());
    GatewayClient.Response context = client.get("/api/v1/memory/contexts/" + contextId, token);
    GatewayClient.Response search =
        client.post("/api/v1/memory/long-term/search", token, Map.of("query", "printer", "metadataEquals", Map.of("k", LONG_TAG)));

    assertProblem(memory, "metadata.tags[3]", "maxLength");
    assertProblem(item, "metadata[\"a b\"]", "propertyNames");
    assertThat(items.json().at("/hits")).isEmpty();
    assertProblem(manage, "data", "type");
    assertThat(missing.status()).isEqualTo(404);
    assertProblem(patch, "owner[\"x\\u0007y\"]", "propertyNames");
    assertThat(context.json().at("/version").asInt()).isEqualTo(1);
    assertThat(context.json().at("/data/goal").asString()).isEqualTo("ship");
    assertProblem(search, "metadataEquals.k", "maxLength");
    assertThat(memoriesInSession()).isEmpty();
  }
}
