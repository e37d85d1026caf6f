package dev.nerve.learning.support;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.ListValue;
import com.google.protobuf.Message;
import com.google.protobuf.MessageOrBuilder;
import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import com.google.protobuf.util.JsonFormat;
import java.util.TreeMap;

/** JSON text of protobuf values, the form free-form data takes in PostgreSQL. */
public final class Json {

  private static final JsonFormat.Printer PRINTER = JsonFormat.printer().omittingInsignificantWhitespace();
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

  /** JSON of a value with object keys sorted, so equal values compare equal as text. */
  public static String canonical(Value value) {
    return print(sorted(value));
  }

  private static Value sorted(Value value) {
    if (value.hasStructValue()) {
      Struct.Builder struct = Struct.newBuilder();
      new TreeMap<>(value.getStructValue().getFieldsMap()).forEach((key, child) -> struct.putFields(key, sorted(child)));
      return Value.newBuilder().setStructValue(struct).build();
    }
    if (value.hasListValue()) {
      ListValue.Builder list = ListValue.newBuilder();
      value.getListValue().getValuesList().forEach(child -> list.addValues(sorted(child)));
      return Value.newBuilder().setListValue(list).build();
    }
    return value;
  }

  /** Parses a JSON object. */
  public static Struct struct(String json) {
    Struct.Builder builder = Struct.newBuilder();
    merge(json, builder);
    return builder.build();
  }

  /** Parses any JSON value. */
  public static Value value(String json) {
    Value.Builder builder = Value.newBuilder();
    merge(json, builder);
    return builder.build();
  }

  /** Parses JSON into {@code builder}. */
  public static void merge(String json, Message.Builder builder) {
    try {
      PARSER.merge(json, builder);
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalArgumentException("not valid JSON for " + builder.getDescriptorForType().getName(), e);
    }
  }

  /** A string value. */
  public static Value string(String text) {
    return Value.newBuilder().setStringValue(text).build();
  }

  /** A number value. */
  public static Value number(double number) {
    return Value.newBuilder().setNumberValue(number).build();
  }
}
