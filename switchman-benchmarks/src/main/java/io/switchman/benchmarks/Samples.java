/*
 * Copyright 2026 the switchman authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package io.switchman.benchmarks;

import java.util.Arrays;

/** Latency samples in nanoseconds, with nearest-rank percentiles. Not thread-safe. */
final class Samples {

  private long[] values;
  private int size;

  Samples(int capacity) {
    this.values = new long[Math.max(16, capacity)];
  }

  void add(long nanos) {
    if (size == values.length) {
      values = Arrays.copyOf(values, size * 2);
    }
    values[size++] = nanos;
  }

  void addAll(Samples other) {
    for (int i = 0; i < other.size; i++) {
      add(other.values[i]);
    }
  }

  int size() {
    return size;
  }

  /** The p-th percentile (0 &lt; p &lt;= 100), nearest rank, in nanoseconds; 0 when empty. */
  long percentile(double p) {
    if (size == 0) {
      return 0;
    }
    long[] sorted = Arrays.copyOf(values, size);
    Arrays.sort(sorted);
    int rank = (int) Math.ceil(p / 100.0 * size);
    return sorted[Math.max(0, Math.min(size - 1, rank - 1))];
  }

  long p50() {
    return percentile(50);
  }

  long p99() {
    return percentile(99);
  }

  long max() {
    return percentile(100);
  }

  static String ms(long nanos) {
    return String.format(java.util.Locale.ROOT, "%.3f", nanos / 1e6);
  }

  static String ms1(long nanos) {
    return String.format(java.util.Locale.ROOT, "%.1f", nanos / 1e6);
  }

  static String ratio(double r) {
    return String.format(java.util.Locale.ROOT, "%.2fx", r);
  }
}
