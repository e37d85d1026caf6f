package dev.nerve.automation.workflow;

import com.google.protobuf.ListValue;
import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import dev.nerve.automation.cel.CelEngine;
import dev.nerve.automation.cel.CelException;
import dev.nerve.automation.support.Json;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Input mappings of steps: a string {@code "${<CEL>}"} is replaced by the expression's value (any
 * JSON), a string with {@code ${...}} inside other text by the text with each value inserted; all
 * other values pass unchanged, at any depth of objects and lists.
 */
public final class Templates {

  private static final Pattern EXPRESSION = Pattern.compile("\\$\\{((?:[^}\"']|\"[^\"]*\"|'[^']*')*)}");
  private static final int CACHE = 10_000;

  private final CelEngine cel;
  private final Map<String, CelEngine.CompiledExpression> cache = new ConcurrentHashMap<>();

  public Templates(CelEngine cel) {
    this.cel = cel;
  }

  public CelEngine cel() {
    return cel;
  }

  /** Calls {@code visit(path, expression)} for every expression in a mapping. */
  public static void expressions(String path, Value value, BiConsumer<String, String> visit) {
    switch (value.getKindCase()) {
      case STRING_VALUE -> {
        Matcher m = EXPRESSION.matcher(value.getStringValue());
        while (m.find()) {
          visit.accept(path, m.group(1));
        }
      }
      case STRUCT_VALUE -> value.getStructValue().getFieldsMap().forEach((k, v) -> expressions(path + "." + k, v, visit));
      case LIST_VALUE -> {
        List<Value> list = value.getListValue().getValuesList();
        for (int i = 0; i < list.size(); i++) {
          expressions(path + "[" + i + "]", list.get(i), visit);
        }
      }
      default -> {}
    }
  }

  /** Whether any expression of the mapping mentions {@code name}. */
  public static boolean mentions(Struct mapping, String name) {
    boolean[] found = {false};
    expressions("", Json.of(mapping), (p, e) -> found[0] |= e.contains(name));
    return found[0];
  }

  /** The mapping with every expression replaced by its value over {@code variables}. */
  public Struct render(Struct mapping, Map<String, Value> variables) {
    return render(Json.of(mapping), variables).getStructValue();
  }

  /** A value with every expression replaced. */
  public Value render(Value value, Map<String, Value> variables) {
    switch (value.getKindCase()) {
      case STRING_VALUE -> {
        String text = value.getStringValue();
        Matcher m = EXPRESSION.matcher(text);
        if (m.matches()) {
          return expression(m.group(1)).evaluate(variables);
        }
        m.reset();
        StringBuilder out = new StringBuilder();
        boolean any = false;
        while (m.find()) {
          any = true;
          Value v = expression(m.group(1)).evaluate(variables);
          m.appendReplacement(out, Matcher.quoteReplacement(text(v)));
        }
        if (!any) {
          return value;
        }
        m.appendTail(out);
        return Json.of(out.toString());
      }
      case STRUCT_VALUE -> {
        Struct.Builder struct = Struct.newBuilder();
        value.getStructValue().getFieldsMap().forEach((k, v) -> struct.putFields(k, render(v, variables)));
        return Json.of(struct.build());
      }
      case LIST_VALUE -> {
        ListValue.Builder list = ListValue.newBuilder();
        List<Value> values = new ArrayList<>(value.getListValue().getValuesList());
        values.forEach(v -> list.addValues(render(v, variables)));
        return Value.newBuilder().setListValue(list).build();
      }
      default -> {
        return value;
      }
    }
  }

  /** A value as text inside a string: strings as they are, whole numbers without ".0", else JSON. */
  static String text(Value v) {
    if (v.hasStringValue()) {
      return v.getStringValue();
    }
    if (v.hasNumberValue()) {
      double d = v.getNumberValue();
      if (d == Math.rint(d) && Math.abs(d) < 1e15) {
        return Long.toString((long) d);
      }
      return Double.toString(d);
    }
    return Json.print(v);
  }

  /** A compiled expression, cached by its text. */
  public CelEngine.CompiledExpression expression(String source) {
    CelEngine.CompiledExpression compiled = cache.get(source);
    if (compiled == null) {
      compiled = cel.compile(source);
      if (cache.size() >= CACHE) {
        cache.clear();
      }
      cache.put(source, compiled);
    }
    return compiled;
  }

  /** Evaluates one expression, failing with {@link CelException}. */
  public Value evaluate(String source, Map<String, Value> variables) {
    return expression(source).evaluate(variables);
  }
}
