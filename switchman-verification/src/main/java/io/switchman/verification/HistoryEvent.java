/*
 * Copyright 2026 the switchman authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package io.switchman.verification;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One line of a history: {@code <micros> <source> <type> key=value ...}.
 *
 * <p>{@code micros} is the shared clock ({@link HistoryClock}); {@code source} the worker (or
 * {@code schedule}, {@code store}) that wrote it; {@code type} what happened. Job events are:
 *
 * <ul>
 *   <li>{@code granted run=R token=T [lock=L] [leases=RES:AMOUNT:CAPACITY,...]}
 *   <li>{@code heartbeat run=R}, every few milliseconds while the job works
 *   <li>{@code finished run=R} (the job completed) or {@code stopped run=R reason=...} (it stopped
 *       because the grant was lost or the worker shut down)
 * </ul>
 *
 * The schedule writes {@code fault n=N kind=K target=T}, {@code killed worker=W}, {@code paused
 * worker=W} and {@code resumed worker=W}; the fenced store writes {@code write key=K token=T run=R
 * accepted=true|false}. Keys and values contain no spaces.
 *
 * @param micros when, in microseconds since the epoch on the shared clock
 * @param source who wrote the line
 * @param type what happened
 * @param attrs the rest of the line
 */
public record HistoryEvent(long micros, String source, String type, Map<String, String> attrs) {

  public HistoryEvent {
    Objects.requireNonNull(source);
    Objects.requireNonNull(type);
    attrs = Collections.unmodifiableMap(new LinkedHashMap<>(attrs));
    for (String s : attrs.keySet()) {
      checkWord(s);
    }
    for (String s : attrs.values()) {
      checkWord(s);
    }
    checkWord(source);
    checkWord(type);
  }

  private static void checkWord(String s) {
    if (s.isEmpty() || s.chars().anyMatch(c -> c <= ' ' || c == '=')) {
      throw new IllegalArgumentException(
          "Invalid history word '" + s + "': must be non-empty, without spaces or '='");
    }
  }

  /** Builds an event; {@code kv} alternates keys and values. */
  public static HistoryEvent of(long micros, String source, String type, Object... kv) {
    if (kv.length % 2 != 0) {
      throw new IllegalArgumentException("keys and values must alternate");
    }
    Map<String, String> m = new LinkedHashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      m.put(String.valueOf(kv[i]), String.valueOf(kv[i + 1]));
    }
    return new HistoryEvent(micros, source, type, m);
  }

  /** The value of {@code key}, or null. */
  public @Nullable String get(String key) {
    return attrs.get(key);
  }

  /** The value of {@code key}, which must be present. */
  public String require(String key) {
    String v = attrs.get(key);
    if (v == null) {
      throw new IllegalArgumentException("History line '" + format() + "' has no " + key + "=");
    }
    return v;
  }

  /** The line, without a newline. */
  public String format() {
    StringBuilder sb = new StringBuilder();
    sb.append(micros).append(' ').append(source).append(' ').append(type);
    attrs.forEach((k, v) -> sb.append(' ').append(k).append('=').append(v));
    return sb.toString();
  }

  /**
   * Parses a line.
   *
   * @throws IllegalArgumentException naming the line when it is malformed
   */
  public static HistoryEvent parse(String line) {
    String[] parts = line.trim().split(" +");
    if (parts.length < 3) {
      throw new IllegalArgumentException(
          "Invalid history line '" + line + "': expected '<micros> <source> <type> key=value...'");
    }
    long micros;
    try {
      micros = Long.parseLong(parts[0]);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "Invalid history line '" + line + "': '" + parts[0] + "' is not a time in microseconds",
          e);
    }
    Map<String, String> attrs = new LinkedHashMap<>();
    for (int i = 3; i < parts.length; i++) {
      int eq = parts[i].indexOf('=');
      if (eq <= 0 || eq == parts[i].length() - 1) {
        throw new IllegalArgumentException(
            "Invalid history line '" + line + "': '" + parts[i] + "' is not key=value");
      }
      attrs.put(parts[i].substring(0, eq), parts[i].substring(eq + 1));
    }
    return new HistoryEvent(micros, parts[1], parts[2], attrs);
  }

  @Override
  public String toString() {
    return format();
  }
}
