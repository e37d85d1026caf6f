package dev.nerve.gateway.identity;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpServer;
import dev.nerve.testing.MutableClock;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Date;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** An issuer that is down is asked again with backoff, not on every request, and is used once back. */
class OidcTokensTest {

  private final AtomicInteger discoveries = new AtomicInteger();
  private final AtomicBoolean up = new AtomicBoolean(false);
  private RSAKey key;
  private HttpServer server;
  private String issuer;

  @BeforeEach
  void issuer() throws Exception {
    key = new RSAKeyGenerator(2048).keyID("k1").generate();
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    issuer = "http://127.0.0.1:" + server.getAddress().getPort();
    server.createContext(
        "/.well-known/openid-configuration",
        exchange -> {
          discoveries.incrementAndGet();
          byte[] body =
              ("{\"issuer\":\"" + issuer + "\",\"jwks_uri\":\"" + issuer + "/jwks\"}").getBytes(StandardCharsets.UTF_8);
          exchange.sendResponseHeaders(up.get() ? 200 : 503, body.length);
          exchange.getResponseBody().write(body);
          exchange.close();
        });
    server.createContext(
        "/jwks",
        exchange -> {
          byte[] body = ("{\"keys\":[" + key.toPublicJWK().toJSONString() + "]}").getBytes(StandardCharsets.UTF_8);
          exchange.sendResponseHeaders(200, body.length);
          exchange.getResponseBody().write(body);
          exchange.close();
        });
    server.start();
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  private SignedJWT token() throws Exception {
    JWTClaimsSet claims =
        new JWTClaimsSet.Builder()
            .issuer(issuer)
            .subject("alice")
            .claim("nerve_roles", java.util.List.of("viewer"))
            .expirationTime(new Date(System.currentTimeMillis() + 60_000))
            .build();
    SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID("k1").build(), claims);
    jwt.sign(new RSASSASigner(key));
    return SignedJWT.parse(jwt.serialize());
  }

  @Test
  void discoveryBacksOffWhileTheIssuerIsDownAndRecovers() throws Exception {
    MutableClock clock = MutableClock.now();
    OidcTokens tokens = new OidcTokens(issuer, null, "nerve_tenant", "nerve_roles", "default", clock);
    SignedJWT token = token();

    for (int i = 0; i < 5; i++) {
      assertThat(tokens.verify(token)).isEmpty();
    }
    assertThat(discoveries).as("one attempt, then backoff").hasValue(1);

    clock.advance(Duration.ofMillis(1_100));
    assertThat(tokens.verify(token)).isEmpty();
    assertThat(discoveries).hasValue(2);
    clock.advance(Duration.ofMillis(1_100));
    assertThat(tokens.verify(token)).as("backoff doubled to 2 s").isEmpty();
    assertThat(discoveries).hasValue(2);

    up.set(true);
    clock.advance(Duration.ofSeconds(1));
    assertThat(tokens.verify(token)).hasValueSatisfying(id -> assertThat(id.userId()).isEqualTo("oidc:alice"));
    assertThat(tokens.verify(token)).isPresent();
    assertThat(discoveries).hasValue(3);
  }
}
