package dev.nerve.automation.support;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.ListValue;
import com.google.protobuf.MessageOrBuilder;
import com.google.protobuf.NullValue;
import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import com.google.protobuf.util.JsonFormat;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * JSON for protobuf messages and free-form values: the text stored in PostgreSQL, and the plain
 * Java form (maps, lists, strings, numbers, booleans, null) that JSON Schema validation and CEL
 * see.
 */
public final class Json {

  private static final JsonFormat.Printer PRINTER =
      JsonFormat.printer().omittingInsignificantWhitespace();
  private static final JsonFormat.Parser PARSER = JsonFormat.parser();

  private Json() {}

  /** Compact JSON of a message. */
  public static String print(MessageOrBuilder message) {
    try {
      return PRINTER.print(message);
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalArgumentException("not printable as JSON", e);
    }
  }

  /** Size of a message as compact UTF-8 JSON. */
  public static int bytes(MessageOrBuilder message) {
    return print(message).getBytes(StandardCharsets.UTF_8).length;
  }

  /** Parses JSON into {@code builder}; unknown fields are an error. */
  public static void merge(String json, com.google.protobuf.Message.Builder builder)
      throws InvalidProtocolBufferException {
    PARSER.merge(json, builder);
  }

  /** Parses a stored JSON object; null or blank gives an empty one. */
  public static Struct struct(String json) {
    if (json == null || json.isBlank()) {
      return Struct.getDefaultInstance();
    }
    Struct.Builder builder = Struct.newBuilder();
    try {
      PARSER.merge(json, builder);
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException("stored JSON is not an object", e);
    }
    return builder.build();
  }

  /** Parses a stored JSON value; null gives null. */
  public static Value value(String json) {
    if (json == null) {
      return null;
    }
    Value.Builder builder = Value.newBuilder();
    try {
      PARSER.merge(json, builder);
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException("stored JSON is not a value", e);
    }
    return builder.build();
  }

  /** A struct as a value. */
  public static Value of(Struct struct) {
    return Value.newBuilder().setStructValue(struct).build();
  }

  /** A string as a value. */
  public static Value of(String text) {
    return Value.newBuilder().setStringValue(text).build();
  }

  /** A number as a value. */
  public static Value of(double number) {
    return Value.newBuilder().setNumberValue(number).build();
  }

  /** A boolean as a value. */
  public static Value of(boolean bool) {
    return Value.newBuilder().setBoolValue(bool).build();
  }

  /** The JSON null. */
  public static Value nullValue() {
    return Value.newBuilder().setNullValue(NullValue.NULL_VALUE).build();
  }

  /** A value as plain Java: maps, lists, strings, doubles, booleans and null. */
  public static Object plain(Value value) {
    return switch (value.getKindCase()) {
      case STRUCT_VALUE -> plain(value.getStructValue());
      case LIST_VALUE -> {
        List<Object> list = new ArrayList<>();
        value.getListValue().getValuesList().forEach(v -> list.add(plain(v)));
        yield list;
      }
      case STRING_VALUE -> value.getStringValue();
      case NUMBER_VALUE -> value.getNumberValue();
      case BOOL_VALUE -> value.getBoolValue();
      case NULL_VALUE, KIND_NOT_SET -> null;
    };
  }

  /** A struct as a plain Java map. */
  public static Map<String, Object> plain(Struct struct) {
    Map<String, Object> map = new LinkedHashMap<>();
    struct.getFieldsMap().forEach((k, v) -> map.put(k, plain(v)));
    return map;
  }

  /** Plain Java (as {@link #plain(Value)} gives, with any numbers) back to a value. */
  public static Value fromPlain(Object object) {
    if (object == null) {
      return nullValue();
    }
    if (object instanceof Value value) {
      return value;
    }
    if (object instanceof Map<?, ?> map) {
      Struct.Builder struct = Struct.newBuilder();
      map.forEach((k, v) -> struct.putFields(String.valueOf(k), fromPlain(v)));
      return of(struct.build());
    }
    if (object instanceof Iterable<?> list) {
      ListValue.Builder builder = ListValue.newBuilder();
      list.forEach(v -> builder.addValues(fromPlain(v)));
      return Value.newBuilder().setListValue(builder).build();
    }
    if (object instanceof Number number) {
      return of(number.doubleValue());
    }
    if (object instanceof Boolean bool) {
      return of(bool);
    }
    return of(object.toString());
  }

  /** Sorted-key JSON of a value, so equal values compare equal as text. */
  public static String canonical(Value value) {
    return print(sorted(value));
  }

  private static Value sorted(Value value) {
    if (value.hasStructValue()) {
      Struct.Builder struct = Struct.newBuilder();
      new java.util.TreeMap<>(value.getStructValue().getFieldsMap())
          .forEach((key, child) -> struct.putFields(key, sorted(child)));
      return of(struct.build());
    }
    if (value.hasListValue()) {
      ListValue.Builder list = ListValue.newBuilder();
      value.getListValue().getValuesList().forEach(child -> list.addValues(sorted(child)));
      return Value.newBuilder().setListValue(list).build();
    }
    return value;
  }
}
