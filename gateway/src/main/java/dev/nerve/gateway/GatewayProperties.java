package dev.nerve.gateway;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Gateway settings (prefix {@code nerve.gateway}).
 *
 * @param defaultTenant tenant that unauthenticated requests act in
 */
@ConfigurationProperties("nerve.gateway")
public record GatewayProperties(@DefaultValue("default") String defaultTenant) {}
