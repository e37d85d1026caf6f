package dev.nerve.sdk.support;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.ListValue;
import com.google.protobuf.Message;
import com.google.protobuf.MessageOrBuilder;
import com.google.protobuf.NullValue;
import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import com.google.protobuf.util.JsonFormat;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * The one place SDK values change form: protobuf {@link Struct}/{@link Value}, Jackson trees (for
 * JSON Schema validation and HTTP bodies) and plain Java values (for the plugin SPI).
 */
public final class Json {

  /** Shared mapper; thread-safe. */
  public static final JsonMapper MAPPER = JsonMapper.builder().build();

  private static final JsonFormat.Printer PRINTER = JsonFormat.printer().omittingInsignificantWhitespace();
  private static final JsonFormat.Parser PARSER = JsonFormat.parser().ignoringUnknownFields();

  private Json() {}

  /** A message as compact JSON (proto JSON names). */
  public static String print(MessageOrBuilder message) {
    try {
      return PRINTER.print(message);
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Fills {@code builder} from proto JSON written by {@link #print}. */
  public static <B extends Message.Builder> B parse(String json, B builder) {
    try {
      PARSER.merge(json, builder);
      return builder;
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException("stored JSON does not parse: " + e.getMessage(), e);
    }
  }

  /** A Jackson tree of a protobuf value. */
  public static JsonNode tree(Value value) {
    return switch (value.getKindCase()) {
      case NULL_VALUE, KIND_NOT_SET -> JsonNodeFactory.instance.nullNode();
      case BOOL_VALUE -> JsonNodeFactory.instance.booleanNode(value.getBoolValue());
      case NUMBER_VALUE -> number(value.getNumberValue());
      case STRING_VALUE -> JsonNodeFactory.instance.stringNode(value.getStringValue());
      case STRUCT_VALUE -> tree(value.getStructValue());
      case LIST_VALUE -> {
        ArrayNode array = JsonNodeFactory.instance.arrayNode();
        value.getListValue().getValuesList().forEach(v -> array.add(tree(v)));
        yield array;
      }
    };
  }

  /** A Jackson object of a protobuf struct. */
  public static ObjectNode tree(Struct struct) {
    ObjectNode object = JsonNodeFactory.instance.objectNode();
    struct.getFieldsMap().forEach((k, v) -> object.set(k, tree(v)));
    return object;
  }

  private static JsonNode number(double d) {
    if (d == Math.rint(d) && !Double.isInfinite(d) && Math.abs(d) < 1e15) {
      return JsonNodeFactory.instance.numberNode((long) d);
    }
    return JsonNodeFactory.instance.numberNode(d);
  }

  /** A protobuf value of a Jackson tree. */
  public static Value value(JsonNode node) {
    if (node == null || node.isNull() || node.isMissingNode()) {
      return Value.newBuilder().setNullValue(NullValue.NULL_VALUE).build();
    }
    if (node.isBoolean()) {
      return Value.newBuilder().setBoolValue(node.booleanValue()).build();
    }
    if (node.isNumber()) {
      return Value.newBuilder().setNumberValue(node.doubleValue()).build();
    }
    if (node.isString()) {
      return Value.newBuilder().setStringValue(node.stringValue()).build();
    }
    if (node.isArray()) {
      ListValue.Builder list = ListValue.newBuilder();
      node.forEach(item -> list.addValues(value(item)));
      return Value.newBuilder().setListValue(list).build();
    }
    if (node.isObject()) {
      return Value.newBuilder().setStructValue(struct(node)).build();
    }
    return Value.newBuilder().setStringValue(node.asString()).build();
  }

  /** A protobuf struct of a Jackson object (a non-object becomes an empty struct). */
  public static Struct struct(JsonNode node) {
    Struct.Builder struct = Struct.newBuilder();
    if (node != null && node.isObject()) {
      for (Map.Entry<String, JsonNode> field : node.properties()) {
        struct.putFields(field.getKey(), value(field.getValue()));
      }
    }
    return struct.build();
  }

  /** Parses JSON text into a tree; a syntax error is an {@link IllegalArgumentException}. */
  public static JsonNode read(String json) {
    try {
      return MAPPER.readTree(json);
    } catch (tools.jackson.core.JacksonException e) {
      throw new IllegalArgumentException("not valid JSON: " + e.getOriginalMessage());
    }
  }

  /** Compact JSON text of a tree. */
  public static String write(JsonNode node) {
    return MAPPER.writeValueAsString(node);
  }

  /** A plain Java value (Map, List, String, Number, Boolean, null) of a protobuf value. */
  public static Object plain(Value value) {
    return switch (value.getKindCase()) {
      case NULL_VALUE, KIND_NOT_SET -> null;
      case BOOL_VALUE -> value.getBoolValue();
      case NUMBER_VALUE -> {
        double d = value.getNumberValue();
        yield d == Math.rint(d) && Math.abs(d) < 1e15 ? (Object) (long) d : (Object) d;
      }
      case STRING_VALUE -> value.getStringValue();
      case STRUCT_VALUE -> plain(value.getStructValue());
      case LIST_VALUE -> {
        List<Object> list = new ArrayList<>();
        value.getListValue().getValuesList().forEach(v -> list.add(plain(v)));
        yield list;
      }
    };
  }

  /** A plain map of a protobuf struct. */
  public static Map<String, Object> plain(Struct struct) {
    Map<String, Object> map = new LinkedHashMap<>();
    struct.getFieldsMap().forEach((k, v) -> map.put(k, plain(v)));
    return map;
  }

  /**
   * A protobuf value of a plain Java value returned by a plugin; anything that is not JSON-shaped
   * becomes its {@code toString()}.
   */
  public static Value fromPlain(Object value) {
    if (value == null) {
      return Value.newBuilder().setNullValue(NullValue.NULL_VALUE).build();
    }
    if (value instanceof Boolean b) {
      return Value.newBuilder().setBoolValue(b).build();
    }
    if (value instanceof Number n) {
      return Value.newBuilder().setNumberValue(n instanceof BigDecimal d ? d.doubleValue() : n.doubleValue()).build();
    }
    if (value instanceof CharSequence s) {
      return Value.newBuilder().setStringValue(s.toString()).build();
    }
    if (value instanceof Map<?, ?> map) {
      Struct.Builder struct = Struct.newBuilder();
      map.forEach((k, v) -> struct.putFields(String.valueOf(k), fromPlain(v)));
      return Value.newBuilder().setStructValue(struct).build();
    }
    if (value instanceof Iterable<?> items) {
      ListValue.Builder list = ListValue.newBuilder();
      items.forEach(item -> list.addValues(fromPlain(item)));
      return Value.newBuilder().setListValue(list).build();
    }
    if (value instanceof Object[] items) {
      return fromPlain(List.of(items));
    }
    return Value.newBuilder().setStringValue(value.toString()).build();
  }

  /** A struct of JSON object text; anything else is an {@link IllegalArgumentException}. */
  public static Struct structOf(String json) {
    JsonNode node = read(json);
    if (!node.isObject()) {
      throw new IllegalArgumentException("not a JSON object");
    }
    return struct(node);
  }
}
