package dev.nerve.gateway.rest;

import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import dev.nerve.gateway.contract.FieldPaths;
import dev.nerve.gateway.contract.ProtoValues;
import dev.nerve.gateway.contract.RequestBinder;
import dev.nerve.gateway.contract.RpcCalls;
import dev.nerve.gateway.error.ClientError;
import dev.nerve.gateway.security.RestGuard;
import dev.nerve.platform.error.NerveException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.servlet.HandlerMapping;
import reactor.core.publisher.Sinks;
import tools.jackson.core.JacksonException;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * Serves one {@link RestRoute}: reads the JSON body, path variables and query parameters into the
 * RPC's request (through the one {@link RequestBinder}), calls the RPC, and answers with the
 * response (or its {@code response_body} field) as JSON by the rules of {@link ProtoValues}, or,
 * for a server-streaming RPC, with its messages as Server-Sent Events. Errors propagate to the REST
 * error mapping.
 */
public final class RouteHandler {

  private static final JsonMapper JSON =
      JsonMapper.builder().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();

  /** Longest a REST stream stays open; clients reconnect after it. */
  private static final Duration STREAM_TIMEOUT = Duration.ofMinutes(30);

  private final RestRoute route;
  private final RequestBinder binder;
  private final RpcCalls calls;
  private final FieldDescriptor responseField;

  public RouteHandler(RestRoute route, RequestBinder binder, RpcCalls calls) {
    this.route = route;
    this.binder = binder;
    this.calls = calls;
    this.responseField =
        route.responseBody().isEmpty()
            ? null
            : ProtoValues.fields(route.rpc().descriptor().getOutputType()).get(route.responseBody());
  }

  /** The route this handler serves. */
  public RestRoute route() {
    return route;
  }

  /** Handles a request; Spring MVC calls it with the matched request. */
  public ResponseEntity<Object> handle(HttpServletRequest request) throws IOException {
    RequestBinder.Bound bound = bind(request);
    Message response = calls.unary(route.rpc(), bound);
    auditTarget(request, response);
    int status = route.successStatus();
    if (status == 204) {
      return ResponseEntity.noContent().build();
    }
    Object shown = responseField == null ? ProtoValues.plain(response) : ProtoValues.field(response, responseField);
    if (shown instanceof Message message) {
      shown = ProtoValues.plain(message);
    }
    return ResponseEntity.status(status).contentType(MediaType.APPLICATION_JSON).body(shown);
  }

  /**
   * Handles a request to a server-streaming RPC as Server-Sent Events: one {@code data:} event of
   * JSON per message, written as it comes, ending when the RPC does (or after {@link
   * #STREAM_TIMEOUT}). The response starts with the first message, so a refusal before it (an
   * unknown id, a bad request) is an ordinary problem+json error; an error later in the stream is a
   * final {@code error} event with the error's code and message. The stream is written on the
   * request's thread, so the route's guard, charge and audit run once, as for any route.
   */
  public void stream(HttpServletRequest request, HttpServletResponse response) throws IOException {
    RequestBinder.Bound bound = bind(request);
    Sinks.Empty<Void> clientGone = Sinks.empty();
    Iterator<Message> messages =
        calls.stream(route.rpc(), bound).take(STREAM_TIMEOUT).takeUntilOther(clientGone.asMono()).toIterable(1).iterator();
    boolean started = false;
    try {
      while (messages.hasNext()) {
        Message message = messages.next();
        started = start(response, started);
        event(response, null, JSON.writeValueAsString(ProtoValues.plain(message)));
      }
    } catch (IOException e) {
      clientGone.tryEmitEmpty();
      return;
    } catch (RuntimeException e) {
      if (!started) {
        throw e;
      }
      ClientError shown = ClientError.ofAny(e);
      try {
        event(response, "error", JSON.writeValueAsString(Map.of("code", shown.errorClass().name(), "message", shown.message())));
      } catch (IOException gone) {
        clientGone.tryEmitEmpty();
      }
      return;
    }
    start(response, started);
  }

  private static boolean start(HttpServletResponse response, boolean started) {
    if (!started) {
      response.setStatus(200);
      response.setContentType(MediaType.TEXT_EVENT_STREAM_VALUE);
      response.setCharacterEncoding(StandardCharsets.UTF_8.name());
    }
    return true;
  }

  private static void event(HttpServletResponse response, String name, String json) throws IOException {
    StringBuilder event = new StringBuilder();
    if (name != null) {
      event.append("event:").append(name).append('\n');
    }
    event.append("data:").append(json).append("\n\n");
    response.getOutputStream().write(event.toString().getBytes(StandardCharsets.UTF_8));
    response.flushBuffer();
  }

  /** The request bound into the RPC's request message, from the path, query and body. */
  private RequestBinder.Bound bind(HttpServletRequest request) throws IOException {
    Map<String, Object> values = new LinkedHashMap<>();
    FieldPaths.Builder paths = FieldPaths.builder();
    if (!route.body().isEmpty()) {
      Object body = body(request);
      if (route.bodyIsRequest()) {
        if (body != null && !(body instanceof Map<?, ?>)) {
          throw NerveException.invalid("body", "type", "must be a JSON object");
        }
        if (body instanceof Map<?, ?> map) {
          map.forEach((k, v) -> values.put(String.valueOf(k), v));
        }
      } else {
        if (body == null) {
          throw NerveException.invalid("body", "required", "is required");
        }
        values.put(route.body(), body);
        paths.map(route.body(), "");
      }
    }
    Map<String, List<String>> query = query(request);
    if (route.bodyIsRequest() && !query.isEmpty()) {
      String name = query.keySet().iterator().next();
      throw NerveException.invalid(name, "unknown", "unknown query parameter; this route takes its input as a JSON body");
    }
    query.forEach((name, list) -> put(values, name, list.size() == 1 ? list.get(0) : list));
    if (request.getAttribute(HandlerMapping.URI_TEMPLATE_VARIABLES_ATTRIBUTE) instanceof Map<?, ?> variables) {
      for (int i = 0; i < route.variables().size(); i++) {
        Object value = variables.get("v" + i);
        put(values, route.variables().get(i), value == null ? null : String.valueOf(value));
      }
    }
    return binder.bind(route.rpc().newRequest(), values, RequestBinder.Paging.REST, paths, !route.bodyIsRequest());
  }

  private static Object body(HttpServletRequest request) throws IOException {
    String type = request.getContentType();
    try (InputStream in = request.getInputStream()) {
      byte[] bytes = in.readAllBytes();
      if (bytes.length == 0) {
        return null;
      }
      if (type != null && !type.toLowerCase(java.util.Locale.ROOT).contains("json")) {
        throw NerveException.invalid("body", "type", "must be JSON (Content-Type: application/json)");
      }
      return JSON.readValue(bytes, Object.class);
    } catch (JacksonException e) {
      throw NerveException.invalid("body", "format", "is not valid JSON: " + e.getOriginalMessage());
    }
  }

  /** Query parameters, decoded strictly as UTF-8. */
  private static Map<String, List<String>> query(HttpServletRequest request) {
    Map<String, List<String>> params = new LinkedHashMap<>();
    String query = request.getQueryString();
    if (query == null || query.isEmpty()) {
      return params;
    }
    for (String pair : query.split("&")) {
      if (pair.isEmpty()) {
        continue;
      }
      int eq = pair.indexOf('=');
      try {
        String name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
        String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
        params.computeIfAbsent(name, n -> new ArrayList<>()).add(value);
      } catch (IllegalArgumentException e) {
        throw NerveException.invalid("query", "format", "is not valid percent-encoded UTF-8");
      }
    }
    return params;
  }

  /** Sets a dotted path ({@code scope.sessionId}) in nested maps. */
  @SuppressWarnings("unchecked")
  private static void put(Map<String, Object> values, String path, Object value) {
    String[] parts = path.split("\\.");
    Map<String, Object> current = values;
    for (int i = 0; i < parts.length - 1; i++) {
      Object next = current.get(parts[i]);
      if (!(next instanceof Map<?, ?>)) {
        next = new LinkedHashMap<String, Object>();
        current.put(parts[i], next);
      } else if (!(next instanceof LinkedHashMap<?, ?>)) {
        next = new LinkedHashMap<>((Map<String, Object>) next);
        current.put(parts[i], next);
      }
      current = (Map<String, Object>) next;
    }
    current.put(parts[parts.length - 1], value);
  }

  /** Names the object a write touched for the audit log: the response's id, or its resource's. */
  private static void auditTarget(HttpServletRequest request, Message response) {
    String id = ProtoValues.resourceId(response);
    if (id != null && !id.isEmpty()) {
      request.setAttribute(RestGuard.AUDIT_TARGETS, List.of(id));
    }
  }
}
