package dev.nerve.sdk.extension;

import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import dev.nerve.api.sdk.v1.CallEndpointResponse;
import dev.nerve.api.sdk.v1.Endpoint;
import dev.nerve.api.sdk.v1.Extension;
import dev.nerve.api.sdk.v1.ExtensionAction;
import dev.nerve.api.sdk.v1.ExtensionActionKind;
import dev.nerve.api.sdk.v1.ExtensionContributions;
import dev.nerve.api.sdk.v1.ExtensionStatus;
import dev.nerve.api.sdk.v1.ExtensionTool;
import dev.nerve.api.sdk.v1.IntegrationType;
import dev.nerve.api.sdk.v1.InvokeExtensionActionResponse;
import dev.nerve.api.sdk.v1.UnloadExtensionResponse;
import dev.nerve.platform.error.ErrorCode;
import dev.nerve.platform.error.NerveException;
import dev.nerve.sdk.endpoint.Endpoints;
import dev.nerve.sdk.integration.CredentialSource;
import dev.nerve.sdk.mcp.McpConnector;
import dev.nerve.sdk.mcp.McpTarget;
import dev.nerve.sdk.support.Inputs;
import dev.nerve.sdk.support.Json;
import dev.nerve.sdk.support.JsonSchemas;
import dev.nerve.sdk.support.Replays;
import dev.nerve.sdk.support.Times;
import io.grpc.Status;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * {@code sdk.extensions}: loads a tenant's extensions (manifest checked, plugin jar SHA-256
 * verified, MCP server initialized), records them in PostgreSQL so every replica runs the same
 * set, runs their actions, and unloads them with their contributions. Each replica keeps its own
 * started runtimes ({@link #reconcile}) and follows the table when notified or on its timer.
 */
public final class Extensions implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(Extensions.class);
  static final String KIND_PREFIX = "ext:";

  /** Settings the service runs with. */
  record Settings(String nerveVersion, long maxJarBytes, Path pluginDir, Duration actionTimeout, Duration maxActionTimeout) {}

  private final ExtensionRepository repository;
  private final Endpoints endpoints;
  private final CredentialSource credentials;
  private final McpConnector mcp;
  private final JsonSchemas schemas;
  private final Replays replays;
  private final TransactionTemplate tx;
  private final ActionUsage usage;
  private final ManifestRules rules;
  private final ExecutorService runner;
  private final Settings settings;
  private final Map<String, ActiveExtension> active = new ConcurrentHashMap<>();
  private volatile Consumer<String> notifier = key -> {};

  Extensions(
      ExtensionRepository repository, Endpoints endpoints, CredentialSource credentials, McpConnector mcp,
      JsonSchemas schemas, Replays replays, TransactionTemplate tx, ActionUsage usage, ExecutorService runner,
      Settings settings) {
    this.repository = repository;
    this.endpoints = endpoints;
    this.credentials = credentials;
    this.mcp = mcp;
    this.schemas = schemas;
    this.replays = replays;
    this.tx = tx;
    this.usage = usage;
    this.runner = runner;
    this.settings = settings;
    this.rules = new ManifestRules(repository, credentials, mcp, schemas, settings);
  }

  /** Where to announce a change ({@code tenant \0 id}) to the other replicas. */
  void notifyWith(Consumer<String> notifier) {
    this.notifier = notifier;
  }

  static String key(String tenant, String id) {
    return tenant + "\u0000" + id;
  }

  // ---- load ---------------------------------------------------------------------------------

  public Extension load(String tenant, Extension requested, boolean disabled) {
    byte[] jar = rules.check(tenant, requested);
    Extension manifest = requested.toBuilder()
        .clearCapabilities().clearTools().clearStatus().clearStatusDetail().clearLoadedAt().clearContributions()
        .build();
    long generation = tx.execute(status -> {
      endpoints.removeContributed(tenant, manifest.getId());
      for (int i = 0; i < manifest.getEndpointsCount(); i++) {
        Endpoint endpoint = manifest.getEndpoints(i);
        endpoints.register(tenant, endpoint.toBuilder().setName(manifest.getId() + "." + endpoint.getName()).build(),
            manifest.getId(), "extension.endpoints[" + i + "]");
      }
      Extension recorded = manifest.toBuilder()
          .setStatus(disabled ? ExtensionStatus.EXTENSION_STATUS_DISABLED : ExtensionStatus.EXTENSION_STATUS_LOADING)
          .build();
      return repository.save(tenant, recorded, jar, disabled ? ExtensionRepository.Desired.DISABLED : ExtensionRepository.Desired.ACTIVE, Times.now());
    });
    Extension result;
    if (disabled) {
      stopLocal(key(tenant, manifest.getId()));
      result = view(manifest.toBuilder().setStatus(ExtensionStatus.EXTENSION_STATUS_DISABLED).build(), List.of());
    } else {
      result = start(tenant, manifest, jar, generation);
    }
    repository.observed(tenant, manifest.getId(), generation, result);
    notifier.accept(key(tenant, manifest.getId()));
    return result;
  }

  private Extension start(String tenant, Extension manifest, byte[] jar, long generation) {
    String key = key(tenant, manifest.getId());
    ExtensionRuntime runtime = null;
    try {
      runtime = switch (manifest.getKind()) {
        case EXTENSION_KIND_JAVA_PLUGIN -> new PluginRuntime(manifest.getId(), manifest.getVersion(),
            Json.plain(manifest.getManifest()), jar, settings.pluginDir().resolve("loaded"));
        case EXTENSION_KIND_MCP_SERVER -> new McpRuntime(mcp.open(target(manifest), token(tenant, manifest), timeout(manifest)));
        default -> null;
      };
      Map<String, ExtensionRuntime.Action> actions = new LinkedHashMap<>();
      if (runtime != null) {
        for (ExtensionRuntime.Action action : runtime.actions()) {
          if (!Inputs.ID.matcher(action.name()).matches()) {
            throw new IllegalStateException("action name '" + cut(action.name()) + "' is not 1-64 of A-Z a-z 0-9 . _ -");
          }
          schemas.compile("action " + action.name(), action.inputSchema());
          actions.put(action.name(), action);
        }
      }
      Map<String, ExtensionAction> endpointActions = new LinkedHashMap<>();
      for (ExtensionAction action : manifest.getActionsList()) {
        if (actions.containsKey(action.getName())) {
          throw new IllegalStateException("action '" + action.getName() + "' is declared twice");
        }
        endpointActions.put(action.getName(), action);
        actions.put(action.getName(), new ExtensionRuntime.Action(action.getName(), action.getDescription(),
            action.hasInputSchema() ? Json.tree(action.getInputSchema()) : Json.read("{\"type\":\"object\"}")));
      }
      ActiveExtension started = new ActiveExtension(tenant, manifest, generation, runtime, Map.copyOf(actions), Map.copyOf(endpointActions));
      ActiveExtension previous = active.put(key, started);
      if (previous != null) {
        previous.close();
      }
      Extension.Builder loaded = manifest.toBuilder()
          .setStatus(ExtensionStatus.EXTENSION_STATUS_LOADED)
          .setLoadedAt(Times.proto(Times.now()));
      if (runtime != null) {
        loaded.addAllCapabilities(runtime.capabilities());
      }
      return view(loaded.build(), List.copyOf(actions.values()));
    } catch (Exception | LinkageError failure) {
      if (runtime != null) {
        runtime.close();
      }
      stopLocal(key);
      String reason = failure.getMessage() == null ? failure.getClass().getSimpleName() : failure.getMessage();
      log.warn("Extension {} of tenant {} failed to load: {}", manifest.getId(), tenant, cut(reason));
      return view(manifest.toBuilder().setStatus(ExtensionStatus.EXTENSION_STATUS_FAILED).setStatusDetail(cut(reason)).build(), List.of());
    }
  }

  private static McpTarget target(Extension manifest) {
    var server = manifest.getMcp();
    return new McpTarget(server.getCommand(), server.getArgsList(), server.getEnvMap(), server.getUrl());
  }

  private String token(String tenant, Extension manifest) {
    String integration = manifest.getMcp().getIntegrationId();
    return integration.isEmpty() ? "" : credentials.find(tenant, integration).map(c -> c.secret("token")).orElse("");
  }

  private static Duration timeout(Extension manifest) {
    return manifest.getMcp().hasTimeout() ? Times.duration(manifest.getMcp().getTimeout()) : Duration.ofSeconds(30);
  }

  /** The extension with its contributions and discovered tools filled in. */
  private static Extension view(Extension extension, List<ExtensionRuntime.Action> actions) {
    Extension.Builder view = extension.toBuilder().clearTools();
    if (extension.hasPlugin()) {
      view.setPlugin(extension.getPlugin().toBuilder().clearContent());
    }
    ExtensionContributions.Builder contributions = ExtensionContributions.newBuilder();
    boolean running = extension.getStatus() == ExtensionStatus.EXTENSION_STATUS_LOADED;
    for (ExtensionRuntime.Action action : actions) {
      String kind = KIND_PREFIX + extension.getId() + ":" + action.name();
      view.addTools(ExtensionTool.newBuilder().setName(action.name()).setDescription(action.description())
          .setInputSchema(Json.struct(action.inputSchema())).setActionKind(kind));
      contributions.addActionKinds(kind);
    }
    if (extension.getStatus() != ExtensionStatus.EXTENSION_STATUS_UNLOADED) {
      extension.getEndpointsList().forEach(e -> contributions.addEndpoints(extension.getId() + "." + e.getName()));
    }
    if (running) {
      extension.getWorkflowTemplatesList().forEach(t -> contributions.addWorkflowTemplates(t.getName()));
      extension.getIntegrationTypesList().forEach(t -> contributions.addIntegrationTypes(extension.getId() + ":" + t.getName()));
    }
    return view.setContributions(contributions).build();
  }

  // ---- unload -------------------------------------------------------------------------------

  public UnloadExtensionResponse unload(String tenant, String id, boolean force) {
    ExtensionRepository.Row row = repository.find(tenant, id)
        .filter(r -> r.desired() != ExtensionRepository.Desired.UNLOADED)
        .orElseThrow(() -> NerveException.notFound("extension", id));
    if (!force) {
      List<String> dependents = new ArrayList<>();
      for (ExtensionRepository.Row other : repository.list(tenant, "", 10_000)) {
        if (other.desired() == ExtensionRepository.Desired.ACTIVE
            && other.extension().getDependenciesList().stream().anyMatch(d -> d.getId().equals(id))) {
          dependents.add(other.extension().getId());
        }
      }
      if (!dependents.isEmpty()) {
        throw NerveException.conflict("extension '" + id + "' is needed by " + String.join(", ", dependents) + "; unload those first or force");
      }
      List<String> workflows = usage.workflowsUsing(tenant, id);
      if (!workflows.isEmpty()) {
        throw NerveException.conflict("workflows use actions of extension '" + id + "': "
            + String.join(", ", workflows.subList(0, Math.min(5, workflows.size()))) + "; change them first or force");
      }
    }
    Instant now = Times.now();
    List<String> removed = tx.execute(status -> {
      List<String> names = endpoints.removeContributed(tenant, id);
      repository.unload(tenant, id, now);
      return names;
    });
    stopLocal(key(tenant, id));
    notifier.accept(key(tenant, id));
    return UnloadExtensionResponse.newBuilder()
        .setId(id)
        .setToolsRemoved(row.extension().getToolsCount())
        .addAllEndpointsRemoved(removed)
        .setUnloadedAt(Times.proto(now))
        .build();
  }

  private void stopLocal(String key) {
    ActiveExtension previous = active.remove(key);
    if (previous != null) {
      previous.close();
    }
  }

  // ---- reads --------------------------------------------------------------------------------

  public Extension get(String tenant, String id) {
    return repository.find(tenant, id).map(row -> row.extension()).orElseThrow(() -> NerveException.notFound("extension", id));
  }

  public List<Extension> list(String tenant, String after, int limit) {
    return repository.list(tenant, after, limit).stream().map(ExtensionRepository.Row::extension).toList();
  }

  /** Action kinds of the tenant's loaded extensions, in kind order. */
  public List<ExtensionActionKind> actions(String tenant, String extensionId) {
    List<ExtensionActionKind> kinds = new ArrayList<>();
    for (ExtensionRepository.Row row : repository.list(tenant, "", 10_000)) {
      Extension e = row.extension();
      if (row.desired() != ExtensionRepository.Desired.ACTIVE || e.getStatus() != ExtensionStatus.EXTENSION_STATUS_LOADED
          || (!extensionId.isEmpty() && !extensionId.equals(e.getId()))) {
        continue;
      }
      for (ExtensionTool tool : e.getToolsList()) {
        kinds.add(ExtensionActionKind.newBuilder().setKind(tool.getActionKind()).setExtensionId(e.getId())
            .setAction(tool.getName()).setDescription(tool.getDescription()).setInputSchema(tool.getInputSchema()).build());
      }
    }
    kinds.sort(java.util.Comparator.comparing(ExtensionActionKind::getKind));
    return kinds;
  }

  /** The integration types a loaded extension adds, for {@code <extension>:<type>} providers. */
  Optional<IntegrationType> integrationType(String tenant, String provider) {
    int colon = provider.indexOf(':');
    return repository.find(tenant, provider.substring(0, colon))
        .filter(row -> row.desired() == ExtensionRepository.Desired.ACTIVE)
        .flatMap(row -> row.extension().getIntegrationTypesList().stream()
            .filter(t -> t.getName().equals(provider.substring(colon + 1)))
            .findFirst());
  }

  // ---- invoke -------------------------------------------------------------------------------

  public InvokeExtensionActionResponse invoke(
      String tenant, String extensionId, String actionName, Struct input, String idempotencyKey, Duration timeout) {
    Duration limit = timeout == null ? settings.actionTimeout() : timeout;
    if (limit.isNegative() || limit.isZero() || limit.compareTo(settings.maxActionTimeout()) > 0) {
      throw NerveException.invalid("timeout", "range", "must be positive and at most " + settings.maxActionTimeout());
    }
    ActiveExtension extension = running(tenant, extensionId);
    ExtensionRuntime.Action action = extension.actions().get(actionName);
    if (action == null) {
      throw NerveException.notFound("action", KIND_PREFIX + extensionId + ":" + actionName);
    }
    schemas.check(schemas.compile("action " + actionName, action.inputSchema()), "input", Json.tree(input));
    return replays.once(tenant, "action:" + extensionId + ":" + actionName, idempotencyKey, InvokeExtensionActionResponse.parser(),
        () -> run(tenant, extension, actionName, input, idempotencyKey, limit));
  }

  private InvokeExtensionActionResponse run(
      String tenant, ActiveExtension extension, String actionName, Struct input, String idempotencyKey, Duration limit) {
    ExtensionAction endpointAction = extension.endpointActions().get(actionName);
    if (endpointAction != null) {
      CallEndpointResponse response = endpoints.call(tenant, extension.extension().getId() + "." + endpointAction.getEndpoint(), input, "");
      Struct.Builder output = Struct.newBuilder()
          .putFields("status", Value.newBuilder().setNumberValue(response.getStatusCode()).build())
          .putFields("body", response.getBody());
      return InvokeExtensionActionResponse.newBuilder().setOutput(Value.newBuilder().setStructValue(output)).build();
    }
    List<String> logs = new ArrayList<>();
    ExtensionRuntime.Run run = new ExtensionRuntime.Run(tenant, idempotencyKey, Instant.now().plus(limit), logs);
    Map<String, Object> plain = Json.plain(input);
    Future<Value> future = runner.submit(() -> extension.runtime().invoke(actionName, plain, run));
    try {
      Value output = future.get(limit.toMillis(), TimeUnit.MILLISECONDS);
      synchronized (logs) {
        return InvokeExtensionActionResponse.newBuilder().setOutput(output).addAllLogs(logs).build();
      }
    } catch (TimeoutException e) {
      future.cancel(true);
      throw new NerveException(ErrorCode.DEADLINE_EXCEEDED, "action " + KIND_PREFIX + extension.extension().getId() + ":" + actionName
          + " did not finish within " + limit.toMillis() + " ms; it may have had effects");
    } catch (InterruptedException e) {
      future.cancel(true);
      Thread.currentThread().interrupt();
      throw Status.CANCELLED.withDescription("cancelled").asRuntimeException();
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof ExtensionRuntime.ActionFailure failure) {
        throw new NerveException(ErrorCode.FAILED_PRECONDITION, "action " + actionName + " failed: " + failure.getMessage());
      }
      if (cause instanceof NerveException nerve) {
        throw nerve;
      }
      log.warn("Action {}:{} of tenant {} threw", extension.extension().getId(), actionName, tenant, cause);
      throw new NerveException(ErrorCode.FAILED_PRECONDITION, "action " + actionName + " failed with an internal error of the extension");
    }
  }

  /** The started extension, started here first if the table says it should run. */
  private ActiveExtension running(String tenant, String id) {
    ActiveExtension local = active.get(key(tenant, id));
    ExtensionRepository.Row row = repository.find(tenant, id).orElseThrow(() -> NerveException.notFound("extension", id));
    if (row.desired() != ExtensionRepository.Desired.ACTIVE) {
      throw new NerveException(ErrorCode.FAILED_PRECONDITION, "extension '" + id + "' is not loaded");
    }
    if (local == null || local.generation() != row.generation()) {
      reconcile(tenant, id);
      local = active.get(key(tenant, id));
    }
    if (local == null) {
      throw new NerveException(ErrorCode.FAILED_PRECONDITION, "extension '" + id + "' failed to load: " + row.extension().getStatusDetail());
    }
    return local;
  }

  // ---- replicas -----------------------------------------------------------------------------

  /** Brings this replica's runtime of one extension in line with the table. */
  synchronized void reconcile(String tenant, String id) {
    String key = key(tenant, id);
    Optional<ExtensionRepository.Row> row = repository.find(tenant, id);
    ActiveExtension local = active.get(key);
    if (row.isEmpty() || row.get().desired() != ExtensionRepository.Desired.ACTIVE) {
      stopLocal(key);
      return;
    }
    if (local != null && local.generation() == row.get().generation()) {
      return;
    }
    Extension stored = row.get().extension();
    Extension started = start(tenant, stored.toBuilder().clearTools().clearContributions().clearCapabilities().build(),
        row.get().jar(), row.get().generation());
    if (started.getStatus() != ExtensionStatus.EXTENSION_STATUS_LOADED) {
      log.warn("Extension {} of tenant {} is loaded elsewhere but failed here: {}", id, tenant, started.getStatusDetail());
    }
  }

  /** Reconciles every extension: those the table runs and those this replica runs. */
  void reconcileAll() {
    Set<String> seen = new HashSet<>();
    for (String[] entry : repository.active()) {
      seen.add(key(entry[0], entry[1]));
      ActiveExtension local = active.get(key(entry[0], entry[1]));
      if (local == null || local.generation() != Long.parseLong(entry[2])) {
        try {
          reconcile(entry[0], entry[1]);
        } catch (RuntimeException e) {
          log.warn("Cannot reload extension {} of tenant {}: {}", entry[1], entry[0], e.toString());
        }
      }
    }
    for (String key : List.copyOf(active.keySet())) {
      if (!seen.contains(key)) {
        stopLocal(key);
      }
    }
  }

  /** Keys of the extensions running in this replica (tenant \0 id). */
  Set<String> runningKeys() {
    return Set.copyOf(active.keySet());
  }

  @Override
  public void close() {
    List.copyOf(active.keySet()).forEach(this::stopLocal);
  }

  private static String cut(String text) {
    return text.length() > 500 ? text.substring(0, 500) + "..." : text;
  }

}
