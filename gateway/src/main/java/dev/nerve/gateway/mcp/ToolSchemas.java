package dev.nerve.gateway.mcp;

import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.api.FieldBehavior;
import com.google.api.FieldBehaviorProto;
import dev.nerve.api.common.v1.OperationProto;
import dev.nerve.api.common.v1.PageRequest;
import dev.nerve.gateway.contract.ProtoComments;
import dev.nerve.gateway.contract.ProtoValues;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.json.JsonMapper;

/**
 * The input schema of a tool, derived from its RPC's request message by the same value rules the
 * API binds with ({@link ProtoValues}): properties by JSON name, {@code required} from
 * {@code google.api.field_behavior = REQUIRED}, enums by their public names, timestamps and
 * durations as strings, paging as {@code limit}/{@code cursor}, and a free-form field as the very
 * JSON Schema its contract names ({@code schemas/<name>.schema.json}), which the binder checks too.
 */
final class ToolSchemas {

  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final int MAX_DEPTH = 6;

  private final ProtoComments comments;

  ToolSchemas(ProtoComments comments) {
    this.comments = comments;
  }

  /** Definitions the payload schemas refer to, gathered while one tool's schema is built. */
  private Map<String, Object> defs = new LinkedHashMap<>();

  /** The input schema of a request message; called once per tool at start. */
  synchronized Map<String, Object> of(Descriptor request) {
    defs = new LinkedHashMap<>();
    Map<String, Object> schema = message(request, 0, true);
    if (!defs.isEmpty()) {
      schema.put("$defs", defs);
    }
    return schema;
  }

  private Map<String, Object> message(Descriptor message, int depth, boolean root) {
    Map<String, Object> schema = new LinkedHashMap<>();
    schema.put("type", "object");
    comments.of(message).ifPresent(text -> schema.put("description", text));
    Map<String, Object> properties = new LinkedHashMap<>();
    List<String> required = new ArrayList<>();
    for (FieldDescriptor field : message.getFields()) {
      if (root && field.getName().equals("page") && field.getJavaType() == FieldDescriptor.JavaType.MESSAGE
          && field.getMessageType().getFullName().equals(PageRequest.getDescriptor().getFullName())) {
        properties.put("limit", Map.of("type", "integer", "minimum", 1, "maximum", 500, "description", "Page size (default 50)."));
        properties.put("cursor", Map.of("type", "string", "description", "Cursor from the previous page."));
        continue;
      }
      if (field.getOptions().getExtension(FieldBehaviorProto.fieldBehavior).contains(FieldBehavior.OUTPUT_ONLY)) {
        continue;
      }
      Map<String, Object> value = field(field, depth);
      comments.of(field).ifPresent(text -> value.putIfAbsent("description", text));
      properties.put(field.getJsonName(), value);
      if (field.getOptions().getExtension(FieldBehaviorProto.fieldBehavior).contains(FieldBehavior.REQUIRED)) {
        required.add(field.getJsonName());
      }
    }
    schema.put("properties", properties);
    if (!required.isEmpty()) {
      schema.put("required", required);
    }
    schema.put("additionalProperties", false);
    return schema;
  }

  private Map<String, Object> field(FieldDescriptor field, int depth) {
    if (field.isMapField()) {
      Map<String, Object> map = new LinkedHashMap<>();
      map.put("type", "object");
      map.put("additionalProperties", single(field.getMessageType().findFieldByNumber(2), depth));
      return map;
    }
    if (field.isRepeated()) {
      Map<String, Object> array = new LinkedHashMap<>();
      array.put("type", "array");
      array.put("items", single(field, depth));
      return array;
    }
    return single(field, depth);
  }

  private Map<String, Object> single(FieldDescriptor field, int depth) {
    Map<String, Object> schema = new LinkedHashMap<>();
    switch (field.getJavaType()) {
      case STRING -> schema.put("type", "string");
      case BOOLEAN -> schema.put("type", "boolean");
      case INT, LONG -> schema.put("type", "integer");
      case FLOAT, DOUBLE -> schema.put("type", "number");
      case BYTE_STRING -> {
        schema.put("type", "string");
        schema.put("contentEncoding", "base64");
      }
      case ENUM -> {
        schema.put("type", "string");
        schema.put("enum", ProtoValues.enumNames(field.getEnumType()));
      }
      case MESSAGE -> {
        String name = field.getMessageType().getFullName();
        switch (name) {
          case "google.protobuf.Timestamp" -> {
            schema.put("type", "string");
            schema.put("format", "date-time");
          }
          case "google.protobuf.Duration" -> {
            schema.put("type", "string");
            schema.put("description", "ISO-8601 duration, e.g. PT30S");
          }
          case "google.protobuf.Struct", "google.protobuf.Value", "google.protobuf.ListValue" -> {
            String named = field.getOptions().getExtension(OperationProto.jsonSchema);
            if (!named.isEmpty()) {
              schema.putAll(payloadSchema(named, defs));
            } else if (name.equals("google.protobuf.Struct")) {
              schema.put("type", "object");
            }
          }
          default -> {
            if (ProtoValues.isScalarMessage(field.getMessageType())) {
              return single(field.getMessageType().findFieldByName("value"), depth);
            }
            if (depth >= MAX_DEPTH) {
              schema.put("type", "object");
            } else {
              return message(field.getMessageType(), depth + 1, false);
            }
          }
        }
      }
    }
    return schema;
  }

  /**
   * The gateway's payload schema of that name, without its {@code $id}/{@code $schema}; its
   * {@code $defs} move to the tool schema's root as {@code <name>.<def>}, with the references
   * rewritten to match.
   */
  @SuppressWarnings("unchecked")
  private static Map<String, Object> payloadSchema(String name, Map<String, Object> defs) {
    try (InputStream in = ToolSchemas.class.getResourceAsStream("/schemas/" + name + ".schema.json")) {
      if (in == null) {
        return Map.of("type", "object");
      }
      String text = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8)
          .replace("\"#/$defs/", "\"#/$defs/" + name + ".");
      Map<String, Object> schema = new LinkedHashMap<>(JSON.readValue(text, Map.class));
      schema.remove("$id");
      schema.remove("$schema");
      Object own = schema.remove("$defs");
      if (own instanceof Map<?, ?> map) {
        map.forEach((key, value) -> defs.put(name + "." + key, value));
      }
      return schema;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
