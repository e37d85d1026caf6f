package dev.nerve.sdk;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * Settings of the SDK target (prefix {@code nerve.sdk}); each is listed with its default in the
 * README's configuration table.
 *
 * @param calls endpoint calls
 * @param extensions extensions (plugins and MCP servers)
 * @param integrations integration checks
 */
@ConfigurationProperties("nerve.sdk")
public record SdkProperties(
    @DefaultValue Calls calls, @DefaultValue Extensions extensions, @DefaultValue Integrations integrations) {

  /**
   * Endpoint calls.
   *
   * @param maxResponseBytes response body cap of an endpoint that sets none (never above
   *     {@code nerve.outbound.max-response-bytes}, which the guarded client enforces)
   * @param idempotencyTtl how long the result of a call or action run with an idempotency key is kept
   */
  public record Calls(
      @DefaultValue("5MB") DataSize maxResponseBytes,
      @DefaultValue("10m") Duration idempotencyTtl) {}

  /**
   * Extensions.
   *
   * @param pluginDir directory plugin jars are read from when a manifest names a path; blank means
   *     {@code <data-dir>/plugins}
   * @param maxJarBytes largest plugin jar
   * @param mcpCommands executables an MCP server of an extension or integration may be started
   *     with (absolute paths or names on PATH); empty allows no stdio MCP server
   * @param actionTimeout time an action may run when the caller sets none
   * @param maxActionTimeout longest time an action may be given
   * @param reloadInterval how often a replica compares its loaded extensions with PostgreSQL, in
   *     case it missed a Redis notification
   */
  public record Extensions(
      String pluginDir,
      @DefaultValue("16MB") DataSize maxJarBytes,
      @DefaultValue List<String> mcpCommands,
      @DefaultValue("30s") Duration actionTimeout,
      @DefaultValue("10m") Duration maxActionTimeout,
      @DefaultValue("30s") Duration reloadInterval) {

    /** The plugin directory, under {@code dataDir} unless set. */
    public Path pluginDirectory(Path dataDir) {
      return pluginDir == null || pluginDir.isBlank() ? dataDir.resolve("plugins") : Path.of(pluginDir);
    }
  }

  /**
   * Integrations.
   *
   * @param testTimeout time a connectivity check may take
   */
  public record Integrations(@DefaultValue("10s") Duration testTimeout) {}
}
