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
 * <p>Bounded, so that no value can exhaust the stack or the time of a run: an expression has at
 * most {@value #MAX_LENGTH} characters (after macro expansion) and nests at most {@value
 * #MAX_DEPTH} levels (each parenthesis, {@code int(} and unary sign is a level); numbers are ASCII
 * digits only, at most 18 of them.
 *
 * <p>Internal: for switchman's own modules only, not API; see {@link io.switchman.core.internal}.
 */
public final class LeaseExpression {

  /** The longest expression accepted, in characters after macro expansion. */
  public static final int MAX_LENGTH = 4096;

  /** The deepest nesting accepted: parentheses, {@code int(} and unary signs, each one level. */
  public static final int MAX_DEPTH = 200;

  private final String text;
  private int pos;
  private int depth;

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
    if (text.length() > MAX_LENGTH) {
      throw invalid(
          shorten(subject), text.length() + " characters, at most " + MAX_LENGTH + " are allowed");
    }
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
        throw p.error(
            "unexpected '"
                + Names.printable(String.valueOf(p.text.charAt(p.pos)))
                + "' at position "
                + (p.pos + 1));
      }
    } catch (ParseError e) {
      throw invalid(
          shorten(subject),
          e.getMessage() + "; allowed are integers, + - * /, parentheses and int()");
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

  /** The subject cut to a readable length: an expression may be 4096 characters long. */
  private static String shorten(String subject) {
    return subject.length() <= 200 ? subject : subject.substring(0, 160) + "...' (cut)";
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
      enter();
      BigDecimal v = unary().negate();
      depth--;
      return v;
    }
    if (eat('+')) {
      enter();
      BigDecimal v = unary();
      depth--;
      return v;
    }
    return primary();
  }

  /** One level deeper; refused beyond {@link #MAX_DEPTH}. */
  private void enter() throws ParseError {
    if (++depth > MAX_DEPTH) {
      throw error(
          "it nests deeper than "
              + MAX_DEPTH
              + " levels (parentheses, int( and signs) at position "
              + pos);
    }
  }

  private BigDecimal primary() throws ParseError {
    skipSpaces();
    if (pos >= text.length()) {
      throw error("it ends where a number was expected");
    }
    if (eat('(')) {
      enter();
      BigDecimal v = sum();
      skipSpaces();
      if (!eat(')')) {
        throw error("missing ')'");
      }
      depth--;
      return v;
    }
    if (text.startsWith("int", pos)) {
      pos += 3;
      skipSpaces();
      if (!eat('(')) {
        throw error("int must be followed by '('");
      }
      enter();
      BigDecimal v = sum();
      skipSpaces();
      if (!eat(')')) {
        throw error("missing ')' after int(");
      }
      depth--;
      return v.setScale(0, RoundingMode.DOWN);
    }
    int start = pos;
    while (pos < text.length() && isAsciiDigit(text.charAt(pos))) {
      pos++;
    }
    if (start == pos) {
      char c = text.charAt(pos);
      throw error(
          "unexpected '"
              + Names.printable(String.valueOf(c))
              + "' at position "
              + (pos + 1)
              + (Character.isDigit(c) ? " (only the ASCII digits 0-9 are numbers)" : ""));
    }
    if (pos - start > 18) {
      throw error("the number " + text.substring(start, pos) + " is too large");
    }
    return new BigDecimal(text.substring(start, pos));
  }

  private static boolean isAsciiDigit(char c) {
    return c >= '0' && c <= '9';
  }

  private boolean eat(char c) {
    if (pos < text.length() && text.charAt(pos) == c) {
      pos++;
      return true;
    }
    return false;
  }

  private void skipSpaces() {
    while (pos < text.length() && isSpace(text.charAt(pos))) {
      pos++;
    }
  }

  /** ASCII blanks only: space, tab, and the line ends. */
  private static boolean isSpace(char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
  }

  private static SwitchmanException invalidArgument(String message) {
    return new SwitchmanException(SwitchmanException.Kind.INVALID_ARGUMENT, message);
  }
}
