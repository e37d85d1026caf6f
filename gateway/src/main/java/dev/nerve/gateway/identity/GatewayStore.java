package dev.nerve.gateway.identity;

import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Access to the gateway's own schema, created only after its migrations ran. A holder rather than
 * a {@link JdbcClient} bean, so it never competes with the application's own JdbcClient.
 *
 * @param jdbc client on the shared pool; every statement names the {@code gateway} schema
 */
public record GatewayStore(JdbcClient jdbc) {}
