package dev.nerve.gateway.memory;

import com.google.protobuf.ListValue;
import com.google.protobuf.NullValue;
import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import dev.nerve.platform.error.NerveException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Free-form JSON (GraphQL {@code JSON} scalar, REST bodies) to and from protobuf Structs. */
final class JsonValues {

  private JsonValues() {}

  /** A JSON object as a Struct; null is the empty object, anything else but an object is bad input. */
  static Struct struct(String field, Object json) {
    if (json == null) {
      return Struct.getDefaultInstance();
    }
    if (!(json instanceof Map<?, ?> map)) {
      throw NerveException.invalid(field, "type", "must be a JSON object");
    }
    Struct.Builder struct = Struct.newBuilder();
    map.forEach((key, value) -> struct.putFields(String.valueOf(key), value(field, value)));
    return struct.build();
  }

  static Map<String, Object> map(Struct struct) {
    Map<String, Object> map = new LinkedHashMap<>();
    struct.getFieldsMap().forEach((key, value) -> map.put(key, plain(value)));
    return map;
  }

  private static Value value(String field, Object json) {
    Value.Builder value = Value.newBuilder();
    if (json == null) {
      value.setNullValue(NullValue.NULL_VALUE);
    } else if (json instanceof String s) {
      value.setStringValue(s);
    } else if (json instanceof Boolean b) {
      value.setBoolValue(b);
    } else if (json instanceof Number n) {
      value.setNumberValue(number(n));
    } else if (json instanceof Map<?, ?>) {
      value.setStructValue(struct(field, json));
    } else if (json instanceof List<?> list) {
      ListValue.Builder items = ListValue.newBuilder();
      list.forEach(item -> items.addValues(value(field, item)));
      value.setListValue(items);
    } else {
      throw NerveException.invalid(field, "type", "is not JSON");
    }
    return value.build();
  }

  private static double number(Number n) {
    if (n instanceof BigDecimal d) {
      return d.doubleValue();
    }
    if (n instanceof BigInteger i) {
      return i.doubleValue();
    }
    return n.doubleValue();
  }

  private static Object plain(Value value) {
    return switch (value.getKindCase()) {
      case STRUCT_VALUE -> map(value.getStructValue());
      case LIST_VALUE -> {
        List<Object> list = new ArrayList<>();
        value.getListValue().getValuesList().forEach(item -> list.add(plain(item)));
        yield list;
      }
      case STRING_VALUE -> value.getStringValue();
      case BOOL_VALUE -> value.getBoolValue();
      case NUMBER_VALUE -> {
        double d = value.getNumberValue();
        yield d == Math.rint(d) && Math.abs(d) < 1e15 ? (Object) (long) d : (Object) d;
      }
      default -> null;
    };
  }
}
