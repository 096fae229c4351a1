/*
 * Copyright 2026 the switchman authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package io.switchman.cli;

import io.switchman.core.Durations;
import java.time.Duration;
import java.util.Optional;

/**
 * How the termination timeout fits the negotiated session timeout S. On loss the command gets
 * SIGTERM at the safety deadline and SIGKILL {@link #killDelayMs} later, which must land a margin
 * before S has passed since the last proof of the session: the engine's stop budget is therefore
 * {@code killDelay + margin}, and at most S/2 (the rest is needed to refresh the deadline). When
 * {@code termination_timeout} is longer than that, SIGKILL comes earlier on loss, with a warning.
 *
 * @param sessionTimeoutMs the negotiated session timeout S
 * @param terminationTimeoutMs the configured time between SIGTERM and SIGKILL
 * @param killDelayMs the time between SIGTERM and SIGKILL on loss
 * @param marginMs the time left between SIGKILL and the earliest expiry of the session
 */
record StopBudget(
    long sessionTimeoutMs, long terminationTimeoutMs, long killDelayMs, long marginMs) {

  static StopBudget of(long sessionTimeoutMs, Duration terminationTimeout) {
    long margin = Math.max(100, Math.min(500, sessionTimeoutMs / 10));
    long cap = Math.max(100, sessionTimeoutMs / 2 - margin);
    long kill = Math.min(terminationTimeout.toMillis(), cap);
    return new StopBudget(sessionTimeoutMs, terminationTimeout.toMillis(), kill, margin);
  }

  /** The engine's stop budget: SIGTERM at the safety deadline leaves this much until expiry. */
  Duration stopBudget() {
    return Duration.ofMillis(killDelayMs + marginMs);
  }

  /** A warning when termination_timeout does not fit. */
  Optional<String> warning() {
    if (terminationTimeoutMs <= killDelayMs) {
      return Optional.empty();
    }
    long needed = 2 * terminationTimeoutMs;
    while (of(needed, Duration.ofMillis(terminationTimeoutMs)).killDelayMs < terminationTimeoutMs) {
      needed += 100;
    }
    return Optional.of(
        String.format(
            "termination_timeout %s does not fit the safety budget of the negotiated session"
                + " timeout of %d ms: if the lock is lost, the command gets SIGKILL %d ms after"
                + " SIGTERM (not %s), so that it is gone before the session can expire; raise"
                + " session_timeout to at least %d ms (the server may cap it) or lower"
                + " termination_timeout to keep the full time",
            Durations.format(Duration.ofMillis(terminationTimeoutMs)),
            sessionTimeoutMs,
            killDelayMs,
            Durations.format(Duration.ofMillis(terminationTimeoutMs)),
            needed));
  }
}
