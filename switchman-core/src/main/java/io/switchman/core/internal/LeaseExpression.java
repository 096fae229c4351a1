/*
 * Copyright 2026 the switchman authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package io.switchman.core.internal;

import io.switchman.core.HostFacts;
import io.switchman.core.SwitchmanException;
import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;

/**
 * Evaluates a lease amount or capacity after macro expansion: integers, {@code + - * /},
 * parentheses, unary minus and {@code int()} (truncation toward zero), nothing else. Division is
 * exact as in switchman's Perl ({@code 7/2} is 3.5), so a result that is not a whole number is an
 * error unless wrapped in {@code int()}.
 *
 * <p>Internal: for switchman's own modules only, not API; see {@link io.switchman.core.internal}.
 */
public final class LeaseExpression {

  private final String text;
  private int pos;

  private LeaseExpression(String text) {
    this.text = text;
  }

  /**
   * Evaluates {@code expression} to a whole number.
   *
   * @param what what the expression is, for messages (e.g. "amount of lease db_api")
   * @param expression the expression; macros are expanded for {@code host} first
   * @throws SwitchmanException of kind {@code INVALID_ARGUMENT} naming the expression and the
   *     problem
   */
  public static long evaluate(String what, String expression, HostFacts host) {
    String expanded = host.expand(expression);
    String subject = what + " '" + Names.printable(expression) + "'";
    if (!expanded.equals(expression)) {
      subject += " (after macro expansion: '" + Names.printable(expanded) + "')";
    }
    return evaluateText(subject, expanded);
  }

  /** Evaluates an expression without macros; {@code what} as for the method above. */
  public static long evaluate(String what, String expression) {
    return evaluateText(what + " '" + Names.printable(expression) + "'", expression);
  }

  /**
   * @param subject what is evaluated, as the error message names it, e.g. {@code amount of lease db
   *     '7/2'}
   */
  private static long evaluateText(String subject, String text) {
    LeaseExpression p = new LeaseExpression(text);
    BigDecimal value;
    try {
      p.skipSpaces();
      if (p.pos == p.text.length()) {
        throw p.error("it is empty");
      }
      value = p.sum();
      p.skipSpaces();
      if (p.pos != p.text.length()) {
        throw p.error("unexpected '" + p.text.charAt(p.pos) + "' at position " + (p.pos + 1));
      }
    } catch (ParseError e) {
      throw invalid(
          subject, e.getMessage() + "; allowed are integers, + - * /, parentheses and int()");
    }
    BigDecimal stripped = value.stripTrailingZeros();
    if (stripped.scale() > 0) {
      throw invalid(
          subject,
          "it evaluates to " + stripped.toPlainString() + ", not a whole number; wrap it in int()");
    }
    try {
      return stripped.longValueExact();
    } catch (ArithmeticException e) {
      throw invalid(subject, "too large");
    }
  }

  private static SwitchmanException invalid(String subject, String problem) {
    return invalidArgument("Invalid " + subject + ": " + problem);
  }

  private static final class ParseError extends Exception {
    private static final long serialVersionUID = 1L;

    ParseError(String message) {
      super(message, null, false, false);
    }
  }

  private ParseError error(String message) {
    return new ParseError(message);
  }

  private BigDecimal sum() throws ParseError {
    BigDecimal v = product();
    while (true) {
      skipSpaces();
      if (eat('+')) {
        v = v.add(product());
      } else if (eat('-')) {
        v = v.subtract(product());
      } else {
        return v;
      }
    }
  }

  private BigDecimal product() throws ParseError {
    BigDecimal v = unary();
    while (true) {
      skipSpaces();
      if (eat('*')) {
        v = v.multiply(unary());
      } else if (eat('/')) {
        BigDecimal d = unary();
        if (d.signum() == 0) {
          throw error("division by zero");
        }
        v = v.divide(d, MathContext.DECIMAL128);
      } else {
        return v;
      }
    }
  }

  private BigDecimal unary() throws ParseError {
    skipSpaces();
    if (eat('-')) {
      return unary().negate();
    }
    if (eat('+')) {
      return unary();
    }
    return primary();
  }

  private BigDecimal primary() throws ParseError {
    skipSpaces();
    if (pos >= text.length()) {
      throw error("it ends where a number was expected");
    }
    if (eat('(')) {
      BigDecimal v = sum();
      skipSpaces();
      if (!eat(')')) {
        throw error("missing ')'");
      }
      return v;
    }
    if (text.startsWith("int", pos)) {
      pos += 3;
      skipSpaces();
      if (!eat('(')) {
        throw error("int must be followed by '('");
      }
      BigDecimal v = sum();
      skipSpaces();
      if (!eat(')')) {
        throw error("missing ')' after int(");
      }
      return v.setScale(0, RoundingMode.DOWN);
    }
    int start = pos;
    while (pos < text.length() && Character.isDigit(text.charAt(pos))) {
      pos++;
    }
    if (start == pos) {
      throw error("unexpected '" + text.charAt(pos) + "' at position " + (pos + 1));
    }
    if (pos - start > 18) {
      throw error("the number " + text.substring(start, pos) + " is too large");
    }
    return new BigDecimal(text.substring(start, pos));
  }

  private boolean eat(char c) {
    if (pos < text.length() && text.charAt(pos) == c) {
      pos++;
      return true;
    }
    return false;
  }

  private void skipSpaces() {
    while (pos < text.length() && Character.isWhitespace(text.charAt(pos))) {
      pos++;
    }
  }

  private static SwitchmanException invalidArgument(String message) {
    return new SwitchmanException(SwitchmanException.Kind.INVALID_ARGUMENT, message);
  }
}
