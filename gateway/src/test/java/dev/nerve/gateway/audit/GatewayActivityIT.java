package dev.nerve.gateway.audit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nerve.api.learning.v1.ActivityEvent;
import dev.nerve.gateway.GatewayClient;
import dev.nerve.gateway.GatewayTestApplication;
import dev.nerve.gateway.identity.UserStore;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Operations the gateway audits become activity events in its outbox: name, outcome and user, no
 * payload. (Without a learning target in this process they stay queued; delivery is covered by
 * the learning module's OutboxRelayIT.)
 */
@SpringBootTest(
    classes = GatewayTestApplication.class,
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {"nerve.targets=gateway", "nerve.gateway.rate-limit.per-minute=100000"})
class GatewayActivityIT {

  @LocalServerPort int port;
  @Autowired UserStore users;
  @Autowired JdbcTemplate jdbc;

  @Test
  void auditedOperationsAreQueuedAsActivityWithoutTheirPayloads() {
    GatewayClient client = new GatewayClient(port);
    String tenant = "activity-" + UUID.randomUUID();
    String admin = client.accessToken(GatewayClient.user(users, tenant, "admin"), GatewayClient.PASSWORD);
    String userId = client.get("/api/v1/auth/me", admin).json().get("userId").asString();
    client.graphql(admin, "mutation { identityApiKeysCreate(input: {name: \"secret-name-42\", roles: [\"viewer\"]}) { key { id } } }");

    List<ActivityEvent> events =
        jdbc.query("select event from gateway.activity_outbox where tenant_id = ? order by seq", (rs, n) -> parse(rs.getBytes(1)), tenant);
    assertThat(events).extracting(ActivityEvent::getOperation).contains("Mutation.identityApiKeysCreate");
    ActivityEvent created = events.stream().filter(e -> e.getOperation().equals("Mutation.identityApiKeysCreate")).findFirst().orElseThrow();
    assertThat(created.getUserId()).isEqualTo(userId);
    assertThat(created.getType()).isEqualTo("operation");
    assertThat(created.getOutcome()).isEqualTo("OK");
    assertThat(created.getSource()).isEqualTo("gateway");
    assertThat(created.getId()).isNotEmpty();
    assertThat(created.toString()).doesNotContain("secret-name-42");
  }

  private static ActivityEvent parse(byte[] bytes) {
    try {
      return ActivityEvent.parseFrom(bytes);
    } catch (com.google.protobuf.InvalidProtocolBufferException e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  void actorsMapToUsersAndAnonymousCallersAreSkipped() {
    assertThat(GatewayActivity.userOf("user:42")).isEqualTo("42");
    assertThat(GatewayActivity.userOf("key:abc")).isEqualTo("apikey:abc");
    assertThat(GatewayActivity.userOf("ip:127.0.0.1")).isNull();
  }
}
