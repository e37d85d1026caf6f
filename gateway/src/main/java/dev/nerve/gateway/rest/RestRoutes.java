package dev.nerve.gateway.rest;

import dev.nerve.gateway.contract.Contracts;
import dev.nerve.gateway.contract.RequestBinder;
import dev.nerve.gateway.contract.Rpc;
import dev.nerve.gateway.contract.RpcCalls;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.web.bind.annotation.RequestMethod;
import org.springframework.web.method.HandlerMethod;
import org.springframework.web.servlet.mvc.method.RequestMappingInfo;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;

/**
 * The REST surface of the contracts: one route per {@code google.api.http} binding of every RPC,
 * registered with Spring MVC at start and served by a {@link RouteHandler}. Adding a binding to a
 * {@code .proto} adds the route, its permission, cost and audit (from the RPC's operation) and its
 * OpenAPI description, with no Java change.
 */
public final class RestRoutes implements SmartInitializingSingleton {

  private final RequestMappingHandlerMapping mapping;
  private final List<RouteHandler> handlers;
  private final Map<String, RouteHandler> byKey = new HashMap<>();

  public RestRoutes(
      Contracts contracts, RequestBinder binder, RpcCalls calls, RequestMappingHandlerMapping mapping) {
    this.mapping = mapping;
    List<RouteHandler> all = new ArrayList<>();
    for (Rpc rpc : contracts.rpcs()) {
      rpc.httpRules().forEach(rule -> all.add(new RouteHandler(RestRoute.of(rpc, rule), binder, calls)));
    }
    all.sort(Comparator.comparing((RouteHandler h) -> h.route().path()).thenComparing(h -> h.route().verb()));
    for (RouteHandler handler : all) {
      RouteHandler clash = byKey.putIfAbsent(handler.route().verb() + " " + handler.route().pattern(), handler);
      if (clash != null) {
        throw new IllegalStateException(
            "two RPCs bind " + handler.route().key() + ": " + clash.route().rpc().fullName() + " and "
                + handler.route().rpc().fullName());
      }
    }
    this.handlers = List.copyOf(all);
  }

  /** The handler of every route, ordered by path. */
  public List<RouteHandler> handlers() {
    return handlers;
  }

  /** Every route, ordered by path. */
  public List<RestRoute> routes() {
    return handlers.stream().map(RouteHandler::route).toList();
  }

  /** The route a Spring MVC handler serves, when it is one of these. */
  public static Optional<RestRoute> of(Object handler) {
    return handler instanceof HandlerMethod method && method.getBean() instanceof RouteHandler route
        ? Optional.of(route.route())
        : Optional.empty();
  }

  @Override
  public void afterSingletonsInstantiated() {
    Method handle;
    Method stream;
    try {
      handle = RouteHandler.class.getMethod("handle", HttpServletRequest.class);
      stream = RouteHandler.class.getMethod("stream", HttpServletRequest.class, HttpServletResponse.class);
    } catch (NoSuchMethodException e) {
      throw new IllegalStateException(e);
    }
    for (RouteHandler handler : handlers) {
      RestRoute route = handler.route();
      mapping.registerMapping(
          RequestMappingInfo.paths(route.pattern())
              .methods(RequestMethod.valueOf(route.verb()))
              .options(mapping.getBuilderConfiguration())
              .build(),
          handler,
          route.rpc().serverStreaming() ? stream : handle);
    }
  }
}
