package dev.nerve.automation.workflow;

import dev.nerve.platform.error.NerveException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The plans of workflow versions, read once and cached: versions never change, so a cached plan
 * is always right.
 */
public final class Plans {

  private static final int SIZE = 2000;

  private final WorkflowRepository repository;
  private final Map<String, Plan> cache =
      java.util.Collections.synchronizedMap(
          new LinkedHashMap<>(64, 0.75f, true) {
            private static final long serialVersionUID = 1L;

            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Plan> eldest) {
              return size() > SIZE;
            }
          });

  public Plans(WorkflowRepository repository) {
    this.repository = repository;
  }

  /** The plan of one version; NOT_FOUND when it does not exist in the tenant. */
  public Plan get(String tenantId, String workflowId, long version) {
    String key = tenantId + "\u001f" + workflowId + "\u001f" + version;
    Plan plan = cache.get(key);
    if (plan == null) {
      var row =
          repository
              .version(tenantId, workflowId, version)
              .orElseThrow(() -> NerveException.notFound("workflow version", workflowId + "@" + version));
      plan = Plan.of(tenantId, workflowId, version, row.definition());
      cache.put(key, plan);
    }
    return plan;
  }
}
