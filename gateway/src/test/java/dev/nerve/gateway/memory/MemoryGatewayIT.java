package dev.nerve.gateway.memory;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nerve.gateway.GatewayClient;
import dev.nerve.gateway.MemorySurfaceTest;
import dev.nerve.gateway.identity.UserStore;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.JsonNode;

/**
 * The memory system through the public surfaces, gateway and memory in one process: GraphQL
 * namespaces, mutations and Relay connections, REST routes from the contracts' http bindings, and
 * errors mapped to GraphQL codes and problem+json.
 */
class MemoryGatewayIT extends MemorySurfaceTest {

  @Autowired UserStore users;

  @Test
  void graphQlStoresSearchesAndExplainsLongTermMemories() {
    JsonNode stored =
        client.graphql(
            token,
            "mutation($input: MemoryLongTermStoreInput!) { memoryLongTermStore(input: $input) { outcome memory { id version embeddingModel metadata } } }",
            Map.of("input", Map.of("scope", scope(), "text", "The build server password rotates every Monday", "tags", List.of("ops"), "metadata", Map.of("team", "infra"))));
    JsonNode again =
        client.graphql(
            token,
            "mutation($input: MemoryLongTermStoreInput!) { memoryLongTermStore(input: $input) { outcome existingMemoryId memory { version } } }",
            Map.of("input", Map.of("scope", scope(), "text", "The build server password rotates every Monday.")));
    JsonNode search =
        client.graphql(
            token,
            "query($p: SearchParamsInput!) { memory { longTerm { search(params: $p) { totalCandidates pageInfo { hasNextPage hasPreviousPage startCursor endCursor }"
                + " edges { cursor node { score memory { id text } explanation { bm25Rank vectorRank rrfScore } } } } } } }",
            Map.of("p", Map.of("query", "when does the password rotate", "scope", scope(), "explain", true)));

    String id = stored.at("/data/memoryLongTermStore/memory/id").asString();
    assertThat(stored.at("/data/memoryLongTermStore/outcome").asString()).as(stored.toString()).isEqualTo("CREATED");
    assertThat(stored.at("/data/memoryLongTermStore/memory/embeddingModel").asString()).isEqualTo("all-minilm-l6-v2-q");
    assertThat(stored.at("/data/memoryLongTermStore/memory/metadata/team").asString()).isEqualTo("infra");
    assertThat(again.at("/data/memoryLongTermStore/outcome").asString()).isEqualTo("DEDUPLICATED_UPDATED");
    assertThat(again.at("/data/memoryLongTermStore/existingMemoryId").asString()).isEqualTo(id);
    JsonNode connection = search.at("/data/memory/longTerm/search");
    JsonNode edge = connection.at("/edges/0");
    assertThat(edge.at("/node/memory/id").asString()).as(search.toString()).isEqualTo(id);
    assertThat(edge.at("/node/explanation/vectorRank").asInt()).isEqualTo(1);
    assertThat(edge.at("/node/explanation/rrfScore").asDouble()).isPositive();
    assertThat(edge.at("/cursor").asString()).isNotEmpty();
    assertThat(connection.at("/pageInfo/startCursor").asString()).isEqualTo(edge.at("/cursor").asString());
    assertThat(connection.at("/pageInfo/hasPreviousPage").asBoolean()).isFalse();
  }

  @Test
  void graphQlConnectionsPageWithEdgeCursors() {
    for (int i = 0; i < 3; i++) {
      client.graphql(
          token,
          "mutation($input: MemoryLongTermStoreInput!) { memoryLongTermStore(input: $input) { outcome } }",
          Map.of("input", Map.of("scope", scope(), "text", "Paging note number " + i + " about item " + UUID.randomUUID())));
    }
    String query =
        "query($scope: MemoryScopeInput, $after: String) { memory { longTerm { list(scope: $scope, first: 2, after: $after) {"
            + " edges { cursor node { text } } pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } } } }";
    JsonNode first = client.graphql(token, query, Map.of("scope", scope())).at("/data/memory/longTerm/list");
    java.util.HashMap<String, Object> next = new java.util.HashMap<>(Map.of("scope", scope()));
    next.put("after", first.at("/edges/0/cursor").asString());
    JsonNode fromFirstEdge = client.graphql(token, query, next).at("/data/memory/longTerm/list");

    assertThat(first.at("/edges").size()).as(first.toString()).isEqualTo(2);
    assertThat(first.at("/pageInfo/hasNextPage").asBoolean()).isTrue();
    assertThat(first.at("/pageInfo/endCursor").asString()).isEqualTo(first.at("/edges/1/cursor").asString());
    // Continuing after the first edge's cursor starts with the second item.
    assertThat(fromFirstEdge.at("/edges/0/node/text").asString()).isEqualTo(first.at("/edges/1/node/text").asString());
    assertThat(fromFirstEdge.at("/pageInfo/hasPreviousPage").asBoolean()).isTrue();
  }

  @Test
  void graphQlContextsMergePatchAndReportConflicts() {
    String id = "ctx-" + UUID.randomUUID();
    client.graphql(
        token,
        "mutation($input: MemoryContextManageInput!) { memoryContextManage(input: $input) { version } }",
        Map.of("input", Map.of("id", id, "kind", "task", "data", Map.of("goal", "ship", "owner", Map.of("name", "ada", "team", "x")))));
    String update =
        "mutation($input: MemoryContextUpdateInput!) { memoryContextUpdate(input: $input) { version data } }";
    JsonNode updated =
        client.graphql(
            token, update,
            Map.of("input", Map.of("id", id, "mergePatch", Map.of("owner", Map.of("team", (Object) "y"), "goal", "test"), "expectedVersion", 1)));
    JsonNode stale =
        client.graphql(token, update, Map.of("input", Map.of("id", id, "mergePatch", Map.of("goal", "late"), "expectedVersion", 1)));
    JsonNode read = client.graphql(token, "query($id: ID!) { memory { context { get(id: $id) { version data } } } }", Map.of("id", id));
    JsonNode deleted = client.graphql(token, "mutation($id: ID!) { memoryContextDelete(id: $id) }", Map.of("id", id));

    assertThat(updated.at("/data/memoryContextUpdate/version").asInt()).as(updated.toString()).isEqualTo(2);
    assertThat(updated.at("/data/memoryContextUpdate/data/owner/name").asString()).isEqualTo("ada");
    assertThat(updated.at("/data/memoryContextUpdate/data/owner/team").asString()).isEqualTo("y");
    assertThat(stale.at("/errors/0/extensions/code").asString()).isEqualTo("CONFLICT");
    assertThat(read.at("/data/memory/context/get/data/goal").asString()).isEqualTo("test");
    assertThat(deleted.at("/data/memoryContextDelete").asString()).isEqualTo(id);
  }

  @Test
  void unknownAndMistypedFieldsAreRefusedWithTheClientsPaths() {
    JsonNode graphQlTypo =
        client.graphql(
            token,
            "query { memory { longTerm { search(params: {query: \"x\", scope: {session: \"chat-26\"}}) { totalCandidates } } } }");
    GatewayClient.Response restTypo =
        client.post("/api/v1/memory/long-term/search", token, Map.of("query", "x", "scope", Map.of("session", "chat-26")));
    GatewayClient.Response restUnknownTop = client.post("/api/v1/memory/long-term", token, Map.of("text", "a", "createdAt", "2020-01-01T00:00:00Z"));
    GatewayClient.Response badPage = client.get("/api/v1/memory/long-term?limit=100000", token);
    JsonNode graphQlPage = client.graphql(token, "{ memory { longTerm { list(first: 100000) { pageInfo { hasNextPage } } } } }");
    GatewayClient.Response nullBody = client.post("/api/v1/memory/long-term", token, "null");
    GatewayClient.Response duplicateKeys = client.post("/api/v1/memory/long-term", token, "{\"text\":\"a\",\"text\":\"b\"}");

    // GraphQL refuses the unknown input field while validating the document.
    assertThat(graphQlTypo.at("/errors/0/extensions/code").asString()).isEqualTo("BAD_USER_INPUT");
    assertThat(graphQlTypo.at("/errors/0/message").asString()).contains("session");
    assertThat(restTypo.status()).isEqualTo(400);
    assertThat(restTypo.json().at("/violations/0/field").asString()).isEqualTo("scope.session");
    assertThat(restTypo.json().at("/violations/0/rule").asString()).isEqualTo("unknown");
    assertThat(restTypo.json().at("/violations/0/message").asString()).contains("sessionId");
    assertThat(restUnknownTop.json().at("/violations/0/field").asString()).isEqualTo("createdAt");
    assertThat(badPage.status()).isEqualTo(400);
    assertThat(badPage.json().at("/violations/0/field").asString()).as(badPage.text()).isEqualTo("limit");
    assertThat(graphQlPage.at("/errors/0/extensions/violations/0/field").asString()).as(graphQlPage.toString()).isEqualTo("first");
    assertThat(nullBody.status()).isEqualTo(400);
    assertThat(nullBody.json().at("/violations/0/field").asString()).isEqualTo("text");
    assertThat(duplicateKeys.status()).isEqualTo(400);
  }

  @Test
  void restCoversShortTermLongTermAndContextsWithProblemDetails() {
    GatewayClient.Response item =
        client.post("/api/v1/memory/short-term/" + session + "/items", token, Map.of("text", "remind me to call the bank", "role", "USER"));
    GatewayClient.Response items = client.get("/api/v1/memory/short-term/" + session + "/items?query=bank", token);
    GatewayClient.Response created =
        client.post("/api/v1/memory/long-term", token, Map.of("scope", scope(), "text", "Ticket JIRA-4242 tracks the printer outage"));
    String id = created.json().at("/memory/id").asString();
    GatewayClient.Response fetched = client.get("/api/v1/memory/long-term/" + id, token);
    GatewayClient.Response patched =
        client.send("PATCH", "/api/v1/memory/long-term/" + id + "?expectedVersion=1", token, Map.of("tags", List.of("it")), Map.of());
    GatewayClient.Response search =
        client.post("/api/v1/memory/long-term/search", token, Map.of("query", "JIRA-4242", "scope", scope()));
    GatewayClient.Response listed = client.get("/api/v1/memory/long-term?scope.sessionId=" + session + "&limit=1", token);
    GatewayClient.Response invalid = client.post("/api/v1/memory/long-term", token, Map.of("text", ""));
    GatewayClient.Response missing = client.get("/api/v1/memory/contexts/nope-" + UUID.randomUUID(), token);
    GatewayClient.Response context =
        client.send("PUT", "/api/v1/memory/contexts/rest-" + session, token, Map.of("data", Map.of("a", 1)), Map.of());
    GatewayClient.Response patch =
        client.send("PATCH", "/api/v1/memory/contexts/rest-" + session, token, Map.of("b", 2), Map.of());
    GatewayClient.Response cleared = client.post("/api/v1/memory/short-term/" + session + "/items:clear", token, null);
    GatewayClient.Response deleted = client.send("DELETE", "/api/v1/memory/long-term/" + id, token, null, Map.of());

    assertThat(item.status()).as(item.text()).isEqualTo(201);
    assertThat(item.json().at("/role").asString()).isEqualTo("USER");
    assertThat(items.json().at("/hits/0/item/text").asString()).as(items.text()).isEqualTo("remind me to call the bank");
    assertThat(created.status()).isEqualTo(201);
    assertThat(fetched.json().at("/text").asString()).isEqualTo("Ticket JIRA-4242 tracks the printer outage");
    assertThat(patched.json().at("/version").asInt()).as(patched.text()).isEqualTo(2);
    assertThat(patched.json().at("/tags/0").asString()).isEqualTo("it");
    assertThat(patched.json().at("/text").asString()).isEqualTo("Ticket JIRA-4242 tracks the printer outage");
    assertThat(search.json().at("/hits/0/memory/id").asString()).isEqualTo(id);
    assertThat(listed.json().at("/memories").size()).as(listed.text()).isEqualTo(1);
    assertThat(listed.json().at("/pageInfo/itemCursors/0").asString()).isNotEmpty();
    assertThat(invalid.status()).isEqualTo(400);
    assertThat(invalid.header("Content-Type")).contains("application/problem+json");
    assertThat(invalid.json().at("/code").asString()).isEqualTo("BAD_USER_INPUT");
    assertThat(invalid.json().at("/violations/0/field").asString()).isEqualTo("text");
    assertThat(missing.status()).isEqualTo(404);
    assertThat(context.status()).isEqualTo(200);
    assertThat(context.json().at("/version").asInt()).isEqualTo(1);
    assertThat(patch.json().at("/data/b").asInt()).as(patch.text()).isEqualTo(2);
    assertThat(patch.json().at("/data/a").asInt()).isEqualTo(1);
    assertThat(cleared.json().at("/clearedCount").asInt()).as(cleared.text()).isEqualTo(1);
    assertThat(deleted.status()).isEqualTo(204);
    assertThat(deleted.text()).isEmpty();
    assertThat(client.get("/api/v1/memory/long-term/" + id, token).status()).isEqualTo(404);
  }

  @Test
  void anotherTenantsMemoriesAndContextsAreNotFoundOverRestAndGraphQl() {
    String ownerToken = client.accessToken(GatewayClient.user(users, "mem-a-" + UUID.randomUUID(), "admin"), GatewayClient.PASSWORD);
    String intruder = client.accessToken(GatewayClient.user(users, "mem-b-" + UUID.randomUUID(), "admin"), GatewayClient.PASSWORD);
    String memoryId =
        client.post("/api/v1/memory/long-term", ownerToken, Map.of("text", "Tenant A launch code 7731 for project kestrel"))
            .json().at("/memory/id").asString();
    String contextId = "ctx-" + UUID.randomUUID();
    assertThat(client.send("PUT", "/api/v1/memory/contexts/" + contextId, ownerToken, Map.of("data", Map.of("plan", "a")), Map.of()).status())
        .isEqualTo(200);

    // REST: read, update and delete of the other tenant's objects are 404; search finds nothing.
    assertThat(client.get("/api/v1/memory/long-term/" + memoryId, intruder).status()).isEqualTo(404);
    assertThat(client.send("PATCH", "/api/v1/memory/long-term/" + memoryId, intruder, Map.of("text", "hijacked"), Map.of()).status())
        .isEqualTo(404);
    assertThat(client.send("DELETE", "/api/v1/memory/long-term/" + memoryId, intruder, null, Map.of()).status()).isEqualTo(404);
    assertThat(client.post("/api/v1/memory/long-term/search", intruder, Map.of("query", "launch code 7731 kestrel")).text())
        .doesNotContain(memoryId);
    assertThat(client.get("/api/v1/memory/contexts/" + contextId, intruder).status()).isEqualTo(404);
    assertThat(client.send("PATCH", "/api/v1/memory/contexts/" + contextId, intruder, Map.of("plan", "b"), Map.of()).status())
        .isEqualTo(404);
    assertThat(client.send("DELETE", "/api/v1/memory/contexts/" + contextId, intruder, null, Map.of()).status()).isEqualTo(404);

    // GraphQL: the same, as NOT_FOUND.
    List<String[]> operations = new ArrayList<>();
    operations.add(new String[] {"query($id: ID!) { memory { longTerm { get(id: $id) { id } } } }", memoryId});
    operations.add(new String[] {"query($id: ID!) { memory { context { get(id: $id) { id } } } }", contextId});
    operations.add(new String[] {"mutation($id: ID!) { memoryLongTermUpdate(input: {memory: {id: $id, text: \"hijacked\"}}) { id } }", memoryId});
    operations.add(new String[] {"mutation($id: ID!) { memoryLongTermDelete(id: $id) }", memoryId});
    operations.add(new String[] {"mutation($id: ID!) { memoryContextUpdate(input: {id: $id, mergePatch: {plan: \"b\"}}) { id } }", contextId});
    operations.add(new String[] {"mutation($id: ID!) { memoryContextDelete(id: $id) }", contextId});
    for (String[] operation : operations) {
      assertThat(client.graphql(intruder, operation[0], Map.of("id", operation[1])).at("/errors/0/extensions/code").asString())
          .as(operation[0])
          .isEqualTo("NOT_FOUND");
    }

    // The owner's objects are untouched.
    JsonNode memory = client.get("/api/v1/memory/long-term/" + memoryId, ownerToken).json();
    assertThat(memory.get("text").asString()).contains("launch code 7731");
    assertThat(memory.get("version").asInt()).isEqualTo(1);
    JsonNode context = client.get("/api/v1/memory/contexts/" + contextId, ownerToken).json();
    assertThat(context.at("/data/plan").asString()).isEqualTo("a");
    assertThat(context.get("version").asInt()).isEqualTo(1);
  }
}
