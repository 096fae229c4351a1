/*
 * Copyright 2026 the switchman authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package io.switchman.core;

import io.switchman.core.internal.Names;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * A paused lock: the persistent node {@code P/locks/<name>} an operator created (switchman 1.16
 * hosts then find the lock held and skip; this engine reports {@link Acquisition.Outcome#PAUSED}).
 * Its data is one line that starts like a holder's {@code "<fqdn> <pid>"}, so switchman 1.16 shows
 * the operator's host as the holder:
 *
 * <pre>
 * &lt;host&gt; &lt;pid&gt; paused &lt;ISO-8601 instant, UTC&gt;[ by &lt;operator&gt;][: &lt;reason&gt;]
 * host1.example.com 4242 paused 2026-12-01T09:50:00Z by alice: disk full on db1
 * </pre>
 *
 * <p>Any persistent node at a lock path is a pause, whatever its data (one made by hand with {@code
 * zkCli.sh create}): a line that does not have this shape is kept whole as the reason, with the
 * node's creation time and the data's first word as the host.
 *
 * @param host the operator's host (first word of the data)
 * @param pid the operator's process id (second word), or empty when the data has another shape
 * @param since when the lock was paused
 * @param operator who paused it (a user or principal name, no spaces), or null when not given
 * @param reason why; empty when none was given
 */
public record Pause(
    String host, String pid, Instant since, @Nullable String operator, String reason) {

  /** The longest reason accepted, in characters. */
  public static final int MAX_REASON_LENGTH = 1000;

  private static final Pattern LINE =
      Pattern.compile("(\\S+) (\\S+) paused (\\S+?)(?: by (\\S+?))?(?:: (.*))?");

  public Pause {
    Objects.requireNonNull(host, "host");
    Objects.requireNonNull(pid, "pid");
    Objects.requireNonNull(since, "since");
    Objects.requireNonNull(reason, "reason");
  }

  /** Who paused the lock: {@code operator@host}, or the host alone when no operator was given. */
  public String who() {
    return operator != null ? operator + "@" + host : host;
  }

  /** A sentence part for logs: {@code paused by alice@host1 since 2026-...Z: disk full}. */
  public String describe() {
    return "paused by " + who() + " since " + since + (reason.isEmpty() ? "" : ": " + reason);
  }

  /** The node's data: one line, see the class comment. */
  public String line() {
    StringBuilder sb = new StringBuilder();
    sb.append(host).append(' ').append(pid.isEmpty() ? "0" : pid).append(" paused ").append(since);
    if (operator != null) {
      sb.append(" by ").append(operator);
    }
    if (!reason.isEmpty()) {
      sb.append(": ").append(reason);
    }
    return sb.toString();
  }

  byte[] data() {
    return line().getBytes(StandardCharsets.UTF_8);
  }

  /**
   * A new pause by this process now, truncated to milliseconds.
   *
   * @throws SwitchmanException INVALID_ARGUMENT when the reason or the operator is not valid (see
   *     {@link #checkReason}, {@link #checkOperator})
   */
  static Pause now(String host, @Nullable String operator, @Nullable String reason) {
    return new Pause(
        host,
        Long.toString(ProcessHandle.current().pid()),
        Instant.now().truncatedTo(ChronoUnit.MILLIS),
        checkOperator(operator),
        checkReason(reason));
  }

  /**
   * Checks an operator's reason: null means none (empty); otherwise it must not be blank, must be
   * one line without control characters, and at most {@value #MAX_REASON_LENGTH} characters.
   *
   * @return the reason, trimmed, or empty for null
   */
  public static String checkReason(@Nullable String reason) {
    if (reason == null) {
      return "";
    }
    String r = reason.strip();
    if (r.isEmpty()) {
      throw SwitchmanException.invalid(
          "Invalid reason '"
              + Names.printable(reason)
              + "': it is empty; give a few words saying why, or no reason at all");
    }
    if (r.chars().anyMatch(Character::isISOControl)) {
      throw SwitchmanException.invalid(
          "Invalid reason '"
              + Names.printable(reason)
              + "': it must be one line of text, without line breaks or control characters");
    }
    if (r.length() > MAX_REASON_LENGTH) {
      throw SwitchmanException.invalid(
          "Invalid reason of "
              + r.length()
              + " characters: at most "
              + MAX_REASON_LENGTH
              + " are allowed");
    }
    return r;
  }

  /**
   * Checks an operator name: null means none; otherwise one word (whitespace becomes {@code _}),
   * without control characters, at most 256 characters.
   */
  static @Nullable String checkOperator(@Nullable String operator) {
    if (operator == null || operator.isBlank()) {
      return null;
    }
    String o = operator.strip().replaceAll("\\s+", "_");
    if (o.chars().anyMatch(Character::isISOControl) || o.length() > 256) {
      throw SwitchmanException.invalid(
          "Invalid operator name '"
              + Names.printable(operator)
              + "': expected one word of at most 256 characters, without control characters");
    }
    return o;
  }

  /**
   * The pause a persistent lock node stands for.
   *
   * @param data the node's data (null or empty for a node made without data)
   * @param created the node's creation time, used when the data has no time
   */
  public static Pause parse(byte @Nullable [] data, Instant created) {
    String text = data == null ? "" : new String(data, StandardCharsets.UTF_8);
    return parse(text, created);
  }

  /** As {@link #parse(byte[], Instant)}, from the data as text. */
  public static Pause parse(String text, Instant created) {
    String line = text.strip();
    Matcher m = LINE.matcher(line);
    if (m.matches()) {
      try {
        Instant since = Instant.parse(m.group(3));
        String reason = m.group(5);
        return new Pause(
            m.group(1), m.group(2), since, m.group(4), reason == null ? "" : reason.strip());
      } catch (DateTimeParseException e) {
        // not our shape: below
      }
    }
    int space = line.indexOf(' ');
    String host = line.isEmpty() ? "unknown" : space < 0 ? line : line.substring(0, space);
    return new Pause(host, "", created, null, line);
  }
}
