package dev.nerve.gateway.identity;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A minimal OpenID Connect issuer on loopback for tests: a discovery document and a JWKS under
 * {@code /realm}, tokens signed with its RS256 key, a count of discovery requests, and a switch
 * that makes discovery answer 503 as an issuer that is down would.
 */
final class StubOidcIssuer implements AutoCloseable {

  private final RSAKey key;
  private final HttpServer server;
  private final AtomicInteger discoveries = new AtomicInteger();
  private final AtomicBoolean up = new AtomicBoolean(true);

  private StubOidcIssuer() {
    try {
      key = new RSAKeyGenerator(2048).keyID("oidc-test").generate();
      server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    } catch (JOSEException e) {
      throw new IllegalStateException(e);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    server.createContext(
        "/realm/.well-known/openid-configuration",
        exchange -> {
          discoveries.incrementAndGet();
          String document = "{\"issuer\":\"" + issuer() + "\",\"jwks_uri\":\"" + issuer() + "/jwks\"}";
          respond(exchange, up.get() ? 200 : 503, document);
        });
    server.createContext(
        "/realm/jwks", exchange -> respond(exchange, 200, new JWKSet(key.toPublicJWK()).toString()));
    server.start();
  }

  /** Starts an issuer that is up. */
  static StubOidcIssuer start() {
    return new StubOidcIssuer();
  }

  /** The issuer URL ({@code iss}, and the base of discovery). */
  String issuer() {
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/realm";
  }

  /** The signing key (its private part signs forged tokens too). */
  RSAKey key() {
    return key;
  }

  /** Whether discovery answers (200) or fails (503). */
  void up(boolean answering) {
    up.set(answering);
  }

  /** Discovery requests received so far. */
  int discoveries() {
    return discoveries.get();
  }

  /** {@code claims} signed with the issuer's key, with its key id. */
  String sign(JWTClaimsSet claims) {
    SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(key.getKeyID()).build(), claims);
    try {
      jwt.sign(new RSASSASigner(key));
    } catch (JOSEException e) {
      throw new IllegalStateException(e);
    }
    return jwt.serialize();
  }

  private static void respond(HttpExchange exchange, int status, String json) throws IOException {
    byte[] body = json.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().add("Content-Type", "application/json");
    exchange.sendResponseHeaders(status, body.length);
    exchange.getResponseBody().write(body);
    exchange.close();
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
