package dev.nerve.gateway.identity;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.nerve.gateway.GatewayClient;
import dev.nerve.gateway.GatewayReplicas;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Access tokens are checked beyond their signature: not before {@code nbf} or {@code iat} (with a
 * small skew allowance), only for users that exist and are enabled, and a disable takes effect on
 * every replica at once.
 */
class TokenChecksIT {

  @Test
  void tokensFromTheFutureOrForNoUserAreRefused() throws Exception {
    try (ConfigurableApplicationContext gateway = GatewayReplicas.start()) {
      GatewayClient client = GatewayReplicas.client(gateway);
      SigningKeys keys = gateway.getBean(SigningKeys.class);
      UserStore users = gateway.getBean(UserStore.class);
      String username = GatewayClient.user(users, "tokens-" + UUID.randomUUID(), "viewer");
      UserAccount user = users.byUsername(username).orElseThrow();
      Instant now = Instant.now();

      assertThat(client.get("/api/v1/auth/me", sign(keys, user, user.id().toString(), now, null)).status())
          .as("a well-formed token of an enabled user")
          .isEqualTo(200);
      assertThat(client.get("/api/v1/auth/me", sign(keys, user, user.id().toString(), now.plusSeconds(600), null)).status())
          .as("iat in the future")
          .isEqualTo(401);
      assertThat(client.get("/api/v1/auth/me", sign(keys, user, user.id().toString(), now, now.plusSeconds(600))).status())
          .as("nbf in the future")
          .isEqualTo(401);
      assertThat(client.get("/api/v1/auth/me", sign(keys, user, user.id().toString(), now.plusSeconds(10), now.plusSeconds(10))).status())
          .as("within the clock-skew allowance")
          .isEqualTo(200);
      assertThat(client.get("/api/v1/auth/me", sign(keys, user, UUID.randomUUID().toString(), now, null)).status())
          .as("sub names no user")
          .isEqualTo(401);
      assertThat(client.get("/api/v1/auth/me", sign(keys, user, "not-a-user-id", now, null)).status())
          .as("sub is not a user id")
          .isEqualTo(401);
    }
  }

  @Test
  void disablingAUserStopsItsAccessTokensOnEveryReplicaAtOnce() {
    try (ConfigurableApplicationContext a = GatewayReplicas.start();
        ConfigurableApplicationContext b = GatewayReplicas.start()) {
      GatewayClient first = GatewayReplicas.client(a);
      GatewayClient second = GatewayReplicas.client(b);
      UserStore users = a.getBean(UserStore.class);
      String tenant = "disable-" + UUID.randomUUID();
      String admin = GatewayClient.user(users, tenant, "admin");
      String victim = GatewayClient.user(users, tenant, "viewer");
      String victimToken = second.accessToken(victim, GatewayClient.PASSWORD);
      assertThat(second.get("/api/v1/auth/me", victimToken).status()).isEqualTo(200);
      assertThat(first.get("/api/v1/auth/me", victimToken).status()).isEqualTo(200);

      String adminToken = first.accessToken(admin, GatewayClient.PASSWORD);
      var disabled =
          first.graphql(
              adminToken,
              "mutation($id: ID!) { identityUsersDisable(id: $id) { id disabled } }",
              Map.of("id", users.byUsername(victim).orElseThrow().id().toString()));
      assertThat(disabled.at("/data/identityUsersDisable/disabled").asBoolean()).as(disabled.toString()).isTrue();

      assertThat(first.get("/api/v1/auth/me", victimToken).status()).as("replica that disabled").isEqualTo(401);
      Awaitility.await()
          .atMost(Duration.ofSeconds(2))
          .untilAsserted(
              () -> assertThat(second.get("/api/v1/auth/me", victimToken).status()).as("other replica").isEqualTo(401));
    }
  }

  private static String sign(SigningKeys keys, UserAccount user, String subject, Instant issued, Instant notBefore)
      throws Exception {
    ECKey key = keys.signingKey();
    JWTClaimsSet.Builder claims =
        new JWTClaimsSet.Builder()
            .issuer("nerve")
            .subject(subject)
            .claim("tid", user.tenantId())
            .claim("roles", List.copyOf(user.roles()))
            .issueTime(Date.from(issued))
            .expirationTime(Date.from(Instant.now().plusSeconds(900)))
            .jwtID(UUID.randomUUID().toString());
    if (notBefore != null) {
      claims.notBeforeTime(Date.from(notBefore));
    }
    SignedJWT jwt =
        new SignedJWT(
            new JWSHeader.Builder(JWSAlgorithm.ES256).keyID(key.getKeyID()).type(JOSEObjectType.JWT).build(),
            claims.build());
    jwt.sign(new ECDSASigner(key));
    return jwt.serialize();
  }
}
