package dev.nerve.gateway.identity;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.nerve.testing.MutableClock;
import java.time.Duration;
import java.util.Date;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** An issuer that is down is asked again with backoff, not on every request, and is used once back. */
class OidcTokensTest {

  private final StubOidcIssuer issuer = StubOidcIssuer.start();

  @AfterEach
  void stop() {
    issuer.close();
  }

  private SignedJWT token() throws Exception {
    return SignedJWT.parse(
        issuer.sign(
            new JWTClaimsSet.Builder()
                .issuer(issuer.issuer())
                .subject("alice")
                .claim("nerve_roles", List.of("viewer"))
                .expirationTime(new Date(System.currentTimeMillis() + 60_000))
                .build()));
  }

  @Test
  void discoveryBacksOffWhileTheIssuerIsDownAndRecovers() throws Exception {
    issuer.up(false);
    MutableClock clock = MutableClock.now();
    OidcTokens tokens = new OidcTokens(issuer.issuer(), null, "nerve_tenant", "nerve_roles", "default", clock);
    SignedJWT token = token();

    for (int i = 0; i < 5; i++) {
      assertThat(tokens.verify(token)).isEmpty();
    }
    assertThat(issuer.discoveries()).as("one attempt, then backoff").isEqualTo(1);

    clock.advance(Duration.ofMillis(1_100));
    assertThat(tokens.verify(token)).isEmpty();
    assertThat(issuer.discoveries()).isEqualTo(2);
    clock.advance(Duration.ofMillis(1_100));
    assertThat(tokens.verify(token)).as("backoff doubled to 2 s").isEmpty();
    assertThat(issuer.discoveries()).isEqualTo(2);

    issuer.up(true);
    clock.advance(Duration.ofSeconds(1));
    assertThat(tokens.verify(token)).hasValueSatisfying(id -> assertThat(id.userId()).isEqualTo("oidc:alice"));
    assertThat(tokens.verify(token)).isPresent();
    assertThat(issuer.discoveries()).isEqualTo(3);
  }
}
