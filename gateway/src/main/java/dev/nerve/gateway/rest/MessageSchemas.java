package dev.nerve.gateway.rest;

import com.google.api.FieldBehavior;
import com.google.api.FieldBehaviorProto;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.EnumDescriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import dev.nerve.gateway.contract.ProtoComments;
import dev.nerve.gateway.contract.ProtoValues;
import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.media.ArraySchema;
import io.swagger.v3.oas.models.media.ObjectSchema;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.oas.models.media.StringSchema;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * OpenAPI schemas derived from the protobuf messages, so the REST document always matches the
 * contracts: properties by JSON name with the value rules of {@link ProtoValues}, descriptions
 * from the proto comments. A message appears in two variants: as the server writes it (its
 * {@code required} lists every field that always has a value) and, named {@code <Message>Input}
 * unless it is a request, as a client writes it ({@code required} lists the fields marked
 * {@code google.api.field_behavior = REQUIRED}).
 */
final class MessageSchemas {

  private static final String REF = "#/components/schemas/";

  private final Components components;
  private final ProtoComments comments;
  private final Map<String, String> names = new HashMap<>();
  private final Map<String, String> taken = new HashMap<>();

  MessageSchemas(Components components, ProtoComments comments) {
    this.components = components;
    this.comments = comments;
  }

  /** A reference to the schema of a message, defining it (and what it uses) on first use. */
  Schema<?> ref(Descriptor message, boolean input) {
    return new Schema<>().$ref(REF + define(message, input));
  }

  /** The schema of a field's value. */
  Schema<?> field(FieldDescriptor field, boolean input) {
    Schema<?> schema;
    if (field.isMapField()) {
      FieldDescriptor value = field.getMessageType().findFieldByNumber(2);
      schema = new ObjectSchema().additionalProperties(single(value, input));
    } else if (field.isRepeated()) {
      schema = new ArraySchema().items(single(field, input));
    } else {
      schema = single(field, input);
    }
    if (schema.get$ref() == null) {
      comments.of(field).ifPresent(schema::description);
    }
    return schema;
  }

  @SuppressWarnings("rawtypes")
  private String define(Descriptor message, boolean input) {
    String key = message.getFullName() + (input ? "#in" : "#out");
    String existing = names.get(key);
    if (existing != null) {
      return existing;
    }
    String name = name(message, input);
    names.put(key, name);
    ObjectSchema schema = new ObjectSchema();
    comments.of(message).ifPresent(schema::description);
    Map<String, Schema> properties = new LinkedHashMap<>();
    List<String> required = new ArrayList<>();
    for (FieldDescriptor field : message.getFields()) {
      properties.put(field.getJsonName(), field(field, input));
      boolean always = !field.hasPresence();
      boolean requiredInput =
          field.getOptions().getExtension(FieldBehaviorProto.fieldBehavior).contains(FieldBehavior.REQUIRED);
      if (input ? requiredInput : always) {
        required.add(field.getJsonName());
      }
    }
    schema.setProperties(properties);
    if (!required.isEmpty()) {
      schema.setRequired(required);
    }
    schema.additionalProperties(false);
    components.addSchemas(name, schema);
    return name;
  }

  private String name(Descriptor message, boolean input) {
    String base = message.getName();
    if (input && !base.endsWith("Request")) {
      base += "Input";
    }
    String owner = taken.putIfAbsent(base, message.getFullName());
    if (owner == null || owner.equals(message.getFullName())) {
      return base;
    }
    // Another package has a message of the same name: qualify with the package, e.g. MemoryV1Memory.
    StringBuilder qualified = new StringBuilder();
    for (String part : message.getFile().getPackage().split("\\.")) {
      if (!part.equals("nerve")) {
        qualified.append(Character.toUpperCase(part.charAt(0))).append(part.substring(1));
      }
    }
    return qualified + base;
  }

  private Schema<?> single(FieldDescriptor field, boolean input) {
    return switch (field.getJavaType()) {
      case STRING -> new StringSchema();
      case BOOLEAN -> new Schema<>().type("boolean");
      case INT -> new Schema<>().type("integer").format("int32");
      case LONG -> new Schema<>().type("integer").format("int64");
      case FLOAT -> new Schema<>().type("number").format("float");
      case DOUBLE -> new Schema<>().type("number").format("double");
      case BYTE_STRING -> new StringSchema().format("byte");
      case ENUM -> enumeration(field.getEnumType());
      case MESSAGE -> message(field, input);
    };
  }

  private Schema<?> message(FieldDescriptor field, boolean input) {
    Descriptor type = field.getMessageType();
    return switch (type.getFullName()) {
      case "google.protobuf.Timestamp" -> new StringSchema().format("date-time").example("2026-11-25T22:10:31Z");
      case "google.protobuf.Duration" -> new StringSchema().format("duration").example("PT5M");
      case "google.protobuf.Struct" -> new ObjectSchema().additionalProperties(true);
      case "google.protobuf.Value" -> new Schema<>().description("Any JSON value.");
      case "google.protobuf.ListValue" -> new ArraySchema().items(new Schema<>());
      case "google.protobuf.FieldMask" -> new ArraySchema().items(new StringSchema());
      default ->
          ProtoValues.isScalarMessage(type)
              ? single(type.findFieldByName("value"), input).nullable(true)
              : ref(type, input);
    };
  }

  private Schema<?> enumeration(EnumDescriptor type) {
    String name = type.getName();
    if (components.getSchemas() == null || !components.getSchemas().containsKey(name)) {
      StringSchema schema = new StringSchema();
      List<String> values = ProtoValues.enumNames(type);
      values.forEach(schema::addEnumItem);
      StringBuilder description = new StringBuilder(comments.of(type).orElse(""));
      for (var value : type.getValues()) {
        String shown = ProtoValues.enumName(value);
        if (shown != null) {
          comments.of(value).ifPresent(c -> description.append(description.isEmpty() ? "" : "\n").append("- `").append(shown).append("`: ").append(c));
        }
      }
      schema.description(description.toString());
      components.addSchemas(name, schema);
    }
    return new Schema<>().$ref(REF + name);
  }
}
