package dev.nerve.gateway.security;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nerve.gateway.GatewayClient;
import dev.nerve.gateway.GatewayTestApplication;
import dev.nerve.gateway.identity.UserStore;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;

/**
 * Every mutation lands in the audit log with actor, targets, result and trace, also when it was
 * refused before it ran; admins page through it.
 */
@SpringBootTest(
    classes = GatewayTestApplication.class,
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {"nerve.targets=gateway", "nerve.gateway.rate-limit.per-minute=100000"})
class AuditLogIT {

  @LocalServerPort int port;
  @Autowired UserStore users;

  @Test
  void mutationsAreRecordedAndQueryableWithFiltersAndCursors() {
    GatewayClient client = new GatewayClient(port);
    String tenant = "audit-" + UUID.randomUUID();
    String admin = client.accessToken(GatewayClient.user(users, tenant, "admin"), GatewayClient.PASSWORD);
    String actor = "user:" + client.get("/api/v1/auth/me", admin).json().get("userId").asString();

    JsonNode created =
        client.graphql(admin, "mutation { identityApiKeysCreate(input: {name: \"audited\", roles: [\"viewer\"]}) { key { id } } }");
    String keyId = created.at("/data/identityApiKeysCreate/key/id").asString();
    assertThat(client.send("DELETE", "/api/v1/identity/api-keys/" + keyId, admin, null, Map.of()).status()).isEqualTo(204);
    String missing = UUID.randomUUID().toString();
    assertThat(client.graphql(admin, "mutation { identityApiKeysRevoke(id: \"" + missing + "\") { id } }")
            .at("/errors/0/extensions/code").asString())
        .isEqualTo("NOT_FOUND");

    JsonNode all = client.get("/api/v1/audit", admin).json().get("items");
    assertThat(all).hasSize(3);
    JsonNode newest = all.get(0);
    assertThat(newest.get("operation").asString()).isEqualTo("Mutation.identityApiKeysRevoke");
    assertThat(newest.get("result").asString()).isEqualTo("NOT_FOUND");
    assertThat(newest.get("targetIds").toString()).contains(missing);
    assertThat(newest.get("actor").asString()).isEqualTo(actor);
    assertThat(newest.get("traceId").asString()).matches("[0-9a-f]{32}");
    assertThat(all.get(1).get("operation").asString()).isEqualTo("DELETE /api/v1/identity/api-keys/{id}");
    assertThat(all.get(1).get("targetIds").toString()).contains(keyId);
    assertThat(all.get(2).get("operation").asString()).isEqualTo("Mutation.identityApiKeysCreate");
    assertThat(all.get(2).get("targetIds").toString()).contains(keyId);

    // Filters and cursor pages, over GraphQL.
    JsonNode page1 =
        client.graphql(admin, "{ audit(first: 1, filter: {result: \"OK\"}) { edges { node { operation } } pageInfo { hasNextPage endCursor } } }");
    assertThat(page1.at("/data/audit/edges").size()).isEqualTo(1);
    assertThat(page1.at("/data/audit/pageInfo/hasNextPage").asBoolean()).isTrue();
    JsonNode page2 =
        client.graphql(
            admin,
            "query($after: String) { audit(first: 1, after: $after, filter: {result: \"OK\"}) { edges { node { operation } } pageInfo { hasNextPage } } }",
            Map.of("after", page1.at("/data/audit/pageInfo/endCursor").asString()));
    assertThat(page2.at("/data/audit/edges/0/node/operation").asString()).isEqualTo("Mutation.identityApiKeysCreate");
    assertThat(page2.at("/data/audit/pageInfo/hasNextPage").asBoolean()).isFalse();

    JsonNode byOperation = client.get("/api/v1/audit?operation=Mutation.identityApiKeysCreate", admin).json();
    assertThat(byOperation.get("items")).hasSize(1);
    assertThat(client.get("/api/v1/audit?limit=0", admin).status()).isEqualTo(400);
    assertThat(client.get("/api/v1/audit?cursor=bogus", admin).json().at("/violations/0/field").asString()).isEqualTo("cursor");
    assertThat(List.of(client.get("/api/v1/audit?since=yesterday", admin).status())).containsExactly(400);
  }

  @Test
  void refusedMutationsAreRecordedOncePerCallerOperationAndMinute() {
    GatewayClient client = new GatewayClient(port);
    String tenant = "audit-refused-" + UUID.randomUUID();
    String admin = client.accessToken(GatewayClient.user(users, tenant, "admin"), GatewayClient.PASSWORD);
    String viewer = client.accessToken(GatewayClient.user(users, tenant, "viewer"), GatewayClient.PASSWORD);
    String viewerActor = "user:" + client.get("/api/v1/auth/me", viewer).json().get("userId").asString();
    String keyId = UUID.randomUUID().toString();

    for (int attempt = 0; attempt < 3; attempt++) {
      JsonNode refused =
          client.graphql(viewer, "mutation { identityApiKeysCreate(input: {name: \"nope\", roles: [\"viewer\"]}) { key { id } } }");
      assertThat(refused.at("/errors/0/extensions/code").asString()).isEqualTo("FORBIDDEN");
      assertThat(client.send("DELETE", "/api/v1/identity/api-keys/" + keyId, viewer, null, Map.of()).status())
          .isEqualTo(403);
      // Reads are not audited, refused or not.
      assertThat(client.get("/api/v1/audit", viewer).status()).isEqualTo(403);
    }

    JsonNode entries = client.get("/api/v1/audit?actor=" + viewerActor, admin).json().get("items");
    assertThat(entries).hasSize(2);
    assertThat(entries.get(0).get("operation").asString()).isEqualTo("DELETE /api/v1/identity/api-keys/{id}");
    assertThat(entries.get(0).get("result").asString()).isEqualTo("FORBIDDEN");
    assertThat(entries.get(0).get("targetIds").toString()).contains(keyId);
    assertThat(entries.get(1).get("operation").asString()).isEqualTo("Mutation.identityApiKeysCreate");
    assertThat(entries.get(1).get("result").asString()).isEqualTo("FORBIDDEN");
    assertThat(entries.get(1).get("traceId").asString()).matches("[0-9a-f]{32}");
  }
}
