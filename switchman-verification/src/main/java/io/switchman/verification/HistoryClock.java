/*
 * Copyright 2026 the switchman authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package io.switchman.verification;

import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The clock every history shares: the host's wall clock in microseconds since the epoch.
 *
 * <p>{@link System#nanoTime()} cannot be compared between JVMs (each has its own origin), so the
 * histories of several processes use the wall clock instead. Every process of a run lives on one
 * host and reads the same kernel clock, so their stamps are comparable to the microsecond. Within a
 * process the stamps never go backwards (a step of the wall clock is absorbed); across processes a
 * step would show, so the suite is not run while the clock is being stepped.
 */
public final class HistoryClock {

  private static final AtomicLong LAST = new AtomicLong();

  private HistoryClock() {}

  /** Now, in microseconds since the epoch, never less than a previous value of this process. */
  public static long nowMicros() {
    Instant now = Instant.now();
    long micros = now.getEpochSecond() * 1_000_000L + now.getNano() / 1_000;
    return LAST.accumulateAndGet(micros, Math::max);
  }
}
