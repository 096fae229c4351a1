/*
 * Copyright 2026 the switchman authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package io.switchman.core;

import io.switchman.core.internal.Durations;
import java.time.Duration;
import java.util.Objects;

/**
 * What {@link SwitchmanOperations#pause} does when a running job holds the lock.
 *
 * @param kind refuse, abort the running job, or wait for it to end
 * @param maxWait with {@link Kind#WAIT}: how long to wait for the run to end; else zero
 */
public record PauseMode(Kind kind, Duration maxWait) {

  /** What to do with a running job. */
  public enum Kind {
    /** Refuse ({@link SwitchmanException.Kind#LOCK_HELD}), naming the holder. */
    FAIL_IF_HELD,
    /**
     * Replace the holder's node by the pause node in one transaction: nobody can take the lock in
     * between, and the holder sees its node gone and stops.
     */
    ABORT,
    /**
     * Take the pause as soon as the current run ends, in arrival order with the requests waiting
     * for the lock ({@code P/waiters/<name>}); refuse ({@code LOCK_HELD}) if it is still held after
     * the wait.
     */
    WAIT
  }

  /** Refuse to pause a lock a running job holds. */
  public static final PauseMode FAIL_IF_HELD = new PauseMode(Kind.FAIL_IF_HELD, Duration.ZERO);

  /** Abort the running job: its node is replaced by the pause node atomically. */
  public static final PauseMode ABORT = new PauseMode(Kind.ABORT, Duration.ZERO);

  public PauseMode {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(maxWait, "maxWait");
    if (kind == Kind.WAIT ? maxWait.isNegative() || maxWait.isZero() : !maxWait.isZero()) {
      throw SwitchmanException.invalid(
          "Invalid pause wait "
              + Durations.format(maxWait)
              + (kind == Kind.WAIT ? ": must be positive" : ": only a WAIT pause waits"));
    }
  }

  /** Wait up to {@code maxWait} for the current run to end, then pause. */
  public static PauseMode waitFor(Duration maxWait) {
    return new PauseMode(Kind.WAIT, maxWait);
  }
}
