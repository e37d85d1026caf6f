package dev.nerve.gateway.rest;

import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import dev.nerve.api.common.v1.PageRequest;
import dev.nerve.gateway.contract.Contracts;
import dev.nerve.gateway.contract.ProtoValues;
import dev.nerve.platform.security.Permission;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.PathItem;
import io.swagger.v3.oas.models.Paths;
import io.swagger.v3.oas.models.media.Content;
import io.swagger.v3.oas.models.media.IntegerSchema;
import io.swagger.v3.oas.models.media.MediaType;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.oas.models.media.StringSchema;
import io.swagger.v3.oas.models.parameters.Parameter;
import io.swagger.v3.oas.models.parameters.RequestBody;
import io.swagger.v3.oas.models.responses.ApiResponse;
import io.swagger.v3.oas.models.responses.ApiResponses;
import io.swagger.v3.oas.models.tags.Tag;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.springdoc.core.customizers.OpenApiCustomizer;

/**
 * Adds every contract route to the OpenAPI document, derived from the descriptors: path and query
 * parameters and the request body from the request message, the success response from the
 * response message, the problem responses the route can give, tags per service and summaries and
 * descriptions from the proto comments. {@link ApiDocument} adds what every operation shares.
 */
public final class ContractOpenApi implements OpenApiCustomizer {

  private final RestRoutes routes;
  private final Contracts contracts;

  public ContractOpenApi(RestRoutes routes, Contracts contracts) {
    this.routes = routes;
    this.contracts = contracts;
  }

  @Override
  public void customise(OpenAPI openApi) {
    if (openApi.getPaths() == null) {
      openApi.setPaths(new Paths());
    }
    if (openApi.getComponents() == null) {
      openApi.setComponents(new io.swagger.v3.oas.models.Components());
    }
    MessageSchemas schemas = new MessageSchemas(openApi.getComponents(), contracts.comments());
    Set<String> operationIds = new LinkedHashSet<>();
    for (RestRoute route : routes.routes()) {
      PathItem item = openApi.getPaths().computeIfAbsent(route.path(), p -> new PathItem());
      Operation operation = operation(route, schemas, operationIds);
      item.operation(PathItem.HttpMethod.valueOf(route.verb()), operation);
      String tag = tag(route);
      if (openApi.getTags() == null || openApi.getTags().stream().noneMatch(t -> t.getName().equals(tag))) {
        openApi.addTagsItem(
            new Tag().name(tag).description(contracts.comments().of(route.rpc().descriptor().getService()).orElse(null)));
      }
    }
  }

  private Operation operation(RestRoute route, MessageSchemas schemas, Set<String> operationIds) {
    Operation operation = new Operation();
    String id = operationId(route);
    String unique = id;
    for (int i = 2; !operationIds.add(unique); i++) {
      unique = id + i;
    }
    operation.operationId(unique);
    operation.addTagsItem(tag(route));
    String comment = contracts.comments().of(route.rpc().descriptor()).orElse(route.rpc().fullName());
    operation.summary(summary(comment));
    operation.description(comment + "\n\ngRPC: `" + route.rpc().fullName() + "`.");
    Descriptor request = route.rpc().descriptor().getInputType();
    for (int i = 0; i < route.variables().size(); i++) {
      FieldDescriptor field = field(request, route.variables().get(i));
      operation.addParametersItem(
          new Parameter()
              .in("path")
              .name(RestRoute.parameterName(route.variables().get(i)))
              .required(true)
              .description(contracts.comments().of(field).orElse(null))
              .schema(schemas.field(field, true)));
    }
    if (!route.bodyIsRequest()) {
      query(operation, request, "", route, schemas, 0);
    }
    if (!route.body().isEmpty()) {
      Schema<?> body =
          route.bodyIsRequest()
              ? schemas.ref(request, true)
              : schemas.field(field(request, route.body()), true);
      Content content = new Content().addMediaType("application/json", new MediaType().schema(body));
      boolean required = !route.bodyIsRequest() || hasRequired(request);
      operation.requestBody(new RequestBody().required(required).content(content));
    }
    ApiResponses responses = new ApiResponses();
    int status = route.successStatus();
    ApiResponse success = new ApiResponse().description(status == 204 ? "Done; no content." : "Success.");
    if (status != 204) {
      Descriptor response = route.rpc().descriptor().getOutputType();
      Schema<?> schema =
          route.responseBody().isEmpty()
              ? schemas.ref(response, false)
              : schemas.field(field(response, route.responseBody()), false);
      if (route.rpc().serverStreaming()) {
        // One Server-Sent Event per message, each event's data the message as JSON.
        success.description("Success: a stream of Server-Sent Events, each one's data a message as JSON.");
        success.content(new Content().addMediaType("text/event-stream", new MediaType().schema(schema)));
      } else {
        success.content(new Content().addMediaType("application/json", new MediaType().schema(schema)));
      }
    }
    responses.addApiResponse(Integer.toString(status), success);
    Permission permission = route.rpc().operation().permission();
    for (String problem : ApiDocument.problems(permission, !route.variables().isEmpty(), route.rpc().operation().audit(), route.rpc().operation().cost() > 0)) {
      responses.addApiResponse(problem, new ApiResponse().$ref(ApiDocument.RESPONSES + problem));
    }
    operation.responses(responses);
    if (permission == Permission.PUBLIC) {
      operation.security(List.of());
    }
    return operation;
  }

  /** Query parameters: every request field the path and body leave, nested messages flattened. */
  private void query(Operation operation, Descriptor message, String prefix, RestRoute route, MessageSchemas schemas, int depth) {
    for (FieldDescriptor field : message.getFields()) {
      String path = prefix + field.getJsonName();
      if (route.variables().contains(path) || path.equals(route.body()) || field.isMapField()) {
        continue;
      }
      boolean nested = field.getJavaType() == FieldDescriptor.JavaType.MESSAGE
          && !ProtoValues.isScalarMessage(field.getMessageType());
      if (nested && depth == 0 && field.getMessageType().getFullName().equals(PageRequest.getDescriptor().getFullName())) {
        operation.addParametersItem(
            new Parameter().in("query").name("limit").description("Page size, 1..500 (default 50).")
                .schema(new IntegerSchema().minimum(java.math.BigDecimal.ONE).maximum(java.math.BigDecimal.valueOf(500))));
        operation.addParametersItem(
            new Parameter().in("query").name("cursor")
                .description("Cursor of the item to continue after, from a previous page's `pageInfo`.")
                .schema(new StringSchema()));
        continue;
      }
      if (nested) {
        if (!field.isRepeated() && depth < 2) {
          query(operation, field.getMessageType(), path + ".", route, schemas, depth + 1);
        }
        continue;
      }
      if (field.getJavaType() == FieldDescriptor.JavaType.MESSAGE
          && field.getMessageType().getFullName().matches("google\\.protobuf\\.(Struct|Value|ListValue)")) {
        continue;
      }
      operation.addParametersItem(
          new Parameter()
              .in("query")
              .name(path)
              .description(contracts.comments().of(field).orElse(null))
              .schema(schemas.field(field, true)));
    }
  }

  private static boolean hasRequired(Descriptor message) {
    return message.getFields().stream()
        .anyMatch(f -> f.getOptions().getExtension(com.google.api.FieldBehaviorProto.fieldBehavior)
            .contains(com.google.api.FieldBehavior.REQUIRED));
  }

  private static FieldDescriptor field(Descriptor message, String jsonPath) {
    Descriptor current = message;
    FieldDescriptor field = null;
    for (String part : jsonPath.split("\\.")) {
      field = ProtoValues.fields(current).get(part);
      current = field.getJavaType() == FieldDescriptor.JavaType.MESSAGE ? field.getMessageType() : null;
    }
    return field;
  }

  /** {@code Memory: long-term} for {@code nerve.memory.v1.LongTermMemoryService}. */
  static String tag(RestRoute route) {
    String system = route.rpc().target().id();
    String service = route.rpc().descriptor().getService().getName().replaceFirst("Service$", "");
    String group = service.replace(Character.toUpperCase(system.charAt(0)) + system.substring(1), "");
    if (group.isEmpty()) {
      group = service;
    }
    String kebab = group.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(Locale.ROOT);
    return Character.toUpperCase(system.charAt(0)) + system.substring(1) + ": " + kebab;
  }

  /** {@code longTermMemoryStore} for {@code LongTermMemoryService/Store}. */
  private static String operationId(RestRoute route) {
    String service = route.rpc().descriptor().getService().getName().replaceFirst("Service$", "");
    return Character.toLowerCase(service.charAt(0)) + service.substring(1) + route.rpc().descriptor().getName();
  }

  private static String summary(String comment) {
    String text = comment.replaceFirst("^spec: \\S+\\([^)]*\\)(\\s*->\\s*\\S+)?\\.\\s*", "");
    int end = text.indexOf(". ");
    String first = end < 0 ? text : text.substring(0, end + 1);
    return first.length() > 120 ? first.substring(0, 117) + "..." : first;
  }
}
