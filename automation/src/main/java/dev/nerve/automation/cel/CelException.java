package dev.nerve.automation.cel;

/**
 * A CEL expression that is refused (does not compile, too costly) or failed to evaluate; the
 * rule is a violation rule id ({@code cel}, {@code celCost}, {@code maxLength}, {@code celEval}).
 */
public final class CelException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  private final String rule;

  public CelException(String rule, String message) {
    super(message);
    this.rule = rule;
  }

  public String rule() {
    return rule;
  }
}
