package dev.nerve.gateway.security;

import dev.nerve.gateway.audit.AuditLog;
import dev.nerve.gateway.audit.TraceIds;
import dev.nerve.gateway.error.ErrorClass;
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
 * Enforces {@link OperationPermissions} on REST routes: permission and rate limit before the
 * controller runs, and an audit entry after every write (any method but GET).
 */
public final class RestGuard implements HandlerInterceptor {

  /** Request attribute a controller sets to name the ids an operation created. */
  public static final String AUDIT_TARGETS = RestGuard.class.getName() + ".targets";

  private static final String ROUTE = RestGuard.class.getName() + ".route";

  private final Guard guard;
  private final AuditLog audit;
  private final TraceIds traces;

  public RestGuard(Guard guard, AuditLog audit, TraceIds traces) {
    this.guard = guard;
    this.audit = audit;
    this.traces = traces;
  }

  @Override
  public boolean preHandle(HttpServletRequest request, HttpServletResponse response, Object handler) {
    if (!(handler instanceof HandlerMethod) || request.getDispatcherType() == DispatcherType.ERROR) {
      return true;
    }
    Object pattern = request.getAttribute(HandlerMapping.BEST_MATCHING_PATTERN_ATTRIBUTE);
    String route = request.getMethod() + " " + pattern;
    request.setAttribute(ROUTE, route);
    Optional<OperationPermissions.Operation> entry =
        OperationPermissions.rest(request.getMethod(), String.valueOf(pattern));
    Caller caller = caller(request);
    guard.authorize(route, entry, caller);
    guard.charge(caller, entry.get().cost());
    return true;
  }

  @Override
  public void afterCompletion(
      HttpServletRequest request, HttpServletResponse response, Object handler, Exception ex) {
    Object route = request.getAttribute(ROUTE);
    Caller caller = caller(request);
    if (route == null || "GET".equals(request.getMethod()) || caller.identity() == null) {
      return;
    }
    List<String> targets = new ArrayList<>();
    if (request.getAttribute(HandlerMapping.URI_TEMPLATE_VARIABLES_ATTRIBUTE) instanceof Map<?, ?> vars) {
      vars.values().forEach(v -> targets.add(String.valueOf(v)));
    }
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
