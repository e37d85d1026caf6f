package dev.nerve.sdk.endpoint;

import dev.nerve.api.sdk.v1.Endpoint;
import dev.nerve.api.sdk.v1.HttpMethod;
import dev.nerve.platform.error.NerveException;
import dev.nerve.sdk.support.Json;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Builds the HTTP request of a call: {@code {name}} placeholders in the path (percent-encoded as
 * a path segment), header and query templates are filled from the parameters; the parameters no
 * template used go to the query string (GET, HEAD, DELETE) or a JSON body (POST, PUT, PATCH)
 * unless the endpoint has its own query or body template. A body template's string that is
 * exactly {@code "{name}"} takes the parameter's JSON value, so numbers and objects keep their type;
 * a header or query template that is exactly {@code {name}} is left out when the parameter is
 * missing (path placeholders are always required).
 */
final class RequestRenderer {

  private RequestRenderer() {}

  static String method(Endpoint endpoint) {
    return switch (endpoint.getMethod()) {
      case HTTP_METHOD_POST -> "POST";
      case HTTP_METHOD_PUT -> "PUT";
      case HTTP_METHOD_PATCH -> "PATCH";
      case HTTP_METHOD_DELETE -> "DELETE";
      case HTTP_METHOD_HEAD -> "HEAD";
      default -> "GET";
    };
  }

  static RenderedRequest render(Endpoint endpoint, ObjectNode params) {
    Set<String> used = new HashSet<>();
    String path = fill(endpoint.getPathTemplate(), params, used, true, "pathTemplate");
    List<Map.Entry<String, String>> headers = new ArrayList<>();
    endpoint.getHeadersMap().forEach((name, template) -> {
      if (optionalAbsent(template, params)) {
        return;
      }
      String value = fill(template, params, used, false, "headers." + name);
      if (value.indexOf('\r') >= 0 || value.indexOf('\n') >= 0) {
        throw NerveException.invalid("params", "format", "a parameter put into header " + name + " contains a line break");
      }
      headers.add(Map.entry(name, value));
    });
    StringBuilder query = new StringBuilder();
    endpoint.getQueryTemplateMap().forEach((name, template) -> {
      if (!optionalAbsent(template, params)) {
        append(query, name, fill(template, params, used, false, "queryTemplate." + name));
      }
    });
    HttpMethod method = endpoint.getMethod();
    boolean bodyMethod =
        method == HttpMethod.HTTP_METHOD_POST || method == HttpMethod.HTTP_METHOD_PUT || method == HttpMethod.HTTP_METHOD_PATCH;
    byte[] body = null;
    if (endpoint.hasBodyTemplate()) {
      body = Json.write(fillJson(Json.tree(endpoint.getBodyTemplate()), params, used)).getBytes(StandardCharsets.UTF_8);
    }
    ObjectNode rest = JsonNodeFactory.instance.objectNode();
    for (Map.Entry<String, JsonNode> param : params.properties()) {
      if (!used.contains(param.getKey())) {
        rest.set(param.getKey(), param.getValue());
      }
    }
    if (bodyMethod && body == null) {
      body = Json.write(rest).getBytes(StandardCharsets.UTF_8);
    } else if (!bodyMethod && endpoint.getQueryTemplateCount() == 0) {
      for (Map.Entry<String, JsonNode> param : rest.properties()) {
        JsonNode value = param.getValue();
        if (value.isArray()) {
          value.forEach(item -> append(query, param.getKey(), text(item)));
        } else if (!value.isNull()) {
          append(query, param.getKey(), text(value));
        }
      }
    }
    String contentType = null;
    for (var it = headers.iterator(); it.hasNext(); ) {
      var header = it.next();
      if (header.getKey().equalsIgnoreCase("content-type")) {
        contentType = header.getValue();
        it.remove();
      }
    }
    if (body != null && contentType == null) {
      contentType = "application/json";
    }
    String base = endpoint.getBaseUrl().endsWith("/") && path.startsWith("/")
        ? endpoint.getBaseUrl().substring(0, endpoint.getBaseUrl().length() - 1)
        : endpoint.getBaseUrl();
    String uri = base + path + (query.length() == 0 ? "" : "?" + query);
    try {
      return new RenderedRequest(method(endpoint), URI.create(uri), headers, body, body == null ? null : contentType);
    } catch (IllegalArgumentException e) {
      throw NerveException.invalid("params", "format", "the parameters do not make a valid URL");
    }
  }

  /** A header or query template that is exactly {@code {name}} is left out when the parameter is not given. */
  private static boolean optionalAbsent(String template, ObjectNode params) {
    if (template.length() > 2 && template.charAt(0) == '{' && template.indexOf('}') == template.length() - 1) {
      JsonNode value = params.get(template.substring(1, template.length() - 1));
      return value == null || value.isNull();
    }
    return false;
  }

  private static void append(StringBuilder query, String name, String value) {
    if (query.length() > 0) {
      query.append('&');
    }
    query.append(URLEncoder.encode(name, StandardCharsets.UTF_8)).append('=').append(URLEncoder.encode(value, StandardCharsets.UTF_8));
  }

  /** Fills the placeholders of a string template; a missing parameter is bad input. */
  private static String fill(String template, ObjectNode params, Set<String> used, boolean pathSegment, String where) {
    if (template.indexOf('{') < 0) {
      return template;
    }
    StringBuilder out = new StringBuilder();
    int i = 0;
    while (i < template.length()) {
      int open = template.indexOf('{', i);
      if (open < 0) {
        out.append(template, i, template.length());
        break;
      }
      int close = template.indexOf('}', open);
      out.append(template, i, open);
      String name = template.substring(open + 1, close);
      JsonNode value = params.get(name);
      if (value == null || value.isNull()) {
        throw NerveException.invalid("params." + name, "required", "is required by the endpoint's " + where);
      }
      used.add(name);
      String text = text(value);
      out.append(pathSegment ? segment(text) : text);
      i = close + 1;
    }
    return out.toString();
  }

  private static JsonNode fillJson(JsonNode template, ObjectNode params, Set<String> used) {
    if (template.isString()) {
      String s = template.stringValue();
      if (s.length() > 2 && s.startsWith("{") && s.endsWith("}") && s.indexOf('{', 1) < 0) {
        String name = s.substring(1, s.length() - 1);
        JsonNode value = params.get(name);
        if (value == null) {
          throw NerveException.invalid("params." + name, "required", "is required by the endpoint's bodyTemplate");
        }
        used.add(name);
        return value;
      }
      return JsonNodeFactory.instance.stringNode(fill(s, params, used, false, "bodyTemplate"));
    }
    if (template.isArray()) {
      ArrayNode array = JsonNodeFactory.instance.arrayNode();
      template.forEach(item -> array.add(fillJson(item, params, used)));
      return array;
    }
    if (template.isObject()) {
      ObjectNode object = JsonNodeFactory.instance.objectNode();
      for (Map.Entry<String, JsonNode> field : template.properties()) {
        object.set(field.getKey(), fillJson(field.getValue(), params, used));
      }
      return object;
    }
    return template;
  }

  private static String text(JsonNode value) {
    return value.isString() ? value.stringValue() : value.isValueNode() ? value.asString() : Json.write(value);
  }

  /** Percent-encodes a path segment (RFC 3986 unreserved characters stay). */
  static String segment(String value) {
    if (value.equals(".") || value.equals("..")) {
      return value.replace(".", "%2E");
    }
    StringBuilder out = new StringBuilder();
    for (byte b : value.getBytes(StandardCharsets.UTF_8)) {
      int c = b & 0xff;
      if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' || c == '~') {
        out.append((char) c);
      } else {
        out.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16))).append(Character.toUpperCase(Character.forDigit(c & 15, 16)));
      }
    }
    return out.toString();
  }
}
