package dev.nerve.automation.cel;

import dev.cel.common.ast.CelExpr;

/**
 * Static cost estimate of a CEL expression, checked when a workflow is saved: every node costs
 * 1, and a comprehension's condition, step and result are counted as if it iterated {@code
 * iterations} times (the run-time iteration limit), so nested comprehensions over unknown lists
 * multiply. The estimate is an upper bound of the work one evaluation can do.
 */
final class CelCost {

  private CelCost() {}

  static long estimate(CelExpr expr, int iterations) {
    return switch (expr.getKind()) {
      case CONSTANT, IDENT, NOT_SET -> 1;
      case SELECT -> 1 + estimate(expr.select().operand(), iterations);
      case CALL -> {
        long cost = 1;
        if (expr.call().target().isPresent()) {
          cost = add(cost, estimate(expr.call().target().get(), iterations));
        }
        for (CelExpr arg : expr.call().args()) {
          cost = add(cost, estimate(arg, iterations));
        }
        yield cost;
      }
      case LIST -> {
        long cost = 1;
        for (CelExpr element : expr.list().elements()) {
          cost = add(cost, estimate(element, iterations));
        }
        yield cost;
      }
      case MAP -> {
        long cost = 1;
        for (var entry : expr.map().entries()) {
          cost = add(cost, add(estimate(entry.key(), iterations), estimate(entry.value(), iterations)));
        }
        yield cost;
      }
      case STRUCT -> {
        long cost = 1;
        for (var entry : expr.struct().entries()) {
          cost = add(cost, estimate(entry.value(), iterations));
        }
        yield cost;
      }
      case COMPREHENSION -> {
        var c = expr.comprehension();
        long body =
            add(estimate(c.loopCondition(), iterations), estimate(c.loopStep(), iterations));
        long cost = add(estimate(c.iterRange(), iterations), estimate(c.accuInit(), iterations));
        cost = add(cost, mul(body, iterations));
        yield add(cost, estimate(c.result(), iterations));
      }
    };
  }

  private static long add(long a, long b) {
    long sum = a + b;
    return sum < 0 ? Long.MAX_VALUE : sum;
  }

  private static long mul(long a, long b) {
    if (a != 0 && b > Long.MAX_VALUE / a) {
      return Long.MAX_VALUE;
    }
    return a * b;
  }
}
