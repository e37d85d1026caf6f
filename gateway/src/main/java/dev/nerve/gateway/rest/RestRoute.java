package dev.nerve.gateway.rest;

import com.google.api.HttpRule;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import dev.nerve.gateway.contract.Rpc;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One REST route of a contract RPC, parsed from a {@code google.api.http} binding: the HTTP verb,
 * the Spring path pattern (each {@code {field.path}} variable renamed {@code {v0}}, {@code {v1}},
 * ...), which request field each variable fills, which request field the body fills ({@code *}:
 * the whole request; empty: no body, every other field from the query), and the answer's status.
 *
 * @param rpc the RPC
 * @param verb GET, POST, PUT, PATCH or DELETE
 * @param template the path as the contract writes it, e.g. {@code /api/v1/memory/long-term/{id}}
 * @param pattern the Spring path pattern, e.g. {@code /api/v1/memory/long-term/{v0}}
 * @param path the path as the OpenAPI document shows it, each variable named by the last part of
 *     its field path, e.g. {@code /api/v1/memory/long-term/{id}} for {@code {memory.id}}
 * @param variables JSON field paths of the path variables, in order ({@code memory.id})
 * @param body JSON name of the body field, {@code *} or empty
 * @param responseBody JSON name of the response field returned instead of the whole response, or empty
 */
public record RestRoute(
    Rpc rpc,
    String verb,
    String template,
    String pattern,
    String path,
    List<String> variables,
    String body,
    String responseBody) {

  private static final Pattern VARIABLE = Pattern.compile("\\{([a-z_][a-z0-9_.]*)}");

  /** The route of one binding; fails on templates Nerve does not support. */
  public static RestRoute of(Rpc rpc, HttpRule rule) {
    String verb;
    String template;
    switch (rule.getPatternCase()) {
      case GET -> { verb = "GET"; template = rule.getGet(); }
      case POST -> { verb = "POST"; template = rule.getPost(); }
      case PUT -> { verb = "PUT"; template = rule.getPut(); }
      case PATCH -> { verb = "PATCH"; template = rule.getPatch(); }
      case DELETE -> { verb = "DELETE"; template = rule.getDelete(); }
      default -> throw new IllegalStateException(rpc.fullName() + ": unsupported http rule " + rule.getPatternCase());
    }
    Descriptor request = rpc.descriptor().getInputType();
    var fields = dev.nerve.gateway.contract.ProtoValues.fields(request);
    if (fields.containsKey("page") && (fields.containsKey("limit") || fields.containsKey("cursor"))) {
      throw new IllegalStateException(
          rpc.fullName() + ": a request with a page cannot also have a field named limit or cursor (the REST paging parameters)");
    }
    Matcher matcher = VARIABLE.matcher(template);
    StringBuilder pattern = new StringBuilder();
    List<String> variables = new ArrayList<>();
    while (matcher.find()) {
      variables.add(jsonPath(rpc, request, matcher.group(1)));
      matcher.appendReplacement(pattern, "{v" + (variables.size() - 1) + "}");
    }
    matcher.appendTail(pattern);
    String path = pattern.toString();
    for (int i = 0; i < variables.size(); i++) {
      path = path.replace("{v" + i + "}", "{" + parameterName(variables.get(i)) + "}");
    }
    if (pattern.indexOf("=") >= 0 || pattern.indexOf("**") >= 0) {
      throw new IllegalStateException(rpc.fullName() + ": path template " + template + " is not supported");
    }
    String body = rule.getBody().equals("*") || rule.getBody().isEmpty() ? rule.getBody() : jsonPath(rpc, request, rule.getBody());
    String responseBody =
        rule.getResponseBody().isEmpty() ? "" : jsonPath(rpc, rpc.descriptor().getOutputType(), rule.getResponseBody());
    return new RestRoute(rpc, verb, template, pattern.toString(), path, List.copyOf(variables), body, responseBody);
  }

  /** The status of a successful answer: 201 for a POST that creates, 204 for a DELETE, else 200. */
  public int successStatus() {
    if (verb.equals("DELETE")) {
      return 204;
    }
    return verb.equals("POST") && rpc.operation().creates() ? 201 : 200;
  }

  /** Whether the body is the whole request. */
  public boolean bodyIsRequest() {
    return body.equals("*");
  }

  /** The route as logs and the audit log name it: {@code GET /api/v1/memory/long-term/{id}}. */
  public String key() {
    return verb + " " + path;
  }

  /** The OpenAPI name of a path variable: the last part of its field path. */
  public static String parameterName(String fieldPath) {
    return fieldPath.substring(fieldPath.lastIndexOf('.') + 1);
  }

  /** A dotted proto field path ({@code scope.session_id}) as JSON names ({@code scope.sessionId}). */
  private static String jsonPath(Rpc rpc, Descriptor message, String protoPath) {
    StringBuilder json = new StringBuilder();
    Descriptor current = message;
    for (String part : protoPath.split("\\.")) {
      FieldDescriptor field = current == null ? null : current.findFieldByName(part);
      if (field == null) {
        throw new IllegalStateException(rpc.fullName() + ": http rule names unknown field " + protoPath);
      }
      json.append(json.isEmpty() ? "" : ".").append(field.getJsonName());
      current = field.getJavaType() == FieldDescriptor.JavaType.MESSAGE ? field.getMessageType() : null;
    }
    return json.toString();
  }
}
