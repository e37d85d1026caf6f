package dev.nerve.automation.action;

import com.google.protobuf.Struct;
import dev.nerve.api.automation.v1.Action;
import dev.nerve.api.automation.v1.ActionResult;
import dev.nerve.api.automation.v1.ListKindUsagesResponse;
import dev.nerve.automation.AutomationProperties;
import dev.nerve.automation.support.Inputs;
import dev.nerve.automation.support.Json;
import dev.nerve.automation.support.JsonSchemas;
import dev.nerve.automation.support.Principal;
import dev.nerve.automation.support.Times;
import dev.nerve.platform.error.ErrorCode;
import dev.nerve.platform.error.FieldViolation;
import dev.nerve.platform.error.NerveException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** {@code automation.actions}: register, execute, remove, read; every call scoped to the caller's tenant. */
public final class Actions {

  private static final Map<dev.nerve.api.automation.v1.ActionKind, String> KIND_IDS =
      Map.of(
          dev.nerve.api.automation.v1.ActionKind.ACTION_KIND_HTTP_ENDPOINT, "sdk.call",
          dev.nerve.api.automation.v1.ActionKind.ACTION_KIND_MEMORY_STORE, "memory.store",
          dev.nerve.api.automation.v1.ActionKind.ACTION_KIND_CEL_TRANSFORM, "transform",
          dev.nerve.api.automation.v1.ActionKind.ACTION_KIND_WEBHOOK, "http.request",
          dev.nerve.api.automation.v1.ActionKind.ACTION_KIND_MEMORY_SEARCH, "memory.search",
          dev.nerve.api.automation.v1.ActionKind.ACTION_KIND_EVENT_EMIT, "event.emit",
          dev.nerve.api.automation.v1.ActionKind.ACTION_KIND_LOG, "log",
          dev.nerve.api.automation.v1.ActionKind.ACTION_KIND_DELAY, "delay",
          dev.nerve.api.automation.v1.ActionKind.ACTION_KIND_HTTP_REQUEST, "http.request");

  private final ActionRegistry registry;
  private final ActionRepository repository;
  private final ActionRunner runner;
  private final JsonSchemas schemas;
  private final AutomationProperties properties;

  Actions(
      ActionRegistry registry,
      ActionRepository repository,
      ActionRunner runner,
      JsonSchemas schemas,
      AutomationProperties properties) {
    this.registry = registry;
    this.repository = repository;
    this.runner = runner;
    this.schemas = schemas;
    this.properties = properties;
  }

  /** The kind id of a contract category (inline calls), or null when it has none. */
  public static String kindId(dev.nerve.api.automation.v1.ActionKind kind) {
    return KIND_IDS.get(kind);
  }

  /** spec: automation.actions.register(action). */
  public Action register(Principal caller, Action action) {
    String id = Inputs.id("action.id", action.getId());
    List<FieldViolation> violations = new ArrayList<>();
    if (registry.isBuiltin(id)) {
      violations.add(new FieldViolation("action.id", "reserved", "is the id of a built-in action"));
    }
    String kindId = action.getKindId();
    if (kindId.isEmpty()) {
      kindId = KIND_IDS.getOrDefault(action.getKind(), "");
    }
    ActionKind kind = kindId.isEmpty() ? null : registry.kind(kindId).orElse(null);
    if (kind == null) {
      violations.add(
          new FieldViolation(
              "action.kindId",
              kindId.isEmpty() ? "required" : "known",
              "must be one of " + registry.builtins().keySet() + " or ext:<extensionId>:<action>"));
    }
    Inputs.text("action.name", action.getName(), 200);
    Inputs.text("action.description", action.getDescription(), 4000);
    int max = properties.limits().maxPayloadBytes();
    Inputs.payload("action.config", action.getConfig(), max);
    Inputs.payload("action.defaults", action.getDefaults(), max);
    Inputs.payload("action.inputSchema", action.getInputSchema(), max);
    Inputs.payload("action.outputSchema", action.getOutputSchema(), max);
    if (action.hasInputSchema()) {
      violations.addAll(schemas.schemaViolations("action.inputSchema", action.getInputSchema()));
    }
    if (action.hasOutputSchema()) {
      violations.addAll(schemas.schemaViolations("action.outputSchema", action.getOutputSchema()));
    }
    Duration timeout = null;
    if (action.hasTimeout()) {
      timeout = Times.duration(action.getTimeout());
      if (timeout.isNegative() || timeout.isZero() || timeout.compareTo(properties.actions().maxTimeout()) > 0) {
        violations.add(
            new FieldViolation(
                "action.timeout", "range", "must be positive and at most " + properties.actions().maxTimeout()));
      }
    }
    if (violations.isEmpty() && action.hasInputSchema()) {
      Struct given =
          Struct.newBuilder().putAllFields(action.getConfig().getFieldsMap()).putAllFields(action.getDefaults().getFieldsMap()).build();
      schemas.violations(schemas.compile(action.getInputSchema()), "action.defaults", Json.of(given)).stream()
          .filter(v -> !"required".equals(v.rule()))
          .forEach(violations::add);
    }
    if (!violations.isEmpty()) {
      throw NerveException.invalid(violations);
    }
    ActionDefinition definition =
        new ActionDefinition(
            id,
            action.getName().isEmpty() ? id : action.getName(),
            action.getDescription(),
            kindId,
            action.getConfig(),
            action.hasInputSchema() ? action.getInputSchema() : null,
            action.hasOutputSchema() ? action.getOutputSchema() : null,
            action.getDefaults(),
            timeout,
            false,
            null,
            null);
    return repository.save(caller.tenantId(), definition, Times.now()).proto(kind);
  }

  /** spec: automation.actions.execute(actionId, params) -> ActionResult. */
  public ActionResult execute(Principal caller, String actionId, Struct params, String requestId, Duration timeout) {
    ActionDefinition action = find(caller, actionId);
    Struct prepared = runner.prepare(action, params, "params");
    String key = requestId.isEmpty() ? "action/" + UUID.randomUUID() : requestId;
    return runner.run(action, caller, prepared, key, runner.timeout(action, timeout)).proto(key);
  }

  /** spec: automation.actions.remove(actionId). */
  public Instant remove(Principal caller, String actionId, boolean force) {
    if (registry.isBuiltin(actionId)) {
      throw new NerveException(ErrorCode.FAILED_PRECONDITION, "built-in action '" + actionId + "' cannot be removed");
    }
    find(caller, actionId);
    if (!force) {
      List<String> users = repository.referencingWorkflows(caller.tenantId(), actionId);
      if (!users.isEmpty()) {
        throw new NerveException(
            ErrorCode.CONFLICT,
            "action '" + actionId + "' is used by workflows " + users + "; update them first or remove with force");
      }
    }
    if (!repository.delete(caller.tenantId(), actionId)) {
      throw NerveException.notFound("action", actionId);
    }
    return Times.now();
  }

  /** The registered actions of the kinds starting with the prefix, and the workflows that use them. */
  public ListKindUsagesResponse kindUsages(Principal caller, String kindPrefix) {
    Inputs.required("kindPrefix", kindPrefix);
    if (kindPrefix.length() < 3) {
      throw NerveException.invalid("kindPrefix", "min", "must have at least 3 characters");
    }
    Inputs.text("kindPrefix", kindPrefix, 200);
    return ListKindUsagesResponse.newBuilder()
        .addAllActionIds(repository.actionsOfKinds(caller.tenantId(), kindPrefix))
        .addAllWorkflowIds(repository.workflowsUsingKinds(caller.tenantId(), kindPrefix))
        .build();
  }

  public Action get(Principal caller, String actionId) {
    ActionDefinition action = find(caller, actionId);
    return action.proto(registry.kind(action.kindId()).orElseGet(() -> unknownKind(action.kindId())));
  }

  /** Built-in and registered actions after {@code afterId} in id order, at most {@code limit}. */
  public List<Action> list(Principal caller, dev.nerve.api.automation.v1.ActionKind kind, String afterId, int limit) {
    List<Action> all = new ArrayList<>();
    String after = afterId == null ? "" : afterId;
    registry.builtins().values().stream()
        .filter(k -> k.id().compareTo(after) > 0)
        .map(k -> registry.builtin(k.id()).orElseThrow().proto(k))
        .forEach(all::add);
    String cursor = after;
    while (true) {
      List<ActionDefinition> page = repository.list(caller.tenantId(), cursor, limit + 1);
      for (ActionDefinition action : page) {
        all.add(action.proto(registry.kind(action.kindId()).orElseGet(() -> unknownKind(action.kindId()))));
      }
      if (page.size() <= limit || kind == dev.nerve.api.automation.v1.ActionKind.ACTION_KIND_UNSPECIFIED) {
        break;
      }
      cursor = page.get(page.size() - 1).id();
    }
    return all.stream()
        .filter(a -> kind == dev.nerve.api.automation.v1.ActionKind.ACTION_KIND_UNSPECIFIED || a.getKind() == kind)
        .sorted(java.util.Comparator.comparing(Action::getId))
        .limit(limit + 1L)
        .toList();
  }

  private ActionDefinition find(Principal caller, String actionId) {
    Inputs.required("id", actionId);
    return registry.find(caller, actionId).orElseThrow(() -> NerveException.notFound("action", actionId));
  }

  private static ActionKind unknownKind(String kindId) {
    return new ActionKind() {
      @Override
      public String id() {
        return kindId;
      }

      @Override
      public dev.nerve.api.automation.v1.ActionKind category() {
        return dev.nerve.api.automation.v1.ActionKind.ACTION_KIND_UNSPECIFIED;
      }

      @Override
      public String description() {
        return "";
      }

      @Override
      public Struct inputSchema() {
        return null;
      }

      @Override
      public com.google.protobuf.Value run(Invocation call) {
        throw new ActionFailure("action kind " + kindId + " is not available", false);
      }
    };
  }
}
