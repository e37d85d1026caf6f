package dev.nerve.automation.support;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.ListValue;
import com.google.protobuf.MessageOrBuilder;
import com.google.protobuf.NullValue;
import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import com.google.protobuf.util.JsonFormat;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonGenerator;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.databind.json.JsonMapper;

/**
 * JSON for protobuf messages and free-form values: the text stored in PostgreSQL, and the plain
 * Java form (maps, lists, strings, numbers, booleans, null) that JSON Schema validation and CEL
 * see. Free-form values ({@link Struct}, {@link Value}, {@link ListValue}), which every step
 * attempt writes and reads several times, go through Jackson's streaming reader and writer with
 * JSON that protobuf's {@link JsonFormat} reads back as the same value (its text can differ only in
 * which characters are escaped). {@link JsonFormat}, which reflects over descriptors and cost the
 * engine a fifth of its step CPU, handles the other messages.
 */
public final class Json {

  private static final JsonFormat.Printer PRINTER =
      JsonFormat.printer().omittingInsignificantWhitespace();
  private static final JsonFormat.Parser PARSER = JsonFormat.parser();
  /** The one Jackson mapper of this module's JSON (streams here, trees in {@link JsonSchemas}). */
  static final JsonMapper MAPPER = JsonMapper.builder().build();

  private Json() {}

  /** Compact JSON of a message. */
  public static String print(MessageOrBuilder message) {
    if (message instanceof Value || message instanceof Struct || message instanceof ListValue) {
      StringWriter out = new StringWriter();
      try (JsonGenerator generator = MAPPER.createGenerator(out)) {
        if (message instanceof Value value) {
          write(generator, value);
        } else if (message instanceof Struct struct) {
          write(generator, struct);
        } else {
          write(generator, (ListValue) message);
        }
      } catch (JacksonException e) {
        throw new IllegalArgumentException("not printable as JSON", e);
      }
      return out.toString();
    }
    try {
      return PRINTER.print(message);
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalArgumentException("not printable as JSON", e);
    }
  }

  private static void write(JsonGenerator generator, Struct struct) {
    generator.writeStartObject();
    for (Map.Entry<String, Value> field : struct.getFieldsMap().entrySet()) {
      generator.writeName(field.getKey());
      write(generator, field.getValue());
    }
    generator.writeEndObject();
  }

  private static void write(JsonGenerator generator, ListValue list) {
    generator.writeStartArray();
    for (Value value : list.getValuesList()) {
      write(generator, value);
    }
    generator.writeEndArray();
  }

  private static void write(JsonGenerator generator, Value value) {
    switch (value.getKindCase()) {
      case STRUCT_VALUE -> write(generator, value.getStructValue());
      case LIST_VALUE -> write(generator, value.getListValue());
      case STRING_VALUE -> generator.writeString(value.getStringValue());
      case NUMBER_VALUE -> {
        double number = value.getNumberValue();
        if (!Double.isFinite(number)) {
          throw new IllegalArgumentException("not printable as JSON: the number " + number);
        }
        generator.writeNumber(number);
      }
      case BOOL_VALUE -> generator.writeBoolean(value.getBoolValue());
      case NULL_VALUE -> generator.writeNull();
      case KIND_NOT_SET -> throw new IllegalArgumentException("not printable as JSON: a value with no kind");
    }
  }

  /** Reads the JSON value the parser is at (its first token already read). */
  private static Value read(JsonParser parser, JsonToken token) {
    return switch (token) {
      case START_OBJECT -> of(readObject(parser));
      case START_ARRAY -> {
        ListValue.Builder list = ListValue.newBuilder();
        for (JsonToken next = parser.nextToken(); next != JsonToken.END_ARRAY; next = parser.nextToken()) {
          list.addValues(read(parser, next));
        }
        yield Value.newBuilder().setListValue(list).build();
      }
      case VALUE_STRING -> of(parser.getString());
      case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> of(parser.getDoubleValue());
      case VALUE_TRUE -> of(true);
      case VALUE_FALSE -> of(false);
      case VALUE_NULL -> nullValue();
      default -> throw new IllegalStateException("unexpected JSON token " + token);
    };
  }

  /** Reads the members of the object whose start the parser just read. */
  private static Struct readObject(JsonParser parser) {
    Struct.Builder struct = Struct.newBuilder();
    for (JsonToken next = parser.nextToken(); next != JsonToken.END_OBJECT; next = parser.nextToken()) {
      String name = parser.currentName();
      struct.putFields(name, read(parser, parser.nextToken()));
    }
    return struct.build();
  }

  /** Parses one complete JSON value of the kind {@code what}, or fails naming it. */
  private static Value parse(String json, String what) {
    try (JsonParser parser = MAPPER.createParser(json)) {
      JsonToken first = parser.nextToken();
      if (first == null) {
        throw new IllegalStateException("stored JSON is not " + what);
      }
      Value value = read(parser, first);
      if (parser.nextToken() != null) {
        throw new IllegalStateException("stored JSON is not " + what + ": text after the value");
      }
      return value;
    } catch (JacksonException e) {
      throw new IllegalStateException("stored JSON is not " + what, e);
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
    Value value = parse(json, "an object");
    if (!value.hasStructValue()) {
      throw new IllegalStateException("stored JSON is not an object");
    }
    return value.getStructValue();
  }

  /** Parses a stored JSON value; null gives null. */
  public static Value value(String json) {
    if (json == null) {
      return null;
    }
    return parse(json, "a value");
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
