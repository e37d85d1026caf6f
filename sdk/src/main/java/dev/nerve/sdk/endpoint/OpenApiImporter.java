package dev.nerve.sdk.endpoint;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nerve.api.sdk.v1.Endpoint;
import dev.nerve.api.sdk.v1.HttpMethod;
import dev.nerve.api.sdk.v1.ImportOpenApiRequest;
import dev.nerve.platform.error.NerveException;
import dev.nerve.sdk.support.Json;
import io.swagger.v3.core.util.Yaml;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.PathItem;
import io.swagger.v3.oas.models.media.MediaType;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.oas.models.parameters.Parameter;
import io.swagger.v3.parser.OpenAPIV3Parser;
import io.swagger.v3.parser.core.models.ParseOptions;
import io.swagger.v3.parser.core.models.SwaggerParseResult;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Turns an OpenAPI 3 document into endpoints, one per operation (parsed with swagger-parser):
 * the name is the prefix plus the operationId (or method and path), path parameters stay
 * {@code {name}} placeholders, query and header parameters become optional templates, a JSON
 * request body is the parameter {@code body}, and the request schema lists every parameter with
 * its schema. Only local references are followed: a document that refers to another file or URL is
 * refused before it is parsed, so importing never fetches anything.
 */
final class OpenApiImporter {

  static final int MAX_DOCUMENT_BYTES = 2 * 1024 * 1024;
  static final int MAX_OPERATIONS = 500;
  private static final Pattern PARAM_NAME = Pattern.compile("[A-Za-z0-9_.-]{1,64}");

  /** The endpoints an import yields, and the operations it could not use. */
  record Result(List<Endpoint> endpoints, List<String> skipped) {}

  Result read(ImportOpenApiRequest request) {
    String document = request.getDocument();
    if (document.isBlank()) {
      throw NerveException.invalid("document", "required", "must not be empty");
    }
    if (document.getBytes(StandardCharsets.UTF_8).length > MAX_DOCUMENT_BYTES) {
      throw NerveException.invalid("document", "maxBytes", "must be at most " + MAX_DOCUMENT_BYTES + " bytes");
    }
    refuseRemoteReferences(document);
    ParseOptions options = new ParseOptions();
    options.setResolve(true);
    options.setResolveFully(true);
    SwaggerParseResult parsed = new OpenAPIV3Parser().readContents(document, null, options);
    OpenAPI api = parsed.getOpenAPI();
    if (api == null || api.getPaths() == null) {
      String why = parsed.getMessages() == null || parsed.getMessages().isEmpty() ? "no paths" : parsed.getMessages().get(0);
      throw NerveException.invalid("document", "format", "is not a usable OpenAPI 3 document: " + cut(why));
    }
    String baseUrl = request.getBaseUrl();
    if (baseUrl.isEmpty() && api.getServers() != null && !api.getServers().isEmpty()) {
      baseUrl = api.getServers().get(0).getUrl();
    }
    if (baseUrl.endsWith("/")) {
      baseUrl = baseUrl.substring(0, baseUrl.length() - 1);
    }
    List<Endpoint> endpoints = new ArrayList<>();
    List<String> skipped = new ArrayList<>();
    for (Map.Entry<String, PathItem> path : api.getPaths().entrySet()) {
      for (Map.Entry<PathItem.HttpMethod, Operation> entry : path.getValue().readOperationsMap().entrySet()) {
        String label = entry.getKey() + " " + path.getKey();
        if (endpoints.size() + skipped.size() >= MAX_OPERATIONS) {
          throw NerveException.invalid("document", "maxItems", "must have at most " + MAX_OPERATIONS + " operations");
        }
        HttpMethod method = method(entry.getKey());
        if (method == null) {
          skipped.add(label + ": method not supported");
          continue;
        }
        List<Parameter> parameters = new ArrayList<>();
        if (path.getValue().getParameters() != null) {
          parameters.addAll(path.getValue().getParameters());
        }
        if (entry.getValue().getParameters() != null) {
          parameters.addAll(entry.getValue().getParameters());
        }
        try {
          endpoints.add(endpoint(request, baseUrl, path.getKey(), method, entry.getValue(), parameters));
        } catch (IllegalArgumentException unsupported) {
          skipped.add(label + ": " + unsupported.getMessage());
        }
      }
    }
    if (!skipped.isEmpty() && !request.getSkipUnsupported()) {
      throw NerveException.invalid("document", "supported",
          skipped.size() + " operations cannot be imported (set skipUnsupported to import the rest): " + cut(String.join("; ", skipped)));
    }
    return new Result(endpoints, skipped);
  }

  private static Endpoint endpoint(
      ImportOpenApiRequest request, String baseUrl, String path, HttpMethod method, Operation operation, List<Parameter> parameters) {
    String id = operation.getOperationId() != null && !operation.getOperationId().isBlank()
        ? operation.getOperationId()
        : method.name().substring(12).toLowerCase(Locale.ROOT) + path;
    String name = request.getNamePrefix() + id.replaceAll("[^A-Za-z0-9._:-]+", "_").replaceAll("^_+|_+$", "");
    Endpoint.Builder endpoint =
        Endpoint.newBuilder()
            .setName(name)
            .setBaseUrl(baseUrl)
            .setMethod(method)
            .setPathTemplate(path)
            .setIntegrationId(request.getIntegrationId());
    String summary = operation.getSummary() != null ? operation.getSummary() : operation.getDescription();
    if (summary != null) {
      endpoint.setDescription(summary.length() > 4096 ? summary.substring(0, 4096) : summary);
    }
    if (request.hasAuth()) {
      endpoint.setAuth(request.getAuth());
    }
    if (request.hasTimeout()) {
      endpoint.setTimeout(request.getTimeout());
    }
    ObjectNode schema = JsonNodeFactory.instance.objectNode();
    schema.put("type", "object");
    ObjectNode properties = schema.putObject("properties");
    ArrayNode required = JsonNodeFactory.instance.arrayNode();
    for (Parameter parameter : parameters) {
      String in = parameter.getIn() == null ? "" : parameter.getIn();
      String pname = parameter.getName();
      if (pname == null || !PARAM_NAME.matcher(pname).matches()) {
        throw new IllegalArgumentException("parameter name '" + cut(String.valueOf(pname)) + "' cannot be a placeholder");
      }
      switch (in) {
        case "path" -> required.add(pname);
        case "query" -> endpoint.putQueryTemplate(pname, "{" + pname + "}");
        case "header" -> endpoint.putHeaders(pname, "{" + pname + "}");
        case "cookie" -> throw new IllegalArgumentException("cookie parameters are not supported");
        default -> throw new IllegalArgumentException("parameter location '" + cut(in) + "' is not supported");
      }
      if (Boolean.TRUE.equals(parameter.getRequired()) && !in.equals("path")) {
        required.add(pname);
      }
      properties.set(pname, parameter.getSchema() == null ? JsonNodeFactory.instance.objectNode() : schema(parameter.getSchema()));
    }
    if (operation.getRequestBody() != null && operation.getRequestBody().getContent() != null) {
      MediaType json = operation.getRequestBody().getContent().entrySet().stream()
          .filter(e -> e.getKey().toLowerCase(Locale.ROOT).contains("json"))
          .map(Map.Entry::getValue)
          .findFirst()
          .orElseThrow(() -> new IllegalArgumentException("only JSON request bodies are supported"));
      properties.set("body", json.getSchema() == null ? JsonNodeFactory.instance.objectNode() : schema(json.getSchema()));
      if (Boolean.TRUE.equals(operation.getRequestBody().getRequired())) {
        required.add("body");
      }
      endpoint.setBodyTemplate(com.google.protobuf.Value.newBuilder().setStringValue("{body}"));
    }
    if (!required.isEmpty()) {
      schema.set("required", required);
    }
    endpoint.setRequestSchema(Json.struct(schema));
    return endpoint.build();
  }

  private static tools.jackson.databind.JsonNode schema(Schema<?> schema) {
    try {
      String text = io.swagger.v3.core.util.Json.mapper().writeValueAsString(schema);
      return Json.read(text);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalArgumentException("a schema cannot be converted");
    }
  }

  private static HttpMethod method(PathItem.HttpMethod method) {
    return switch (method) {
      case GET -> HttpMethod.HTTP_METHOD_GET;
      case POST -> HttpMethod.HTTP_METHOD_POST;
      case PUT -> HttpMethod.HTTP_METHOD_PUT;
      case PATCH -> HttpMethod.HTTP_METHOD_PATCH;
      case DELETE -> HttpMethod.HTTP_METHOD_DELETE;
      case HEAD -> HttpMethod.HTTP_METHOD_HEAD;
      default -> null;
    };
  }

  /** Refuses any {@code $ref} that does not start with {@code #}, before swagger-parser sees it. */
  private static void refuseRemoteReferences(String document) {
    JsonNode root;
    try {
      root = Yaml.mapper().readTree(document);
    } catch (Exception e) {
      throw NerveException.invalid("document", "format", "is neither JSON nor YAML");
    }
    if (root == null || !root.isObject()) {
      throw NerveException.invalid("document", "format", "is not an OpenAPI document");
    }
    Deque<JsonNode> pending = new ArrayDeque<>();
    pending.push(root);
    while (!pending.isEmpty()) {
      JsonNode node = pending.pop();
      if (node.isObject()) {
        JsonNode ref = node.get("$ref");
        if (ref != null && (!ref.isTextual() || !ref.asText().startsWith("#"))) {
          throw NerveException.invalid("document", "localReferences",
              "refers to another document (" + cut(ref.asText()) + "); only local references (#/...) are allowed");
        }
        node.elements().forEachRemaining(pending::push);
      } else if (node.isArray()) {
        node.elements().forEachRemaining(pending::push);
      }
    }
  }

  private static String cut(String text) {
    return text.length() > 200 ? text.substring(0, 200) + "..." : text;
  }

}
