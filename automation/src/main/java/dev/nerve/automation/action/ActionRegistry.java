package dev.nerve.automation.action;

import dev.nerve.automation.support.Principal;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * Every action a tenant can run: the built-in action of each kind registered at start (id = kind
 * id) and the tenant's registered actions, which name a built-in kind or an extension's action
 * ({@code ext:<extension>:<action>}).
 */
public final class ActionRegistry {

  private final Map<String, ActionKind> builtins;
  // Built once: a kind's schema is JSON text, parsed (and hashed to find its compiled form) per call otherwise.
  private final Map<String, ActionDefinition> builtinActions;
  private final Function<String, ActionKind> extensions;
  private final ActionRepository repository;

  ActionRegistry(Collection<ActionKind> builtins, Function<String, ActionKind> extensions, ActionRepository repository) {
    Map<String, ActionKind> map = new LinkedHashMap<>();
    builtins.forEach(kind -> map.put(kind.id(), kind));
    this.builtins = Collections.unmodifiableMap(map);
    Map<String, ActionDefinition> actions = new LinkedHashMap<>();
    map.forEach((id, kind) -> actions.put(id, builtinAction(kind)));
    this.builtinActions = Collections.unmodifiableMap(actions);
    this.extensions = extensions;
    this.repository = repository;
  }

  /** Built-in kinds by id. */
  public Map<String, ActionKind> builtins() {
    return builtins;
  }

  /** The kind with this id: built-in or an extension's action; empty when unknown. */
  public Optional<ActionKind> kind(String kindId) {
    ActionKind builtin = builtins.get(kindId);
    if (builtin != null) {
      return Optional.of(builtin);
    }
    return SdkKinds.isExtension(kindId) ? Optional.of(extensions.apply(kindId)) : Optional.empty();
  }

  /** Whether the id is a built-in action. */
  public boolean isBuiltin(String actionId) {
    return builtins.containsKey(actionId);
  }

  /** The action with this id in the principal's tenant. */
  public Optional<ActionDefinition> find(Principal principal, String actionId) {
    ActionDefinition builtin = builtinActions.get(actionId);
    if (builtin != null) {
      return Optional.of(builtin);
    }
    return repository.find(principal.tenantId(), actionId);
  }

  /** The built-in action of a built-in kind; empty for other ids. */
  public Optional<ActionDefinition> builtin(String kindId) {
    return Optional.ofNullable(builtinActions.get(kindId));
  }

  /** The built-in action of a kind. */
  private static ActionDefinition builtinAction(ActionKind kind) {
    return new ActionDefinition(
        kind.id(),
        kind.id(),
        kind.description(),
        kind.id(),
        ActionRepository.empty(),
        kind.inputSchema(),
        null,
        ActionRepository.empty(),
        null,
        true,
        null,
        null);
  }
}
