package dev.nerve.gateway.identity;

import dev.nerve.gateway.GatewayProperties;
import dev.nerve.platform.grpc.TargetService;
import dev.nerve.platform.secrets.SecretBox;
import dev.nerve.platform.storage.SchemaMigrator;
import dev.nerve.platform.storage.ServiceSchema;
import dev.nerve.platform.target.Target;
import dev.nerve.platform.redis.RedisCircuit;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import javax.sql.DataSource;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;

/** Identity of the gateway: its schema, users, tokens, keys and the bootstrap admin. */
@Configuration(proxyBeanMethods = false)
public class IdentityConfiguration {

  @Bean
  ServiceSchema gatewaySchema() {
    return new ServiceSchema(Target.GATEWAY);
  }

  /** Depends on the migrator so the schema exists before anything reads it. */
  @Bean
  GatewayStore gatewayStore(DataSource dataSource, SchemaMigrator migrator) {
    return new GatewayStore(JdbcClient.create(dataSource));
  }

  @Bean
  UserStore userStore(GatewayStore store, GatewayProperties properties) {
    UserStore users = new UserStore(store.jdbc());
    GatewayProperties.Auth auth = properties.auth();
    BootstrapAdmin.run(
        users, properties.defaultTenant(), auth.bootstrapAdminUsername(), auth.bootstrapAdminPassword());
    return users;
  }

  @Bean
  SigningKeys signingKeys(GatewayStore store, SecretBox box, GatewayProperties properties) {
    return new SigningKeys(
        store.jdbc(),
        box,
        properties.auth().accessTokenTtl(),
        properties.auth().signingKeyRotation(),
        Clock.systemUTC());
  }

  /** The internal provisioning RPCs the installation system's setup calls. */
  @Bean
  TargetService identityProvisioningService(UserStore users, SigningKeys keys, TransactionTemplate tx) {
    return new TargetService(Target.GATEWAY, new IdentityProvisioning(users, keys, tx));
  }

  @Bean
  AccessTokens accessTokens(SigningKeys keys, GatewayProperties properties) {
    return new AccessTokens(
        keys, properties.auth().issuer(), properties.auth().accessTokenTtl(), Clock.systemUTC());
  }

  @Bean
  RefreshTokens refreshTokens(GatewayStore store, GatewayProperties properties) {
    return new RefreshTokens(store.jdbc(), properties.auth().refreshTokenTtl(), Clock.systemUTC());
  }

  @Bean
  ApiKeys apiKeys(GatewayStore store) {
    return new ApiKeys(store.jdbc(), Clock.systemUTC());
  }

  @Bean(destroyMethod = "close")
  ActiveUsers activeUsers(
      UserStore users,
      RedisClient client,
      StatefulRedisConnection<String, String> redis,
      RedisCircuit circuit) {
    return new ActiveUsers(users, client, redis, circuit, Duration.ofSeconds(30));
  }

  @Bean
  TokenService tokenService(UserStore users, AccessTokens accessTokens, RefreshTokens refreshTokens) {
    return new TokenService(users, accessTokens, refreshTokens);
  }

  @Bean
  IdentityAdmin identityAdmin(UserStore users, ApiKeys apiKeys, TokenService tokens, ActiveUsers active) {
    return new IdentityAdmin(users, apiKeys, tokens, active);
  }

  @Bean
  OidcIssuer oidcIssuer(GatewayProperties properties) {
    GatewayProperties.Auth auth = properties.auth();
    if (auth.oidcIssuer() == null || auth.oidcIssuer().isBlank()) {
      return new OidcIssuer(Optional.empty());
    }
    return new OidcIssuer(
        Optional.of(
            new OidcTokens(
                auth.oidcIssuer(),
                auth.oidcAudience(),
                auth.oidcTenantClaim(),
                auth.oidcRolesClaim(),
                properties.defaultTenant(),
                Clock.systemUTC())));
  }

  /**
   * The configured external issuer, if any.
   *
   * @param tokens verifier of its tokens
   */
  public record OidcIssuer(Optional<OidcTokens> tokens) {}
}
