package dev.nerve.automation.action;

import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import dev.nerve.automation.cel.CelEngine;
import dev.nerve.automation.cel.CelException;
import dev.nerve.automation.support.Json;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * {@code transform}: evaluates the CEL expression in parameter {@code expression} over the
 * parameters (variable {@code params}); its value is the output.
 */
final class TransformKind implements ActionKind {

  private static final int CACHE = 1000;

  private final CelEngine cel;
  private final Map<String, CelEngine.CompiledExpression> compiled = new ConcurrentHashMap<>();

  TransformKind(CelEngine cel) {
    this.cel = cel;
  }

  @Override
  public String id() {
    return "transform";
  }

  @Override
  public dev.nerve.api.automation.v1.ActionKind category() {
    return dev.nerve.api.automation.v1.ActionKind.ACTION_KIND_CEL_TRANSFORM;
  }

  @Override
  public String description() {
    return "Evaluates the CEL expression `expression` over the parameters (variable `params`).";
  }

  @Override
  public Struct inputSchema() {
    return Schemas.of(
        "{\"type\":\"object\",\"properties\":{\"expression\":{\"type\":\"string\",\"minLength\":1}},"
            + "\"required\":[\"expression\"]}");
  }

  @Override
  public boolean pure() {
    return true;
  }

  @Override
  public Value run(Invocation call) {
    String expression = call.string("expression", "");
    CelEngine.CompiledExpression program;
    try {
      program = compiled.get(expression);
      if (program == null) {
        program = cel.compile(expression);
        if (compiled.size() >= CACHE) {
          compiled.clear();
        }
        compiled.put(expression, program);
      }
      return program.evaluate(Map.of("params", Json.of(call.params())));
    } catch (CelException e) {
      throw new ActionFailure("expression: " + e.getMessage(), false);
    }
  }
}
