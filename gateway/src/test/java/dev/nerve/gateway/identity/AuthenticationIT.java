package dev.nerve.gateway.identity;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.nerve.gateway.GatewayClient;
import dev.nerve.gateway.GatewayTestApplication;
import dev.nerve.platform.identity.Identity;
import dev.nerve.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * Login, refresh with rotation and reuse detection, logout, API keys, signing key rotation with the
 * JWKS, rejected credentials, and tokens of an external OIDC issuer (served by this test).
 */
@SpringBootTest(
    classes = GatewayTestApplication.class,
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {"nerve.targets=gateway", "nerve.gateway.rate-limit.per-minute=100000"})
class AuthenticationIT {

  private static final StubOidcIssuer OIDC = StubOidcIssuer.start();

  @LocalServerPort int port;
  @Autowired UserStore users;
  @Autowired RefreshTokens refreshTokens;
  @Autowired SigningKeys signingKeys;
  @Autowired GatewayStore store;

  private GatewayClient client;

  @DynamicPropertySource
  static void oidc(DynamicPropertyRegistry registry) {
    registry.add("nerve.gateway.auth.oidc-issuer", OIDC::issuer);
    registry.add("nerve.gateway.auth.oidc-audience", () -> "nerve-api");
  }

  @BeforeEach
  void client() {
    client = new GatewayClient(port);
  }

  @AfterAll
  static void stopIssuer() {
    OIDC.close();
  }

  @Test
  void bootstrapAdminLogsInAndTheGatewayRequiresAuthentication() {
    JsonNode tokens = client.login(dev.nerve.testing.TestServers.ADMIN_USERNAME, dev.nerve.testing.TestServers.adminPassword());
    assertThat(tokens.get("expiresIn").asLong()).isEqualTo(900);
    assertThat(tokens.get("refreshToken").asString()).startsWith("nrt_");

    JsonNode me = client.get("/api/v1/auth/me", tokens.get("accessToken").asString()).json();
    assertThat(me.get("tenantId").asString()).isEqualTo("default");
    assertThat(me.get("roles").toString()).contains("admin");

    GatewayClient.Response anonymous = client.get("/api/v1/auth/me", null);
    assertThat(anonymous.status()).isEqualTo(401);
    assertThat(anonymous.json().get("code").asString()).isEqualTo("UNAUTHENTICATED");
    JsonNode graphql = client.graphql(null, "{ me { userId } }");
    assertThat(graphql.at("/errors/0/extensions/code").asString()).isEqualTo("UNAUTHENTICATED");
    assertThat(graphql.path("data").isMissingNode() || graphql.get("data").isNull()).isTrue();
  }

  @Test
  void wrongPasswordAndUnknownUserGetTheSameAnswer() {
    String username = GatewayClient.user(users, "t-" + UUID.randomUUID(), "viewer");
    GatewayClient.Response wrong =
        client.post("/api/v1/auth/token", null, Map.of("username", username, "password", "nope-nope-nope"));
    GatewayClient.Response unknown =
        client.post("/api/v1/auth/token", null, Map.of("username", "no-such-user", "password", "nope-nope-nope"));
    assertThat(wrong.status()).isEqualTo(401);
    assertThat(unknown.status()).isEqualTo(401);
    assertThat(wrong.json().get("detail")).isEqualTo(unknown.json().get("detail"));
  }

  @Test
  void refreshRotatesAndReuseRevokesTheWholeFamily() {
    String username = GatewayClient.user(users, "t-" + UUID.randomUUID(), "operator");
    String first = client.login(username, GatewayClient.PASSWORD).get("refreshToken").asString();

    GatewayClient.Response refreshed = client.post("/api/v1/auth/token", null, Map.of("refreshToken", first));
    assertThat(refreshed.status()).isEqualTo(200);
    String second = refreshed.json().get("refreshToken").asString();
    assertThat(second).isNotEqualTo(first);
    assertThat(client.get("/api/v1/auth/me", refreshed.json().get("accessToken").asString()).status()).isEqualTo(200);

    // The rotated token comes back: stolen. Its whole family dies, including the fresh one.
    GatewayClient.Response reuse = client.post("/api/v1/auth/token", null, Map.of("refreshToken", first));
    assertThat(reuse.status()).isEqualTo(401);
    assertThat(reuse.json().get("detail").asString()).contains("revoked");
    assertThat(client.post("/api/v1/auth/token", null, Map.of("refreshToken", second)).status()).isEqualTo(401);

    // Over GraphQL too.
    String third = client.login(username, GatewayClient.PASSWORD).get("refreshToken").asString();
    JsonNode viaGraphql =
        client.graphql(
            null,
            "mutation($t: String!) { authRefresh(input: {refreshToken: $t}) { accessToken refreshToken expiresIn } }",
            Map.of("t", third));
    assertThat(viaGraphql.at("/data/authRefresh/accessToken").asString()).isNotBlank();
    JsonNode replay =
        client.graphql(
            null,
            "mutation($t: String!) { authRefresh(input: {refreshToken: $t}) { accessToken } }",
            Map.of("t", third));
    assertThat(replay.at("/errors/0/extensions/code").asString()).isEqualTo("UNAUTHENTICATED");
  }

  @Test
  void logoutEndsTheSession() {
    String username = GatewayClient.user(users, "t-" + UUID.randomUUID(), "viewer");
    JsonNode login =
        client.graphql(
            null,
            "mutation($u: String!, $p: String!) { authLogin(input: {username: $u, password: $p}) { accessToken refreshToken } }",
            Map.of("u", username, "p", GatewayClient.PASSWORD));
    String refresh = login.at("/data/authLogin/refreshToken").asString();

    assertThat(client.post("/api/v1/auth/logout", null, Map.of("refreshToken", refresh)).status()).isEqualTo(204);
    assertThat(client.post("/api/v1/auth/token", null, Map.of("refreshToken", refresh)).status()).isEqualTo(401);
  }

  @Test
  void apiKeysAreShownOnceWorkUntilRevokedAndRecordTheirUse() {
    String admin = client.adminToken();
    GatewayClient.Response created =
        client.post("/api/v1/identity/api-keys", admin, Map.of("name", "ci bot", "roles", List.of("viewer")));
    assertThat(created.status()).isEqualTo(201);
    String secret = created.json().get("secret").asString();
    String id = created.json().at("/key/id").asString();
    assertThat(secret).startsWith("nrv_");

    GatewayClient.Response me = client.get("/api/v1/auth/me", secret);
    assertThat(me.status()).isEqualTo(200);
    assertThat(me.json().get("userId").asString()).isEqualTo("apikey:" + id);
    GatewayClient.Response viaHeader = client.send("GET", "/api/v1/auth/me", null, null, Map.of("X-API-Key", secret));
    assertThat(viaHeader.status()).isEqualTo(200);

    JsonNode listed = client.get("/api/v1/identity/api-keys", admin).json();
    JsonNode mine = null;
    for (JsonNode key : listed) {
      if (key.get("id").asString().equals(id)) {
        mine = key;
      }
    }
    assertThat(mine).isNotNull();
    assertThat(mine.get("lastUsedAt").isNull()).isFalse();
    assertThat(listed.toString()).doesNotContain(secret);

    // A viewer key cannot create keys; an admin cannot hand out more than admin anyway.
    assertThat(client.post("/api/v1/identity/api-keys", secret, Map.of("name", "x", "roles", List.of("viewer"))).status())
        .isEqualTo(403);

    assertThat(client.send("DELETE", "/api/v1/identity/api-keys/" + id, admin, null, Map.of()).status()).isEqualTo(204);
    assertThat(client.get("/api/v1/auth/me", secret).status()).isEqualTo(401);
  }

  @Test
  void signingKeyRotationKeepsIssuedTokensValidAndPublishesBothKeys() throws Exception {
    String admin = client.adminToken();
    String oldKid = SignedJWT.parse(admin).getHeader().getKeyID();

    GatewayClient.Response rotated = client.post("/api/v1/identity/signing-keys", admin, null);
    assertThat(rotated.status()).isEqualTo(201);
    String newKid = rotated.json().get("kid").asString();

    assertThat(client.get("/api/v1/auth/me", admin).status()).as("token of the previous key").isEqualTo(200);
    String fresh = client.adminToken();
    assertThat(SignedJWT.parse(fresh).getHeader().getKeyID()).isEqualTo(newKid);

    JsonNode jwks = client.get("/.well-known/jwks.json", null).json();
    List<String> kids = jwks.get("keys").valueStream().map(k -> k.get("kid").asString()).toList();
    assertThat(kids).contains(oldKid, newKid);
    assertThat(jwks.toString()).doesNotContain("\"d\"");
    // The published key verifies the token.
    com.nimbusds.jose.jwk.ECKey published = JWKSet.parse(jwks.toString()).getKeyByKeyId(newKid).toECKey();
    assertThat(SignedJWT.parse(fresh).verify(new com.nimbusds.jose.crypto.ECDSAVerifier(published))).isTrue();
  }

  @Test
  void signingKeysAreStoredEncryptedAndPlaintextOnesAreEncryptedOnRead() throws Exception {
    client.adminToken();
    List<String> stored =
        store.jdbc().sql("select private_jwk from gateway.signing_keys").query(String.class).list();
    assertThat(stored).isNotEmpty();

    // A key written by a version that stored them in plaintext.
    com.nimbusds.jose.jwk.ECKey legacy =
        new com.nimbusds.jose.jwk.gen.ECKeyGenerator(com.nimbusds.jose.jwk.Curve.P_256)
            .keyID("legacy-" + UUID.randomUUID())
            .generate();
    store.jdbc()
        .sql("insert into gateway.signing_keys (kid, private_jwk, created_at, retired_at) values (?, ?, now(), now())")
        .params(legacy.getKeyID(), legacy.toJSONString())
        .update();
    signingKeys.rotate();

    assertThat(signingKeys.verificationKey(legacy.getKeyID())).isPresent();
    List<String> all =
        store.jdbc().sql("select private_jwk from gateway.signing_keys").query(String.class).list();
    assertThat(all)
        .allSatisfy(
            value -> {
              assertThat(value).startsWith(dev.nerve.platform.secrets.SecretBox.PREFIX);
              assertThat(value).doesNotContain("\"d\"");
            });
    // The decrypted key is the one that was stored.
    assertThat(signingKeys.verificationKey(legacy.getKeyID()).orElseThrow().getX())
        .isEqualTo(legacy.getX());
  }

  @Test
  void aVerifiedTokenIsRememberedUntilItExpiresAndOnlyAsTheSameString() throws Exception {
    MutableClock clock = MutableClock.now();
    AccessTokens tokens = new AccessTokens(signingKeys, "nerve", Duration.ofMinutes(15), clock);
    Identity who = new Identity("tenant-cache", "user-cache", Set.of("viewer"));
    String token = tokens.issue(who, "cache-user");
    String other = tokens.issue(who, "cache-user");

    assertThat(tokens.recall(token)).as("not verified yet").isEmpty();
    assertThat(tokens.verify(SignedJWT.parse(token))).contains(who);
    assertThat(tokens.recall(token)).contains(who);
    assertThat(tokens.recall(other)).as("another token of the same user").isEmpty();

    clock.advance(Duration.ofMinutes(16));
    assertThat(tokens.recall(token)).as("expired while remembered").isEmpty();
    assertThat(tokens.verify(SignedJWT.parse(token))).isEmpty();
  }

  @Test
  void forgedExpiredAndMalformedCredentialsAre401() throws Exception {
    String admin = client.adminToken();
    SignedJWT real = SignedJWT.parse(admin);
    // Same claims, signed by a key the gateway never published.
    JWTClaimsSet elevated = new JWTClaimsSet.Builder(real.getJWTClaimsSet()).claim("tid", "other").build();
    SignedJWT forged = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(real.getHeader().getKeyID()).build(), elevated);
    forged.sign(new RSASSASigner(OIDC.key()));
    String tampered = admin.substring(0, admin.lastIndexOf('.')) + ".AAAA";
    String unsigned = real.getHeader().toBase64URL() + "." + elevated.toPayload().toBase64URL() + ".";

    for (String token : List.of(forged.serialize(), tampered, unsigned, "garbage", "nrv_not-a-key")) {
      GatewayClient.Response response = client.get("/api/v1/auth/me", token);
      assertThat(response.status()).as(token).isEqualTo(401);
      assertThat(response.header("WWW-Authenticate")).startsWith("Bearer");
    }
    assertThat(client.send("GET", "/api/v1/auth/me", null, null, Map.of("Authorization", "Basic YTpi")).status())
        .isEqualTo(401);
  }

  @Test
  void tokensOfTheConfiguredOidcIssuerAreAccepted() throws Exception {
    String token = oidcToken("alice", "tenant-oidc", List.of("operator", "superuser"), "nerve-api", 300);
    GatewayClient.Response me = client.get("/api/v1/auth/me", token);
    assertThat(me.status()).as(me.text()).isEqualTo(200);
    assertThat(me.json().get("userId").asString()).isEqualTo("oidc:alice");
    assertThat(me.json().get("tenantId").asString()).isEqualTo("tenant-oidc");
    assertThat(me.json().get("roles").toString()).isEqualTo("[\"operator\"]");

    assertThat(client.get("/api/v1/auth/me", oidcToken("alice", "t", List.of("viewer"), "other-api", 300)).status())
        .as("wrong audience")
        .isEqualTo(401);
    assertThat(client.get("/api/v1/auth/me", oidcToken("alice", "t", List.of("viewer"), "nerve-api", -300)).status())
        .as("expired")
        .isEqualTo(401);
  }

  private static String oidcToken(String subject, String tenant, List<String> roles, String audience, int ttl)
      throws Exception {
    JWTClaimsSet claims =
        new JWTClaimsSet.Builder()
            .issuer(OIDC.issuer())
            .subject(subject)
            .audience(audience)
            .claim("nerve_tenant", tenant)
            .claim("nerve_roles", roles)
            .issueTime(new Date())
            .expirationTime(Date.from(Instant.now().plusSeconds(ttl)))
            .build();
    return OIDC.sign(claims);
  }
}
