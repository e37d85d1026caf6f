package dev.nerve.gateway.contract;

import com.google.api.FieldBehavior;
import com.google.api.FieldBehaviorProto;
import com.google.protobuf.ByteString;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.EnumValueDescriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Descriptors.OneofDescriptor;
import com.google.protobuf.Duration;
import com.google.protobuf.FieldMask;
import com.google.protobuf.ListValue;
import com.google.protobuf.Message;
import com.google.protobuf.NullValue;
import com.google.protobuf.Struct;
import com.google.protobuf.Timestamp;
import com.google.protobuf.Value;
import dev.nerve.api.common.v1.OperationProto;
import dev.nerve.api.common.v1.PageRequest;
import dev.nerve.gateway.validation.PayloadSchemas;
import dev.nerve.platform.error.FieldViolation;
import dev.nerve.platform.error.NerveException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds an RPC's request message from what a client sent (GraphQL arguments or a REST body,
 * path and query, as plain maps, lists and values), by the fields' JSON names and the value rules
 * of {@link ProtoValues}. Everything wrong is collected and refused at once as INVALID_ARGUMENT,
 * each violation naming the client's field path: unknown fields (with the known ones listed),
 * wrong types, unknown enum values, out-of-range numbers, two members of one oneof, missing
 * fields marked {@code REQUIRED}, and free-form fields that break the JSON Schema their contract
 * names ({@code (nerve.common.v1.json_schema)}). Two conventions are applied here, once: a
 * {@code nerve.common.v1.PageRequest page} field takes the surface's paging arguments, and an
 * unset {@code update_mask} becomes the fields the client gave in the message being updated.
 */
public final class RequestBinder {

  /**
   * The names a surface uses for paging.
   *
   * @param size page size argument, e.g. {@code first} or {@code limit}
   * @param cursor cursor argument, e.g. {@code after} or {@code cursor}
   */
  public record Paging(String size, String cursor) {
    /** GraphQL's Relay arguments. */
    public static final Paging GRAPHQL = new Paging("first", "after");
    /** REST's query parameters. */
    public static final Paging REST = new Paging("limit", "cursor");
  }

  private static final String PAGE = "page";
  private static final String UPDATE_MASK = "updateMask";
  private static final int MAX_LISTED_NAMES = 40;

  private final PayloadSchemas schemas;

  public RequestBinder(PayloadSchemas schemas) {
    this.schemas = schemas;
  }

  /**
   * A bound request.
   *
   * @param message the request
   * @param paths how service field paths translate back to the client's names
   */
  public record Bound(Message message, FieldPaths paths) {}

  /**
   * Binds {@code values} (request fields by JSON name, plus the surface's paging arguments) into a
   * request. {@code paths} already translates the root (e.g. {@code input.} for a GraphQL input);
   * the paging arguments are added to it.
   *
   * @param lenient whether scalar fields may be given as strings (REST query parameters)
   * @throws NerveException INVALID_ARGUMENT listing every violation, in client paths
   */
  public Bound bind(
      Message.Builder request, Map<String, ?> values, Paging paging, FieldPaths.Builder paths, boolean lenient) {
    Map<String, Object> fields = new LinkedHashMap<>(values);
    FieldDescriptor page = ProtoValues.fields(request.getDescriptorForType()).get(PAGE);
    if (page != null && page.getMessageType().getFullName().equals(PageRequest.getDescriptor().getFullName())) {
      Map<String, Object> pageValues = new LinkedHashMap<>();
      if (fields.containsKey(paging.size())) {
        pageValues.put("pageSize", fields.remove(paging.size()));
      }
      if (fields.containsKey(paging.cursor())) {
        pageValues.put("cursor", fields.remove(paging.cursor()));
      }
      if (!pageValues.isEmpty()) {
        fields.put(PAGE, pageValues);
      }
      // Paging arguments are always top-level: field arguments on GraphQL, query parameters on REST.
      paths.map(PAGE + ".pageSize", paging.size()).map(PAGE + ".cursor", paging.cursor());
    }
    FieldPaths clientPaths = paths.build();
    List<FieldViolation> violations = new ArrayList<>();
    message(request, fields, "", lenient, violations);
    if (violations.isEmpty()) {
      deriveUpdateMask(request, fields);
    }
    List<FieldViolation> missing = new ArrayList<>();
    required(request, "", missing);
    missing.stream()
        .filter(m -> violations.stream().noneMatch(v -> v.field().equals(m.field())))
        .forEach(violations::add);
    if (!violations.isEmpty()) {
      throw NerveException.invalid(clientPaths.client(violations));
    }
    return new Bound(request.build(), clientPaths);
  }

  private void message(
      Message.Builder builder, Map<?, ?> values, String path, boolean lenient, List<FieldViolation> out) {
    Map<String, FieldDescriptor> known = ProtoValues.fields(builder.getDescriptorForType());
    Map<OneofDescriptor, String> oneofs = new LinkedHashMap<>();
    for (Map.Entry<?, ?> entry : values.entrySet()) {
      String name = String.valueOf(entry.getKey());
      String fieldPath = join(path, name);
      FieldDescriptor field = known.get(name);
      if (field == null) {
        out.add(new FieldViolation(fieldPath, "unknown", "unknown field; known fields: " + names(known.keySet())));
        continue;
      }
      if (entry.getValue() == null) {
        continue;
      }
      OneofDescriptor oneof = field.getRealContainingOneof();
      if (oneof != null) {
        String other = oneofs.putIfAbsent(oneof, name);
        if (other != null) {
          out.add(new FieldViolation(fieldPath, "oneof", "cannot be given together with " + join(path, other)));
          continue;
        }
      }
      String schema = field.getOptions().getExtension(OperationProto.jsonSchema);
      if (!schema.isEmpty()) {
        List<FieldViolation> broken = new ArrayList<>();
        if (field.isRepeated() && !field.isMapField() && entry.getValue() instanceof List<?> items) {
          // A repeated field's schema describes each of its items.
          for (int i = 0; i < items.size(); i++) {
            broken.addAll(schemas.violations(schema, fieldPath + "[" + i + "]", items.get(i)));
          }
        } else {
          broken.addAll(schemas.violations(schema, fieldPath, entry.getValue()));
        }
        if (!broken.isEmpty()) {
          out.addAll(broken);
          continue;
        }
      }
      field(builder, field, entry.getValue(), fieldPath, lenient, out);
    }
  }

  private void field(
      Message.Builder builder, FieldDescriptor field, Object value, String path, boolean lenient, List<FieldViolation> out) {
    if (field.isMapField()) {
      if (!(value instanceof Map<?, ?> map)) {
        out.add(new FieldViolation(path, "type", "must be an object"));
        return;
      }
      Descriptor entryType = field.getMessageType();
      FieldDescriptor keyField = entryType.findFieldByNumber(1);
      FieldDescriptor valueField = entryType.findFieldByNumber(2);
      for (Map.Entry<?, ?> e : map.entrySet()) {
        String entryPath = path + "[" + quote(String.valueOf(e.getKey())) + "]";
        Message.Builder entry = builder.newBuilderForField(field);
        Object key = single(keyField, String.valueOf(e.getKey()), entryPath, true, out);
        Object item = e.getValue() == null ? null : item(entry, valueField, e.getValue(), entryPath, lenient, out);
        if (key != null && item != null) {
          entry.setField(keyField, key).setField(valueField, item);
          builder.addRepeatedField(field, entry.build());
        }
      }
      return;
    }
    if (field.isRepeated()) {
      List<?> items = value instanceof List<?> list ? list : List.of(value);
      for (int i = 0; i < items.size(); i++) {
        String itemPath = path + "[" + i + "]";
        if (items.get(i) == null) {
          out.add(new FieldViolation(itemPath, "type", "must not be null"));
          continue;
        }
        Object item = item(builder, field, items.get(i), itemPath, lenient, out);
        if (item != null) {
          builder.addRepeatedField(field, item);
        }
      }
      return;
    }
    if (field.getJavaType() == FieldDescriptor.JavaType.MESSAGE
        && !ProtoValues.isScalarMessage(field.getMessageType())) {
      if (!(value instanceof Map<?, ?> map)) {
        out.add(new FieldViolation(path, "type", "must be an object"));
        return;
      }
      Message.Builder nested = builder.getFieldBuilder(field);
      message(nested, map, path, lenient, out);
      return;
    }
    Object converted = single(field, value, path, lenient, out);
    if (converted != null) {
      builder.setField(field, converted);
    }
  }

  /** An item of a repeated or map field: a nested message from an object, or a single value. */
  private Object item(
      Message.Builder parent, FieldDescriptor field, Object value, String path, boolean lenient, List<FieldViolation> out) {
    if (field.getJavaType() == FieldDescriptor.JavaType.MESSAGE
        && !ProtoValues.isScalarMessage(field.getMessageType())) {
      if (!(value instanceof Map<?, ?> map)) {
        out.add(new FieldViolation(path, "type", "must be an object"));
        return null;
      }
      Message.Builder nested = parent.newBuilderForField(field);
      int before = out.size();
      message(nested, map, path, lenient, out);
      return out.size() == before ? nested.build() : null;
    }
    return single(field, value, path, lenient, out);
  }

  /** One value of a field (an item of a repeated one); null after adding a violation. */
  private Object single(FieldDescriptor field, Object value, String path, boolean lenient, List<FieldViolation> out) {
    try {
      return switch (field.getJavaType()) {
        case STRING -> text(value);
        case BOOLEAN -> bool(value, lenient);
        case INT -> (int) integer(value, lenient, field.getType() == FieldDescriptor.Type.UINT32 || field.getType() == FieldDescriptor.Type.FIXED32 ? 0 : Integer.MIN_VALUE, Integer.MAX_VALUE);
        case LONG -> integer(value, lenient || value instanceof String, field.getType() == FieldDescriptor.Type.UINT64 || field.getType() == FieldDescriptor.Type.FIXED64 ? 0 : Long.MIN_VALUE, Long.MAX_VALUE);
        case DOUBLE -> real(value, lenient);
        case FLOAT -> (float) real(value, lenient);
        case BYTE_STRING -> ByteString.copyFrom(Base64.getDecoder().decode(text(value)));
        case ENUM -> enumValue(field, value);
        case MESSAGE -> scalarMessage(field.getMessageType(), value, path, lenient, out);
      };
    } catch (Refused e) {
      out.add(new FieldViolation(path, e.rule, e.getMessage()));
      return null;
    } catch (IllegalArgumentException e) {
      out.add(new FieldViolation(path, "format", "is not valid base64"));
      return null;
    }
  }

  private Object scalarMessage(Descriptor type, Object value, String path, boolean lenient, List<FieldViolation> out) {
    String name = type.getFullName();
    if (name.equals(Timestamp.getDescriptor().getFullName())) {
      Instant instant = instant(value);
      return Timestamp.newBuilder().setSeconds(instant.getEpochSecond()).setNanos(instant.getNano()).build();
    }
    if (name.equals(Duration.getDescriptor().getFullName())) {
      java.time.Duration duration = duration(value);
      return Duration.newBuilder().setSeconds(duration.getSeconds()).setNanos(duration.getNano()).build();
    }
    if (name.equals(Struct.getDescriptor().getFullName())) {
      if (!(value instanceof Map<?, ?> map)) {
        throw new Refused("type", "must be a JSON object");
      }
      return struct(map);
    }
    if (name.equals(Value.getDescriptor().getFullName())) {
      return value(value);
    }
    if (name.equals(ListValue.getDescriptor().getFullName())) {
      if (!(value instanceof List<?>)) {
        throw new Refused("type", "must be a JSON array");
      }
      return value(value).getListValue();
    }
    if (name.equals(FieldMask.getDescriptor().getFullName())) {
      List<?> paths = value instanceof List<?> list ? list : List.of(text(value).split(","));
      FieldMask.Builder mask = FieldMask.newBuilder();
      paths.forEach(p -> mask.addPaths(snake(text(p).strip())));
      return mask.build();
    }
    // Wrapper types: the wrapped value.
    Message.Builder wrapper = com.google.protobuf.DynamicMessage.newBuilder(type);
    FieldDescriptor inner = type.findFieldByName("value");
    Object item = single(inner, value, path, lenient, out);
    return item == null ? null : wrapper.setField(inner, item).build();
  }

  private static String text(Object value) {
    if (value instanceof String s) {
      return s;
    }
    throw new Refused("type", "must be a string");
  }

  private static boolean bool(Object value, boolean lenient) {
    if (value instanceof Boolean b) {
      return b;
    }
    if (lenient && value instanceof String s && (s.equals("true") || s.equals("false"))) {
      return Boolean.parseBoolean(s);
    }
    throw new Refused("type", "must be true or false");
  }

  private static long integer(Object value, boolean lenient, long min, long max) {
    BigDecimal number = number(value, lenient, "an integer");
    BigInteger whole;
    try {
      whole = number.toBigIntegerExact();
    } catch (ArithmeticException e) {
      throw new Refused("type", "must be an integer");
    }
    if (whole.compareTo(BigInteger.valueOf(min)) < 0 || whole.compareTo(BigInteger.valueOf(max)) > 0) {
      throw new Refused("range", "must be between " + min + " and " + max);
    }
    return whole.longValue();
  }

  private static double real(Object value, boolean lenient) {
    double d = number(value, lenient, "a number").doubleValue();
    if (Double.isInfinite(d)) {
      throw new Refused("range", "is too large");
    }
    return d;
  }

  private static BigDecimal number(Object value, boolean lenient, String what) {
    try {
      if (value instanceof Integer || value instanceof Long || value instanceof Short || value instanceof Byte) {
        return BigDecimal.valueOf(((Number) value).longValue());
      }
      if (value instanceof BigInteger b) {
        return new BigDecimal(b);
      }
      if (value instanceof BigDecimal b) {
        return b;
      }
      if (value instanceof Double || value instanceof Float) {
        double d = ((Number) value).doubleValue();
        if (Double.isNaN(d) || Double.isInfinite(d)) {
          throw new Refused("type", "must be a finite number");
        }
        return BigDecimal.valueOf(d);
      }
      if (lenient && value instanceof String s && s.length() <= 40) {
        return new BigDecimal(s.strip());
      }
    } catch (NumberFormatException e) {
      // fall through to the refusal below
    }
    throw new Refused("type", "must be " + what);
  }

  private static EnumValueDescriptor enumValue(FieldDescriptor field, Object value) {
    String name = text(value);
    EnumValueDescriptor found = ProtoValues.enumValue(field.getEnumType(), name);
    if (found == null) {
      throw new Refused("enum", "must be one of " + ProtoValues.enumNames(field.getEnumType()));
    }
    return found;
  }

  private static Instant instant(Object value) {
    if (value instanceof Instant i) {
      return i;
    }
    if (value instanceof OffsetDateTime o) {
      return o.toInstant();
    }
    try {
      return OffsetDateTime.parse(text(value)).toInstant();
    } catch (DateTimeParseException e) {
      throw new Refused("format", "must be an RFC 3339 date-time such as 2026-11-25T22:10:31Z");
    }
  }

  private static java.time.Duration duration(Object value) {
    if (value instanceof java.time.Duration d) {
      return d;
    }
    String text = text(value);
    try {
      return java.time.Duration.parse(text);
    } catch (DateTimeParseException | ArithmeticException e) {
      throw new Refused("format", "must be an ISO-8601 duration such as PT5M or PT0.5S");
    }
  }

  private static Struct struct(Map<?, ?> map) {
    Struct.Builder struct = Struct.newBuilder();
    map.forEach((k, v) -> struct.putFields(String.valueOf(k), value(v)));
    return struct.build();
  }

  private static Value value(Object value) {
    if (value == null) {
      return Value.newBuilder().setNullValue(NullValue.NULL_VALUE).build();
    }
    if (value instanceof String s) {
      return Value.newBuilder().setStringValue(s).build();
    }
    if (value instanceof Boolean b) {
      return Value.newBuilder().setBoolValue(b).build();
    }
    if (value instanceof Number n) {
      double d = n.doubleValue();
      if (Double.isNaN(d) || Double.isInfinite(d)) {
        throw new Refused("type", "must be a finite number");
      }
      return Value.newBuilder().setNumberValue(d).build();
    }
    if (value instanceof Map<?, ?> map) {
      return Value.newBuilder().setStructValue(struct(map)).build();
    }
    if (value instanceof List<?> list) {
      ListValue.Builder items = ListValue.newBuilder();
      list.forEach(item -> items.addValues(value(item)));
      return Value.newBuilder().setListValue(items).build();
    }
    if (value instanceof Instant || value instanceof OffsetDateTime || value instanceof java.time.Duration) {
      return Value.newBuilder().setStringValue(value.toString()).build();
    }
    throw new Refused("type", "must be a JSON value");
  }

  /** An unset update mask lists the fields given in the one message being updated. */
  private static void deriveUpdateMask(Message.Builder request, Map<String, Object> given) {
    Map<String, FieldDescriptor> known = ProtoValues.fields(request.getDescriptorForType());
    FieldDescriptor mask = known.get(UPDATE_MASK);
    if (mask == null
        || !mask.getMessageType().getFullName().equals(FieldMask.getDescriptor().getFullName())
        || given.get(UPDATE_MASK) != null) {
      return;
    }
    List<String> resources =
        known.values().stream()
            .filter(f -> f.getJavaType() == FieldDescriptor.JavaType.MESSAGE && !f.isRepeated())
            .filter(f -> !ProtoValues.isScalarMessage(f.getMessageType()))
            .filter(f -> given.get(f.getJsonName()) instanceof Map<?, ?>)
            .map(FieldDescriptor::getJsonName)
            .toList();
    if (resources.size() != 1) {
      return;
    }
    FieldDescriptor resource = known.get(resources.get(0));
    Map<?, ?> changed = (Map<?, ?>) given.get(resources.get(0));
    FieldMask.Builder paths = FieldMask.newBuilder();
    for (Object key : changed.keySet()) {
      FieldDescriptor field = ProtoValues.fields(resource.getMessageType()).get(String.valueOf(key));
      if (field != null && !field.getName().equals("id")) {
        paths.addPaths(field.getName());
      }
    }
    request.setField(mask, paths.build());
  }

  /** Fields marked {@code REQUIRED} must be given (and not empty), in every message that is set. */
  private static void required(Message.Builder message, String path, List<FieldViolation> out) {
    for (FieldDescriptor field : message.getDescriptorForType().getFields()) {
      String fieldPath = join(path, field.getJsonName());
      boolean required =
          field.getOptions().getExtension(FieldBehaviorProto.fieldBehavior).contains(FieldBehavior.REQUIRED);
      boolean given =
          field.isRepeated()
              ? message.getRepeatedFieldCount(field) > 0
              : field.hasPresence() ? message.hasField(field) : !message.getField(field).equals(field.getDefaultValue());
      if (required && !given) {
        out.add(new FieldViolation(fieldPath, "required", "is required"));
      }
      if (!field.isRepeated()
          && field.getJavaType() == FieldDescriptor.JavaType.MESSAGE
          && !ProtoValues.isScalarMessage(field.getMessageType())
          && message.hasField(field)) {
        required(message.getFieldBuilder(field), fieldPath, out);
      }
    }
  }

  static String join(String path, String name) {
    return path.isEmpty() ? name : path + "." + name;
  }

  private static String snake(String camel) {
    return camel.replaceAll("([a-z0-9])([A-Z])", "$1_$2").toLowerCase(java.util.Locale.ROOT);
  }

  private static String quote(String key) {
    String shown = key.length() > 64 ? key.substring(0, 64) + "..." : key;
    return "\"" + shown.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }

  private static String names(java.util.Collection<String> names) {
    List<String> list = new ArrayList<>(names);
    return list.size() <= MAX_LISTED_NAMES
        ? String.join(", ", list)
        : String.join(", ", list.subList(0, MAX_LISTED_NAMES)) + ", ...";
  }

  /** A value a field cannot take. */
  private static final class Refused extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final String rule;

    Refused(String rule, String message) {
      super(message, null, false, false);
      this.rule = rule;
    }
  }
}
