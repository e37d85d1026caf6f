package dev.nerve.automation.workflow;

import dev.nerve.api.automation.v1.Workflow;
import dev.nerve.api.automation.v1.WorkflowStep;
import dev.nerve.automation.support.Inputs;
import dev.nerve.automation.support.Principal;
import dev.nerve.automation.support.Times;
import dev.nerve.platform.error.ErrorCode;
import dev.nerve.platform.error.FieldViolation;
import dev.nerve.platform.error.NerveException;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * {@code automation.workflows} create, update, delete and reads: definitions are read (JSON or
 * YAML), checked against the schema and the semantic rules, and stored as immutable versions.
 */
public final class Workflows {

  private final WorkflowRepository repository;
  private final DefinitionReader reader;
  private final DefinitionValidator validator;
  private final WorkflowHooks hooks;
  private final TransactionTemplate tx;

  public Workflows(
      WorkflowRepository repository,
      DefinitionReader reader,
      DefinitionValidator validator,
      WorkflowHooks hooks,
      TransactionTemplate tx) {
    this.repository = repository;
    this.reader = reader;
    this.validator = validator;
    this.hooks = hooks;
    this.tx = tx;
  }

  public DefinitionReader reader() {
    return reader;
  }

  /** spec: automation.workflows.create(workflow) -> string. */
  public Workflow create(Principal caller, Workflow given, String yaml) {
    String prefix = yaml.isEmpty() ? "workflow" : "definitionYaml";
    Workflow definition = clean(reader.read(given, yaml));
    String id = definition.getId().isEmpty() ? UUID.randomUUID().toString() : Inputs.id(prefix + ".id", definition.getId());
    Workflow stored = definition.toBuilder().setId(id).setName(definition.getName().isEmpty() ? id : definition.getName()).build();
    check(caller, prefix, stored);
    Instant now = Times.now();
    return tx.execute(
        status -> {
          if (!repository.insert(caller, id, stored, eventTrigger(stored), actionIds(stored), now)) {
            throw new NerveException(ErrorCode.ALREADY_EXISTS, "workflow '" + id + "' already exists");
          }
          hooks.cronTrigger(caller, id, stored.getTrigger().hasCron() ? stored.getTrigger().getCron() : null);
          return repository.version(caller.tenantId(), id, 1).orElseThrow().proto();
        });
  }

  /** spec: automation.workflows.update(workflowId, workflow). */
  public Workflow update(Principal caller, String id, Workflow given, String yaml, Long expectedVersion) {
    Inputs.required("id", id);
    String prefix = yaml.isEmpty() ? "workflow" : "definitionYaml";
    Workflow definition = clean(reader.read(given, yaml));
    Workflow stored = definition.toBuilder().setId(id).setName(definition.getName().isEmpty() ? id : definition.getName()).build();
    check(caller, prefix, stored);
    Instant now = Times.now();
    return tx.execute(
        status -> {
          var current =
              repository.current(caller.tenantId(), id, true).orElseThrow(() -> NerveException.notFound("workflow", id));
          if (expectedVersion != null && expectedVersion != current.currentVersion()) {
            throw NerveException.conflict(
                "workflow '" + id + "' is at version " + current.currentVersion() + ", not " + expectedVersion);
          }
          long version = current.currentVersion() + 1;
          repository.insertVersion(caller.tenantId(), id, version, stored, actionIds(stored), now);
          repository.setCurrent(caller.tenantId(), id, version, stored.getName(), eventTrigger(stored), now);
          hooks.cronTrigger(current.owner(), id, stored.getTrigger().hasCron() ? stored.getTrigger().getCron() : null);
          return repository.version(caller.tenantId(), id, version).orElseThrow().proto();
        });
  }

  /** spec: automation.workflows.delete(workflowId). */
  public Instant delete(Principal caller, String id, boolean cancelRuns) {
    Inputs.required("id", id);
    Instant now = Times.now();
    tx.executeWithoutResult(
        status -> {
          repository.current(caller.tenantId(), id, true).orElseThrow(() -> NerveException.notFound("workflow", id));
          if (hooks.scheduledByTask(caller.tenantId(), id)) {
            throw new NerveException(
                ErrorCode.FAILED_PRECONDITION, "workflow '" + id + "' is scheduled by an active task; cancel it first");
          }
          repository.markDeleted(caller.tenantId(), id, now);
          hooks.cronTrigger(caller, id, null);
        });
    hooks.deleted(caller, id, cancelRuns);
    return now;
  }

  public Workflow get(Principal caller, String id, Long version) {
    Inputs.required("id", id);
    var current = repository.current(caller.tenantId(), id, false).orElseThrow(() -> NerveException.notFound("workflow", id));
    if (version == null || version == current.version()) {
      return current.proto();
    }
    return repository
        .version(caller.tenantId(), id, version)
        .orElseThrow(() -> NerveException.notFound("workflow version", id + "@" + version))
        .proto();
  }

  public List<Workflow> list(Principal caller, String afterName, String afterId, int limit) {
    return repository.list(caller.tenantId(), afterName, afterId, limit).stream().map(WorkflowRepository.Row::proto).toList();
  }

  public List<Workflow> versions(Principal caller, String id, long before, int limit) {
    Inputs.required("id", id);
    repository.current(caller.tenantId(), id, false).orElseThrow(() -> NerveException.notFound("workflow", id));
    return repository.versions(caller.tenantId(), id, before, limit).stream().map(WorkflowRepository.Row::proto).toList();
  }

  /** The current version of a workflow that is not deleted; NOT_FOUND otherwise. */
  public WorkflowRepository.Row current(String tenantId, String id) {
    return repository.current(tenantId, id, false).orElseThrow(() -> NerveException.notFound("workflow", id));
  }

  /** The current version of a workflow that is not deleted (what a new execution runs). */
  public long currentVersion(String tenantId, String id) {
    return repository.currentVersion(tenantId, id).orElseThrow(() -> NerveException.notFound("workflow", id));
  }

  private void check(Principal caller, String prefix, Workflow workflow) {
    List<FieldViolation> violations =
        validator.validate(caller, prefix, workflow, other -> repository.exists(caller.tenantId(), other));
    if (!violations.isEmpty()) {
      throw NerveException.invalid(violations);
    }
  }

  /** Output-only fields cleared. */
  private static Workflow clean(Workflow workflow) {
    return workflow.toBuilder()
        .clearVersion()
        .clearCreatedAt()
        .clearUpdatedAt()
        .clearFlowchart()
        .clearDeletedAt()
        .build();
  }

  private static String eventTrigger(Workflow workflow) {
    return workflow.getTrigger().hasEvent() ? workflow.getTrigger().getEvent().getEventType() : null;
  }

  private static Set<String> actionIds(Workflow workflow) {
    Set<String> ids = new LinkedHashSet<>();
    for (WorkflowStep step : workflow.getStepsList()) {
      if (!step.getActionId().isEmpty()) {
        ids.add(step.getActionId());
      }
      if (step.hasForEach() && !step.getForEach().getActionId().isEmpty()) {
        ids.add(step.getForEach().getActionId());
      }
    }
    return ids;
  }
}
