package dev.nerve.gateway.memory;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nerve.gateway.GatewayClient;
import dev.nerve.gateway.MemorySurfaceTest;
import dev.nerve.gateway.identity.UserStore;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.JsonNode;

/**
 * The memory system through the public surfaces, gateway and memory in one process: GraphQL
 * namespaces and mutations, REST routes, and errors mapped to GraphQL codes and problem+json.
 */
class MemoryGatewayIT extends MemorySurfaceTest {

  @Autowired UserStore users;

  @Test
  void graphQlStoresSearchesAndExplainsLongTermMemories() {
    JsonNode stored =
        client.graphql(
            token,
            "mutation($input: StoreMemoryInput!) { memoryLongTermStore(input: $input) { outcome memory { id version embeddingModel metadata } } }",
            Map.of("input", Map.of("scope", scope(), "text", "The build server password rotates every Monday", "tags", List.of("ops"), "metadata", Map.of("team", "infra"))));
    JsonNode again =
        client.graphql(
            token,
            "mutation($input: StoreMemoryInput!) { memoryLongTermStore(input: $input) { outcome existingMemoryId memory { version } } }",
            Map.of("input", Map.of("scope", scope(), "text", "The build server password rotates every Monday.")));
    JsonNode search =
        client.graphql(
            token,
            "query($p: SearchParamsInput!) { memory { longTerm { search(params: $p) { totalCandidates hits { score memory { id text } explanation { bm25Rank vectorRank rrfScore } } } } } }",
            Map.of("p", Map.of("query", "when does the password rotate", "scope", scope(), "explain", true)));

    String id = stored.at("/data/memoryLongTermStore/memory/id").asString();
    assertThat(stored.at("/data/memoryLongTermStore/outcome").asString()).isEqualTo("CREATED");
    assertThat(stored.at("/data/memoryLongTermStore/memory/embeddingModel").asString()).isEqualTo("all-minilm-l6-v2-q");
    assertThat(stored.at("/data/memoryLongTermStore/memory/metadata/team").asString()).isEqualTo("infra");
    assertThat(again.at("/data/memoryLongTermStore/outcome").asString()).isEqualTo("DEDUPLICATED_UPDATED");
    assertThat(again.at("/data/memoryLongTermStore/existingMemoryId").asString()).isEqualTo(id);
    JsonNode hit = search.at("/data/memory/longTerm/search/hits/0");
    assertThat(hit.at("/memory/id").asString()).isEqualTo(id);
    assertThat(hit.at("/explanation/vectorRank").asInt()).isEqualTo(1);
    assertThat(hit.at("/explanation/rrfScore").asDouble()).isPositive();
  }

  @Test
  void graphQlContextsMergePatchAndReportConflicts() {
    String id = "ctx-" + UUID.randomUUID();
    client.graphql(
        token,
        "mutation($input: ManageContextInput!) { memoryContextManage(input: $input) { version } }",
        Map.of("input", Map.of("id", id, "kind", "task", "data", Map.of("goal", "ship", "owner", Map.of("name", "ada", "team", "x")))));
    JsonNode updated =
        client.graphql(
            token,
            "mutation($id: ID!, $patch: JSON!) { memoryContextUpdate(id: $id, patch: $patch, expectedVersion: 1) { version data } }",
            Map.of("id", id, "patch", Map.of("owner", Map.of("team", (Object) "y"), "goal", "test")));
    JsonNode stale =
        client.graphql(
            token,
            "mutation($id: ID!, $patch: JSON!) { memoryContextUpdate(id: $id, patch: $patch, expectedVersion: 1) { version } }",
            Map.of("id", id, "patch", Map.of("goal", "late")));
    JsonNode read = client.graphql(token, "query($id: ID!) { memory { context { get(id: $id) { version data } } } }", Map.of("id", id));

    assertThat(updated.at("/data/memoryContextUpdate/version").asInt()).isEqualTo(2);
    assertThat(updated.at("/data/memoryContextUpdate/data/owner/name").asString()).isEqualTo("ada");
    assertThat(updated.at("/data/memoryContextUpdate/data/owner/team").asString()).isEqualTo("y");
    assertThat(stale.at("/errors/0/extensions/code").asString()).isEqualTo("CONFLICT");
    assertThat(read.at("/data/memory/context/get/data/goal").asString()).isEqualTo("test");
  }

  @Test
  void restCoversShortTermLongTermAndContextsWithProblemDetails() {
    GatewayClient.Response item =
        client.post("/api/v1/memory/short-term/" + session + "/items", token, Map.of("text", "remind me to call the bank", "role", "user"));
    GatewayClient.Response items = client.get("/api/v1/memory/short-term/" + session + "/items?query=bank", token);
    GatewayClient.Response created =
        client.post("/api/v1/memory/long-term", token, Map.of("scope", scope(), "text", "Ticket JIRA-4242 tracks the printer outage"));
    String id = created.json().at("/memory/id").asString();
    GatewayClient.Response fetched = client.get("/api/v1/memory/long-term/" + id, token);
    GatewayClient.Response search =
        client.post("/api/v1/memory/long-term/search", token, Map.of("query", "JIRA-4242", "scope", scope()));
    GatewayClient.Response invalid = client.post("/api/v1/memory/long-term", token, Map.of("text", ""));
    GatewayClient.Response missing = client.get("/api/v1/memory/contexts/nope-" + UUID.randomUUID(), token);
    GatewayClient.Response context =
        client.send("PUT", "/api/v1/memory/contexts/rest-" + session, token, Map.of("data", Map.of("a", 1)), Map.of());
    GatewayClient.Response cleared = client.send("DELETE", "/api/v1/memory/short-term/" + session + "/items", token, null, Map.of());

    assertThat(item.status()).isEqualTo(201);
    assertThat(item.json().at("/role").asString()).isEqualTo("USER");
    assertThat(items.json().at("/0/item/text").asString()).isEqualTo("remind me to call the bank");
    assertThat(created.status()).isEqualTo(201);
    assertThat(fetched.json().at("/text").asString()).isEqualTo("Ticket JIRA-4242 tracks the printer outage");
    assertThat(search.json().at("/hits/0/memory/id").asString()).isEqualTo(id);
    assertThat(invalid.status()).isEqualTo(400);
    assertThat(invalid.json().at("/code").asString()).isEqualTo("BAD_USER_INPUT");
    assertThat(invalid.text()).contains("text");
    assertThat(missing.status()).isEqualTo(404);
    assertThat(context.status()).isEqualTo(200);
    assertThat(context.json().at("/version").asInt()).isEqualTo(1);
    assertThat(cleared.json().at("/clearedCount").asInt()).isEqualTo(1);
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
    Map<String, String> operations =
        Map.of(
            "query($id: ID!) { memory { longTerm { get(id: $id) { id } } } }", memoryId,
            "query($id: ID!) { memory { context { get(id: $id) { id } } } }", contextId,
            "mutation($id: ID!) { memoryLongTermUpdate(id: $id, input: {text: \"hijacked\"}) { id } }", memoryId,
            "mutation($id: ID!) { memoryLongTermDelete(id: $id) { id } }", memoryId,
            "mutation($id: ID!) { memoryContextUpdate(id: $id, patch: {plan: \"b\"}) { id } }", contextId,
            "mutation($id: ID!) { memoryContextDelete(id: $id) { id } }", contextId);
    operations.forEach(
        (operation, id) ->
            assertThat(client.graphql(intruder, operation, Map.of("id", id)).at("/errors/0/extensions/code").asString())
                .as(operation)
                .isEqualTo("NOT_FOUND"));

    // The owner's objects are untouched.
    JsonNode memory = client.get("/api/v1/memory/long-term/" + memoryId, ownerToken).json();
    assertThat(memory.get("text").asString()).contains("launch code 7731");
    assertThat(memory.get("version").asInt()).isEqualTo(1);
    JsonNode context = client.get("/api/v1/memory/contexts/" + contextId, ownerToken).json();
    assertThat(context.at("/data/plan").asString()).isEqualTo("a");
    assertThat(context.get("version").asInt()).isEqualTo(1);
  }
}
