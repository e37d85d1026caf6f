package dev.nerve.gateway.contract;

import com.google.protobuf.ByteString;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.EnumDescriptor;
import com.google.protobuf.Descriptors.EnumValueDescriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Duration;
import com.google.protobuf.FieldMask;
import com.google.protobuf.ListValue;
import com.google.protobuf.MapEntry;
import com.google.protobuf.Message;
import com.google.protobuf.Struct;
import com.google.protobuf.Timestamp;
import com.google.protobuf.Value;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The one place that says how a protobuf value looks on the public surfaces, both GraphQL and
 * REST: fields by their JSON names, {@code Timestamp} as an RFC 3339 string in UTC (the
 * {@code DateTime} scalar), {@code Duration} as an ISO-8601 string ({@code Duration}),
 * {@code Struct}/{@code Value}/{@code ListValue} and map fields as plain JSON ({@code JSON}), enum
 * values without their type prefix ({@code CHECK_STATUS_OK} is {@code OK}; the zero
 * {@code *_UNSPECIFIED} value is null), 64-bit integers as numbers, bytes as base64, wrapper types
 * as their value. A field with presence that is unset is null; other fields always have a value.
 */
public final class ProtoValues {

  private static final Set<String> WRAPPERS =
      Set.of(
          "google.protobuf.DoubleValue", "google.protobuf.FloatValue", "google.protobuf.Int64Value",
          "google.protobuf.UInt64Value", "google.protobuf.Int32Value", "google.protobuf.UInt32Value",
          "google.protobuf.BoolValue", "google.protobuf.StringValue", "google.protobuf.BytesValue");

  private static final Map<Descriptor, Map<String, FieldDescriptor>> BY_JSON_NAME = new ConcurrentHashMap<>();
  private static final Map<EnumDescriptor, String> PREFIXES = new ConcurrentHashMap<>();

  private ProtoValues() {}

  /** The fields of a message by JSON name ({@code created_at} is {@code createdAt}). */
  public static Map<String, FieldDescriptor> fields(Descriptor message) {
    return BY_JSON_NAME.computeIfAbsent(
        message,
        m -> {
          Map<String, FieldDescriptor> fields = new LinkedHashMap<>();
          m.getFields().forEach(f -> fields.put(f.getJsonName(), f));
          return java.util.Collections.unmodifiableMap(fields);
        });
  }

  /** A field's value as the surfaces show it; nested messages other than well-known types stay messages. */
  public static Object field(Message message, FieldDescriptor field) {
    if (field.isMapField()) {
      Map<String, Object> map = new LinkedHashMap<>();
      for (Object entry : (List<?>) message.getField(field)) {
        MapEntry<?, ?> e = (MapEntry<?, ?>) entry;
        FieldDescriptor valueField = field.getMessageType().findFieldByNumber(2);
        map.put(String.valueOf(e.getKey()), deep(single(valueField, e.getValue())));
      }
      return map;
    }
    if (field.isRepeated()) {
      List<Object> items = new ArrayList<>();
      for (Object item : (List<?>) message.getField(field)) {
        items.add(single(field, item));
      }
      return items;
    }
    if (field.hasPresence() && !message.hasField(field)) {
      return null;
    }
    return single(field, message.getField(field));
  }

  /** A whole message as plain maps, lists and values, as REST writes it (unset fields left out). */
  public static Map<String, Object> plain(Message message) {
    Map<String, Object> out = new LinkedHashMap<>();
    for (FieldDescriptor field : message.getDescriptorForType().getFields()) {
      Object value = field(message, field);
      if (value != null) {
        out.put(field.getJsonName(), deep(value));
      }
    }
    return out;
  }

  /** The id of the object a response is about: its own {@code id}, or that of the first message it holds. */
  public static String resourceId(Message message) {
    FieldDescriptor id = fields(message.getDescriptorForType()).get("id");
    if (id != null && id.getJavaType() == FieldDescriptor.JavaType.STRING && !id.isRepeated()) {
      return (String) message.getField(id);
    }
    for (FieldDescriptor field : message.getDescriptorForType().getFields()) {
      if (!field.isRepeated()
          && field.getJavaType() == FieldDescriptor.JavaType.MESSAGE
          && message.hasField(field)
          && !isScalarMessage(field.getMessageType())) {
        String nested = resourceId((Message) message.getField(field));
        if (nested != null) {
          return nested;
        }
      }
    }
    return null;
  }

  /** The surface name of an enum value: without its type prefix; null for the zero value. */
  public static String enumName(EnumValueDescriptor value) {
    if (value.getNumber() == 0 && value.getName().endsWith("_UNSPECIFIED")) {
      return null;
    }
    String prefix = prefix(value.getType());
    return value.getName().startsWith(prefix) ? value.getName().substring(prefix.length()) : value.getName();
  }

  /** The enum value a surface name stands for; null when there is none. */
  public static EnumValueDescriptor enumValue(EnumDescriptor type, String name) {
    EnumValueDescriptor value = type.findValueByName(prefix(type) + name);
    if (value == null) {
      value = type.findValueByName(name);
    }
    return value == null || enumName(value) == null || !enumName(value).equals(name) ? null : value;
  }

  /** The surface names of an enum's values, zero value excluded. */
  public static List<String> enumNames(EnumDescriptor type) {
    return type.getValues().stream().map(ProtoValues::enumName).filter(n -> n != null).toList();
  }

  /** {@code CheckStatus} values start with {@code CHECK_STATUS_}. */
  static String prefix(EnumDescriptor type) {
    return PREFIXES.computeIfAbsent(
        type, t -> t.getName().replaceAll("([a-z0-9])([A-Z])", "$1_$2").toUpperCase(java.util.Locale.ROOT) + "_");
  }

  /** Whether the surfaces show a message type as a scalar value rather than an object. */
  public static boolean isScalarMessage(Descriptor type) {
    String name = type.getFullName();
    return name.equals(Timestamp.getDescriptor().getFullName())
        || name.equals(Duration.getDescriptor().getFullName())
        || name.equals(Struct.getDescriptor().getFullName())
        || name.equals(Value.getDescriptor().getFullName())
        || name.equals(ListValue.getDescriptor().getFullName())
        || name.equals(FieldMask.getDescriptor().getFullName())
        || WRAPPERS.contains(name);
  }

  static boolean isWrapper(Descriptor type) {
    return WRAPPERS.contains(type.getFullName());
  }

  private static Object single(FieldDescriptor field, Object value) {
    return switch (field.getJavaType()) {
      case ENUM -> enumName((EnumValueDescriptor) value);
      case BYTE_STRING -> Base64.getEncoder().encodeToString(((ByteString) value).toByteArray());
      case MESSAGE -> message((Message) value);
      default -> value;
    };
  }

  private static Object message(Message value) {
    String name = value.getDescriptorForType().getFullName();
    if (value instanceof Timestamp t) {
      return Instant.ofEpochSecond(t.getSeconds(), t.getNanos()).toString();
    }
    if (value instanceof Duration d) {
      return java.time.Duration.ofSeconds(d.getSeconds(), d.getNanos()).toString();
    }
    if (value instanceof Struct s) {
      return struct(s);
    }
    if (value instanceof Value v) {
      return value(v);
    }
    if (value instanceof ListValue l) {
      return l.getValuesList().stream().map(ProtoValues::value).toList();
    }
    if (value instanceof FieldMask mask) {
      return mask.getPathsList();
    }
    if (WRAPPERS.contains(name)) {
      FieldDescriptor inner = value.getDescriptorForType().findFieldByName("value");
      return single(inner, value.getField(inner));
    }
    return value;
  }

  /** A {@code Struct} as a plain map. */
  public static Map<String, Object> struct(Struct struct) {
    Map<String, Object> map = new LinkedHashMap<>();
    struct.getFieldsMap().forEach((k, v) -> map.put(k, value(v)));
    return map;
  }

  /** A {@code Value} as a plain value; whole numbers come back as longs. */
  public static Object value(Value value) {
    return switch (value.getKindCase()) {
      case NULL_VALUE, KIND_NOT_SET -> null;
      case NUMBER_VALUE -> number(value.getNumberValue());
      case STRING_VALUE -> value.getStringValue();
      case BOOL_VALUE -> value.getBoolValue();
      case STRUCT_VALUE -> struct(value.getStructValue());
      case LIST_VALUE -> value.getListValue().getValuesList().stream().map(ProtoValues::value).toList();
    };
  }

  private static Object number(double d) {
    return d == Math.rint(d) && Math.abs(d) < 1e15 ? (Object) (long) d : (Object) d;
  }

  private static Object deep(Object value) {
    if (value instanceof Message m) {
      return plain(m);
    }
    if (value instanceof List<?> list) {
      List<Object> items = new ArrayList<>(list.size());
      list.forEach(item -> items.add(deep(item)));
      return items;
    }
    return value;
  }
}
