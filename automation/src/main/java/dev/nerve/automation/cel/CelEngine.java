package dev.nerve.automation.cel;

import com.google.protobuf.ListValue;
import com.google.protobuf.Message;
import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.CelOptions;
import dev.cel.common.CelValidationException;
import dev.cel.common.CelValidationResult;
import dev.cel.common.types.SimpleType;
import dev.cel.compiler.CelCompiler;
import dev.cel.compiler.CelCompilerFactory;
import dev.cel.parser.CelStandardMacro;
import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelRuntime;
import dev.cel.runtime.CelRuntimeFactory;
import dev.nerve.automation.AutomationProperties;
import dev.nerve.automation.support.Json;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * CEL (dev.cel) for workflow data flow: compiles expressions over the variables {@link #VARIABLES}
 * with the configured limits (length, parse depth, a static cost estimate, comprehension
 * iterations) and evaluates them over JSON values. Never a scripting engine: CEL terminates and
 * has no side effects.
 */
public final class CelEngine {

  /** Variables an expression may use; each is JSON (a map, list or scalar) at run time. */
  public static final List<String> VARIABLES =
      List.of("input", "steps", "run", "item", "index", "event", "params");

  private final CelCompiler compiler;
  private final CelRuntime runtime;
  private final AutomationProperties.Limits limits;

  public CelEngine(AutomationProperties.Limits limits) {
    this.limits = limits;
    CelOptions options =
        CelOptions.current()
            .maxExpressionCodePointSize(limits.maxExpressionChars())
            .maxParseRecursionDepth(32)
            .comprehensionMaxIterations(limits.comprehensionMaxIterations())
            .enableHeterogeneousNumericComparisons(true)
            .build();
    var builder =
        CelCompilerFactory.standardCelCompilerBuilder()
            .setOptions(options)
            .setStandardMacros(CelStandardMacro.STANDARD_MACROS);
    for (String variable : VARIABLES) {
      builder.addVar(variable, SimpleType.DYN);
    }
    this.compiler = builder.build();
    this.runtime = CelRuntimeFactory.standardCelRuntimeBuilder().setOptions(options).build();
  }

  /** Why an expression is refused, or empty when it compiles within its limits. */
  public Optional<String> check(String expression) {
    try {
      compile(expression);
      return Optional.empty();
    } catch (CelException e) {
      return Optional.of(e.getMessage());
    }
  }

  /** Compiles an expression; {@link CelException} says why it is refused. */
  public CompiledExpression compile(String expression) {
    if (expression.length() > limits.maxExpressionChars()) {
      throw new CelException(
          "maxLength", "must be at most " + limits.maxExpressionChars() + " characters");
    }
    CelAbstractSyntaxTree ast;
    try {
      CelValidationResult result = compiler.compile(expression);
      ast = result.getAst();
    } catch (CelValidationException e) {
      throw new CelException("cel", "does not compile: " + firstLine(e.getMessage()));
    } catch (RuntimeException e) {
      throw new CelException("cel", "does not compile: " + firstLine(String.valueOf(e.getMessage())));
    }
    long cost = CelCost.estimate(ast.getExpr(), limits.comprehensionMaxIterations());
    if (cost > limits.maxExpressionCost()) {
      throw new CelException(
          "celCost",
          "estimated cost " + cost + " exceeds the limit of " + limits.maxExpressionCost()
              + " (nested comprehensions multiply)");
    }
    try {
      return new CompiledExpression(expression, runtime.createProgram(ast));
    } catch (dev.cel.common.CelException e) {
      throw new CelException("cel", "does not compile: " + firstLine(e.getMessage()));
    }
  }

  private static String firstLine(String message) {
    if (message == null) {
      return "invalid expression";
    }
    int nl = message.indexOf('\n');
    String line = nl < 0 ? message : message.substring(0, nl);
    return line.length() > 300 ? line.substring(0, 300) + "..." : line;
  }

  /** A compiled expression, safe to evaluate from many threads. */
  public static final class CompiledExpression {
    private final String source;
    private final CelRuntime.Program program;

    CompiledExpression(String source, CelRuntime.Program program) {
      this.source = source;
      this.program = program;
    }

    public String source() {
      return source;
    }

    /**
     * Evaluates over JSON variables; missing variables are empty maps. {@link CelException}
     * says why evaluation failed (missing key, wrong type, iteration limit).
     */
    public Value evaluate(Map<String, Value> variables) {
      Map<String, Object> bound = new java.util.HashMap<>();
      for (String variable : VARIABLES) {
        Value value = variables.get(variable);
        bound.put(variable, value == null ? Struct.getDefaultInstance() : toCel(value));
      }
      try {
        return fromCel(program.eval(bound));
      } catch (CelEvaluationException e) {
        throw new CelException("celEval", firstLine(e.getMessage()));
      } catch (RuntimeException e) {
        throw new CelException("celEval", firstLine(String.valueOf(e.getMessage())));
      }
    }

    /** Evaluates and requires a boolean. */
    public boolean test(Map<String, Value> variables) {
      Value value = evaluate(variables);
      if (!value.hasBoolValue()) {
        throw new CelException("celEval", "must give a boolean, not " + value.getKindCase());
      }
      return value.getBoolValue();
    }
  }

  /** A JSON value as CEL sees it: structs as maps, integral numbers as doubles. */
  private static Object toCel(Value value) {
    return switch (value.getKindCase()) {
      case STRUCT_VALUE -> value.getStructValue();
      case LIST_VALUE -> value.getListValue();
      default -> value;
    };
  }

  /** A CEL result back to JSON. */
  static Value fromCel(Object result) {
    if (result == null) {
      return Json.nullValue();
    }
    if (result instanceof Value value) {
      return value;
    }
    if (result instanceof Struct struct) {
      return Json.of(struct);
    }
    if (result instanceof ListValue list) {
      return Value.newBuilder().setListValue(list).build();
    }
    if (result instanceof Map<?, ?> map) {
      Struct.Builder struct = Struct.newBuilder();
      map.forEach((k, v) -> struct.putFields(String.valueOf(k), fromCel(v)));
      return Json.of(struct.build());
    }
    if (result instanceof Iterable<?> list) {
      ListValue.Builder builder = ListValue.newBuilder();
      list.forEach(v -> builder.addValues(fromCel(v)));
      return Value.newBuilder().setListValue(builder).build();
    }
    if (result instanceof Number number) {
      return Json.of(number.doubleValue());
    }
    if (result instanceof Boolean bool) {
      return Json.of(bool);
    }
    if (result instanceof com.google.protobuf.Timestamp ts) {
      return Json.of(com.google.protobuf.util.Timestamps.toString(ts));
    }
    if (result instanceof com.google.protobuf.Duration d) {
      return Json.of(com.google.protobuf.util.Durations.toString(d));
    }
    if (result instanceof com.google.protobuf.NullValue
        || result.getClass().getSimpleName().equals("NullValue")) {
      return Json.nullValue();
    }
    if (result instanceof Message message) {
      return Json.of(Json.print(message));
    }
    return Json.of(result.toString());
  }
}
