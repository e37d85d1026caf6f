package dev.nerve.sdk.extension;

import dev.nerve.api.sdk.v1.Extension;
import dev.nerve.api.sdk.v1.ExtensionAction;
import dev.nerve.api.sdk.v1.ExtensionDependency;
import dev.nerve.api.sdk.v1.ExtensionKind;
import dev.nerve.api.sdk.v1.WorkflowTemplate;
import dev.nerve.sdk.integration.CredentialSource;
import dev.nerve.sdk.mcp.McpConnector;
import dev.nerve.sdk.support.Inputs;
import dev.nerve.sdk.support.Json;
import dev.nerve.sdk.support.JsonSchemas;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.Optional;
import java.util.Set;

/**
 * The rules a manifest must meet before anything is written: ids and versions, the Nerve version
 * range, dependencies loaded in matching versions, actions that name contributed endpoints,
 * compilable schemas, an allowed MCP command, and a plugin jar whose SHA-256 matches the manifest.
 * Every broken rule is named by its field ({@code extension.plugin.sha256}).
 */
final class ManifestRules {

  private final ExtensionRepository repository;
  private final CredentialSource credentials;
  private final McpConnector mcp;
  private final JsonSchemas schemas;
  private final Extensions.Settings settings;

  ManifestRules(
      ExtensionRepository repository, CredentialSource credentials, McpConnector mcp, JsonSchemas schemas,
      Extensions.Settings settings) {
    this.repository = repository;
    this.credentials = credentials;
    this.mcp = mcp;
    this.schemas = schemas;
    this.settings = settings;
  }

  /** Checks the manifest before anything is written; returns the verified jar, if any. */
  byte[] check(String tenant, Extension e) {
    Inputs.Violations v = Inputs.violations();
    v.match("extension.id", e.getId(), Inputs.EXTENSION_ID, "1-64 of a-z 0-9 _ - starting with a letter or digit");
    v.maxLength("extension.name", e.getName(), 256);
    if (!SemverRange.valid(e.getVersion())) {
      v.add("extension.version", "format", "must be a semantic version such as 1.4.2");
    }
    if (e.getKind() == ExtensionKind.EXTENSION_KIND_UNSPECIFIED || e.getKind() == ExtensionKind.UNRECOGNIZED) {
      v.add("extension.kind", "required", "must be MCP_SERVER, HTTP_TOOL_BUNDLE, WORKFLOW_PACK or JAVA_PLUGIN");
    }
    v.payload("extension.manifest", e.getManifest());
    try {
      if (!SemverRange.parse(e.getNerveVersionRange()).matches(settings.nerveVersion())) {
        v.add("extension.nerveVersionRange", "compatible", "does not include this Nerve version (" + settings.nerveVersion() + ")");
      }
    } catch (IllegalArgumentException bad) {
      v.add("extension.nerveVersionRange", "format", bad.getMessage());
    }
    if (e.getDependenciesCount() > 32) {
      v.add("extension.dependencies", "maxItems", "must have at most 32 items");
    }
    for (int i = 0; i < e.getDependenciesCount(); i++) {
      ExtensionDependency dependency = e.getDependencies(i);
      String field = "extension.dependencies[" + i + "]";
      SemverRange range;
      try {
        range = SemverRange.parse(dependency.getVersionRange());
      } catch (IllegalArgumentException bad) {
        v.add(field + ".versionRange", "format", bad.getMessage());
        continue;
      }
      Optional<ExtensionRepository.Row> row = dependency.getId().equals(e.getId()) ? Optional.empty() : repository.find(tenant, dependency.getId());
      if (row.isEmpty() || row.get().desired() != ExtensionRepository.Desired.ACTIVE) {
        v.add(field + ".id", "loaded", "names no loaded extension of this tenant");
      } else if (!range.matches(row.get().extension().getVersion())) {
        v.add(field + ".versionRange", "compatible", "does not include the loaded version " + row.get().extension().getVersion());
      }
    }
    if (e.getEndpointsCount() > 200 || e.getActionsCount() > 200 || e.getWorkflowTemplatesCount() > 100 || e.getIntegrationTypesCount() > 50) {
      v.add("extension", "maxItems", "at most 200 endpoints, 200 actions, 100 workflow templates and 50 integration types");
    }
    Set<String> endpointNames = new HashSet<>();
    e.getEndpointsList().forEach(endpoint -> endpointNames.add(endpoint.getName()));
    Set<String> names = new HashSet<>();
    for (int i = 0; i < e.getActionsCount(); i++) {
      ExtensionAction action = e.getActions(i);
      String field = "extension.actions[" + i + "]";
      v.match(field + ".name", action.getName(), Inputs.ID, "1-64 of A-Z a-z 0-9 . _ -");
      if (!names.add(action.getName())) {
        v.add(field + ".name", "unique", "is declared twice");
      }
      if (!endpointNames.contains(action.getEndpoint())) {
        v.add(field + ".endpoint", "known", "must name one of the extension's endpoints");
      }
    }
    for (int i = 0; i < e.getWorkflowTemplatesCount(); i++) {
      WorkflowTemplate template = e.getWorkflowTemplates(i);
      v.match("extension.workflowTemplates[" + i + "].name", template.getName(), Inputs.ID, "1-64 of A-Z a-z 0-9 . _ -");
      v.payload("extension.workflowTemplates[" + i + "].workflow", template.getWorkflow());
    }
    for (int i = 0; i < e.getIntegrationTypesCount(); i++) {
      v.match("extension.integrationTypes[" + i + "].name", e.getIntegrationTypes(i).getName(), Inputs.ID, "1-64 of A-Z a-z 0-9 . _ -");
    }
    byte[] jar = null;
    if (e.getKind() == ExtensionKind.EXTENSION_KIND_JAVA_PLUGIN) {
      jar = verifiedJar(v, e);
    } else if (e.hasPlugin()) {
      v.add("extension.plugin", "kind", "is only for JAVA_PLUGIN extensions");
    }
    if (e.getKind() == ExtensionKind.EXTENSION_KIND_MCP_SERVER) {
      var server = e.getMcp();
      if (server.getCommand().isEmpty() == server.getUrl().isEmpty()) {
        v.add("extension.mcp", "oneOf", "must give either command or url");
      } else if (!server.getCommand().isEmpty() && !mcp.allowed(server.getCommand())) {
        v.add("extension.mcp.command", "allowed", "is not an allowed MCP command (nerve.sdk.extensions.mcp-commands)");
      } else if (!server.getUrl().isEmpty() && !server.getUrl().matches("https?://[^\\s]{1,2040}")) {
        v.add("extension.mcp.url", "format", "must be an http or https URL");
      }
      if (!server.getIntegrationId().isEmpty() && credentials.find(tenant, server.getIntegrationId()).isEmpty()) {
        v.add("extension.mcp.integrationId", "known", "names no integration of this tenant");
      }
    }
    v.check();
    for (int i = 0; i < e.getActionsCount(); i++) {
      if (e.getActions(i).hasInputSchema()) {
        schemas.compile("extension.actions[" + i + "].inputSchema", Json.tree(e.getActions(i).getInputSchema()));
      }
    }
    for (int i = 0; i < e.getIntegrationTypesCount(); i++) {
      if (e.getIntegrationTypes(i).hasSettingsSchema()) {
        schemas.compile("extension.integrationTypes[" + i + "].settingsSchema", Json.tree(e.getIntegrationTypes(i).getSettingsSchema()));
      }
    }
    return jar;
  }

  private byte[] verifiedJar(Inputs.Violations v, Extension e) {
    var plugin = e.getPlugin();
    if (!plugin.getSha256().matches("[0-9a-f]{64}")) {
      v.add("extension.plugin.sha256", "format", "must be 64 lower-case hex digits");
      return null;
    }
    byte[] content;
    if (!plugin.getContent().isEmpty() == !plugin.getPath().isEmpty()) {
      v.add("extension.plugin", "oneOf", "must give either content or path");
      return null;
    }
    if (!plugin.getContent().isEmpty()) {
      if (plugin.getContent().size() > settings.maxJarBytes()) {
        v.add("extension.plugin.content", "maxBytes", "must be at most " + settings.maxJarBytes() + " bytes");
        return null;
      }
      content = plugin.getContent().toByteArray();
    } else {
      if (!plugin.getPath().matches("[A-Za-z0-9._-]{1,255}") || plugin.getPath().startsWith(".")) {
        v.add("extension.plugin.path", "format", "must be a file name in the plugin directory");
        return null;
      }
      Path file = settings.pluginDir().resolve(plugin.getPath());
      try {
        if (!Files.isRegularFile(file)) {
          v.add("extension.plugin.path", "exists", "names no file in the plugin directory");
          return null;
        }
        if (Files.size(file) > settings.maxJarBytes()) {
          v.add("extension.plugin.path", "maxBytes", "must be at most " + settings.maxJarBytes() + " bytes");
          return null;
        }
        content = Files.readAllBytes(file);
      } catch (IOException io) {
        v.add("extension.plugin.path", "readable", "cannot be read");
        return null;
      }
    }
    if (!sha256(content).equals(plugin.getSha256())) {
      v.add("extension.plugin.sha256", "checksum", "does not match the jar's SHA-256; the jar was refused");
      return null;
    }
    return content;
  }

  static String sha256(byte[] content) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Starts the runtime in this replica and returns the extension as loaded (or failed). */
}
