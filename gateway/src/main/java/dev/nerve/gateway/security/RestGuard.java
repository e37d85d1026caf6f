package dev.nerve.gateway.security;

import dev.nerve.gateway.audit.AuditLog;
import dev.nerve.gateway.audit.RefusalAudit;
import dev.nerve.gateway.audit.TraceIds;
import dev.nerve.gateway.error.ClientError;
import dev.nerve.gateway.error.ErrorClass;
import dev.nerve.platform.error.NerveException;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.web.method.HandlerMethod;
import org.springframework.web.servlet.HandlerInterceptor;
import org.springframework.web.servlet.HandlerMapping;

/**
 * Enforces each REST route's {@link Operation} ({@link OperationCatalog}): permission and rate
 * limit before the handler runs, and an audit entry after every audited operation, including the
 * ones the guard refused.
 */
public final class RestGuard implements HandlerInterceptor {

  /** Request attribute a controller sets to name the ids an operation created. */
  public static final String AUDIT_TARGETS = RestGuard.class.getName() + ".targets";

  private static final String ROUTE = RestGuard.class.getName() + ".route";

  private static final String OPERATION = RestGuard.class.getName() + ".operation";

  private final Guard guard;
  private final OperationCatalog catalog;
  private final AuditLog audit;
  private final TraceIds traces;
  private final RefusalAudit refusals;

  public RestGuard(Guard guard, OperationCatalog catalog, AuditLog audit, TraceIds traces, RefusalAudit refusals) {
    this.guard = guard;
    this.catalog = catalog;
    this.audit = audit;
    this.traces = traces;
    this.refusals = refusals;
  }

  @Override
  public boolean preHandle(HttpServletRequest request, HttpServletResponse response, Object handler) {
    if (!(handler instanceof HandlerMethod) || request.getDispatcherType() == DispatcherType.ERROR) {
      return true;
    }
    Object pattern = request.getAttribute(HandlerMapping.BEST_MATCHING_PATTERN_ATTRIBUTE);
    Optional<Operation> entry = catalog.rest(handler, request.getMethod(), String.valueOf(pattern));
    String route = entry.map(Operation::name).orElse(request.getMethod() + " " + pattern);
    request.setAttribute(ROUTE, route);
    entry.ifPresent(e -> request.setAttribute(OPERATION, e));
    Caller caller = caller(request);
    try {
      guard.authorize(route, entry, caller);
      guard.charge(caller, route, entry.get().cost());
    } catch (NerveException e) {
      if (entry.map(Operation::audit).orElse(true) && caller.identity() != null) {
        refusals.refused(
            caller.identity().tenantId(),
            caller.principal(),
            route,
            pathIds(request),
            ClientError.ofAny(e).errorClass().name());
      }
      throw e;
    }
    return true;
  }

  private static List<String> pathIds(HttpServletRequest request) {
    List<String> ids = new ArrayList<>();
    if (request.getAttribute(HandlerMapping.URI_TEMPLATE_VARIABLES_ATTRIBUTE) instanceof Map<?, ?> vars) {
      vars.values().forEach(v -> ids.add(String.valueOf(v)));
    }
    return ids;
  }

  @Override
  public void afterCompletion(
      HttpServletRequest request, HttpServletResponse response, Object handler, Exception ex) {
    Object route = request.getAttribute(ROUTE);
    Caller caller = caller(request);
    if (route == null
        || !(request.getAttribute(OPERATION) instanceof Operation operation)
        || !operation.audit()
        || caller.identity() == null) {
      return;
    }
    List<String> targets = pathIds(request);
    if (request.getAttribute(AUDIT_TARGETS) instanceof List<?> created) {
      created.forEach(v -> targets.add(String.valueOf(v)));
    }
    int status = response.getStatus();
    audit.record(
        caller.identity().tenantId(),
        caller.principal(),
        route.toString(),
        targets,
        status < 400 ? "OK" : ErrorClass.ofHttpStatus(status).name(),
        traces.current());
  }

  static Caller caller(HttpServletRequest request) {
    return request.getAttribute(Caller.ATTRIBUTE) instanceof Caller c
        ? c
        : Caller.anonymous(request.getRemoteAddr());
  }
}
