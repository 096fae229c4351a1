/*
 * Copyright 2026 the switchman authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package io.switchman.core;

import io.switchman.core.internal.Names;
import java.util.Comparator;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The znode layout of switchman 1.16 under a prefix {@code P}, plus one extension for waiting lock
 * requests:
 *
 * <pre>
 * P                                         persistent, JSON cluster data (operator's)
 * P/locks/&lt;name&gt;                            ephemeral, "&lt;fqdn&gt; &lt;pid&gt;"
 * P/queues/&lt;res&gt;/&lt;name&gt;-&lt;seq&gt;                ephemeral sequential, "&lt;fqdn&gt; &lt;pid&gt;"
 * P/semaphores/&lt;res&gt;/lock/acquire-&lt;seq&gt;      ephemeral sequential (the semaphore mutex)
 * P/semaphores/&lt;res&gt;/leases/&lt;n&gt;_&lt;total&gt;_&lt;seq&gt; ephemeral sequential, "&lt;fqdn&gt; &lt;pid&gt;"
 * P/waiters/&lt;name&gt;/waiter-&lt;seq&gt;           ephemeral sequential (extension: lock waiters)
 * P/waiters/&lt;name&gt;/pause-&lt;seq&gt;            ephemeral sequential (extension: a pause waiting)
 * P/locks/&lt;name&gt;                            persistent (extension: an operator's pause, see Pause)
 * </pre>
 */
final class Layout {

  static final int SEQUENCE_DIGITS = 10;

  /** Orders sequential children by their sequence suffix; foreign names sort last. */
  static final Comparator<String> BY_SEQUENCE =
      Comparator.comparingLong(Layout::sequenceOf).thenComparing(Comparator.naturalOrder());

  private final String prefix;

  Layout(String prefix) {
    this.prefix = checkPrefix(prefix);
  }

  /** The prefix rules are {@link Names#checkPrefix}'s. */
  static String checkPrefix(String prefix) {
    return Names.checkPrefix(prefix);
  }

  String prefix() {
    return prefix;
  }

  private String under(String child) {
    return prefix.equals("/") ? "/" + child : prefix + "/" + child;
  }

  String locksDir() {
    return under("locks");
  }

  String lock(String name) {
    return locksDir() + "/" + name;
  }

  String queuesDir() {
    return under("queues");
  }

  String queue(String resource) {
    return queuesDir() + "/" + resource;
  }

  String semaphoresDir() {
    return under("semaphores");
  }

  String semaphoreMutex(String resource) {
    return semaphoresDir() + "/" + resource + "/lock";
  }

  String leases(String resource) {
    return semaphoresDir() + "/" + resource + "/leases";
  }

  String waitersDir() {
    return under("waiters");
  }

  String waiters(String name) {
    return waitersDir() + "/" + name;
  }

  /** The sequence number a sequential node's name ends with, or {@code Long.MAX_VALUE}. */
  static long sequenceOf(String child) {
    int n = child.length();
    if (n < SEQUENCE_DIGITS) {
      return Long.MAX_VALUE;
    }
    long v = 0;
    for (int i = n - SEQUENCE_DIGITS; i < n; i++) {
      char c = child.charAt(i);
      if (c < '0' || c > '9') {
        return Long.MAX_VALUE;
      }
      v = v * 10 + (c - '0');
    }
    return v;
  }

  /** The name part of a queue node {@code <name>-<seq>}, or null if it has no such shape. */
  static @Nullable String queuedName(String child) {
    int n = child.length();
    if (n < SEQUENCE_DIGITS + 2
        || child.charAt(n - SEQUENCE_DIGITS - 1) != '-'
        || sequenceOf(child) == Long.MAX_VALUE) {
      return null;
    }
    return child.substring(0, n - SEQUENCE_DIGITS - 1);
  }

  /**
   * A lease node's name {@code <count>_<total>_<seq>} (digits only) parsed, or null if it has
   * another shape.
   *
   * @param amount the count
   * @param capacity the total
   * @param sequence the sequence number
   */
  record LeaseName(long amount, long capacity, long sequence) {
    static @Nullable LeaseName parse(String child) {
      String[] parts = child.split("_", -1);
      if (parts.length != 3) {
        return null;
      }
      long[] v = new long[3];
      for (int i = 0; i < 3; i++) {
        // Digits only: Long.parseLong would also take a sign ("-3" would add capacity).
        if (parts[i].isEmpty() || !parts[i].chars().allMatch(c -> c >= '0' && c <= '9')) {
          return null;
        }
        try {
          v[i] = Long.parseLong(parts[i]);
        } catch (NumberFormatException e) {
          return null; // too large
        }
      }
      return new LeaseName(v[0], v[1], v[2]);
    }
  }

  static List<String> sorted(List<String> children) {
    children.sort(BY_SEQUENCE);
    return children;
  }
}
