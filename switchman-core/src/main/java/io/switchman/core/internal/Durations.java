/*
 * Copyright 2026 the switchman authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package io.switchman.core.internal;

import io.switchman.core.SwitchmanException;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Parses the durations used in annotations, properties and command-line options: {@code 0}, a
 * number with a unit ({@code 500ms}, {@code 10s}, {@code 5m}, {@code 1h}, {@code 1d}) or ISO-8601
 * ({@code PT10S}). ASCII digits only; at most {@link #MAX} ({@value #MAX_TEXT}), so that no
 * duration can overflow the arithmetic of deadlines (nanoseconds in a {@code long} last 292 years).
 *
 * <p>Internal: for switchman's own modules only, not API; see {@link io.switchman.core.internal}.
 */
public final class Durations {

  private static final Pattern SIMPLE = Pattern.compile("(\\d{1,18})\\s*(ms|s|m|h|d)");

  /** The longest duration accepted anywhere: 366 days. */
  public static final Duration MAX = Duration.ofDays(366);

  /** {@link #MAX} as the messages name it. */
  public static final String MAX_TEXT = "366d";

  private Durations() {}

  /**
   * Checks a duration given as a {@link Duration} (a bound property, a builder argument): not
   * negative, at most {@link #MAX}.
   *
   * @param what what the value is, for the error message (e.g. {@code "switchman.stop-timeout"})
   * @throws SwitchmanException of kind {@code INVALID_ARGUMENT} naming the value
   */
  public static Duration check(String what, Duration d) {
    if (d.isNegative()) {
      throw invalidArgument("Invalid " + what + " '" + d + "': must not be negative");
    }
    if (d.compareTo(MAX) > 0) {
      throw invalidArgument(tooLong(what, d.toString()));
    }
    return d;
  }

  private static String tooLong(String what, String value) {
    return "Invalid "
        + what
        + " '"
        + Names.printable(value)
        + "': too long, at most "
        + MAX_TEXT
        + " ("
        + MAX
        + ") is allowed";
  }

  /**
   * Parses a duration.
   *
   * @param what what the value is, for the error message (e.g. {@code "waitFor"})
   * @throws SwitchmanException of kind {@code INVALID_ARGUMENT} naming the value and the accepted
   *     forms, also for negative durations
   */
  public static Duration parse(String what, String value) {
    String v = value.trim();
    if (v.equals("0")) {
      return Duration.ZERO;
    }
    Matcher m = SIMPLE.matcher(v.toLowerCase(Locale.ROOT));
    try {
      Duration d;
      if (m.matches()) {
        long n = Long.parseLong(m.group(1));
        d =
            switch (m.group(2)) {
              case "ms" -> Duration.ofMillis(n);
              case "s" -> Duration.ofSeconds(n);
              case "m" -> Duration.ofMinutes(n);
              case "h" -> Duration.ofHours(n);
              default -> Duration.ofDays(n);
            };
      } else if (v.length() > 1 && (v.charAt(0) == 'P' || v.charAt(0) == 'p')
          || v.startsWith("-P")) {
        d = Duration.parse(v);
      } else {
        throw invalid(what, value, null);
      }
      if (d.isNegative()) {
        throw invalidArgument(
            "Invalid " + what + " '" + Names.printable(value) + "': must not be negative");
      }
      if (d.compareTo(MAX) > 0) {
        throw invalidArgument(tooLong(what, value));
      }
      return d;
    } catch (DateTimeParseException | ArithmeticException e) {
      throw invalid(what, value, e);
    }
  }

  private static SwitchmanException invalid(String what, String value, @Nullable Throwable cause) {
    return new SwitchmanException(
        SwitchmanException.Kind.INVALID_ARGUMENT,
        "Invalid "
            + what
            + " '"
            + Names.printable(value)
            + "': expected a duration such as 500ms, 10s, 5m, 1h, 1d or ISO-8601 (PT10S)",
        cause);
  }

  /** Formats a duration the way it is parsed, for log lines ({@code 1500ms}, {@code 10s}). */
  public static String format(Duration d) {
    long ms = d.toMillis();
    if (ms % 1000 != 0) {
      return ms + "ms";
    }
    return (ms / 1000) + "s";
  }

  private static SwitchmanException invalidArgument(String message) {
    return new SwitchmanException(SwitchmanException.Kind.INVALID_ARGUMENT, message);
  }
}
