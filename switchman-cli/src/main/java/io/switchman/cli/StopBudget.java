/*
 * Copyright 2026 the switchman authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package io.switchman.cli;

import io.switchman.core.internal.Durations;
import java.time.Duration;
import java.util.Optional;

/**
 * The core's stop-budget rule ({@link io.switchman.core.StopBudget}) applied to {@code
 * termination_timeout}, the CLI's stop time. On loss the command gets SIGTERM at the safety
 * deadline and SIGKILL {@link #killDelayMs} later, which must land a margin before S has passed
 * since the leader's last known contact with the session. The CLI enforces the stop (SIGKILL), so
 * it caps the stop time to what fits S ({@link io.switchman.core.StopBudget#capped()}: at most S/4
 * less the margin, since every run is a fresh session whose first deadline is only S/2 - stop
 * budget after the create) and warns when {@code termination_timeout} is longer. With the defaults
 * (S = 10 s, termination_timeout 10 s) the stop time on loss is 2 s.
 *
 * @param sessionTimeoutMs the negotiated session timeout S
 * @param terminationTimeoutMs the configured stop time, {@code termination_timeout}
 * @param killDelayMs the stop time on loss: the time between SIGTERM and SIGKILL
 * @param marginMs the time left between SIGKILL and the earliest expiry of the session
 */
record StopBudget(
    long sessionTimeoutMs,
    long terminationTimeoutMs,
    long killDelayMs,
    long marginMs,
    boolean singleServer) {

  /** The rule on an ensemble of several servers (S/4). */
  static StopBudget of(long sessionTimeoutMs, Duration terminationTimeout) {
    return of(sessionTimeoutMs, terminationTimeout, false);
  }

  /** The rule on an ensemble of several servers (S/4) or on a single server (S/2). */
  static StopBudget of(long sessionTimeoutMs, Duration terminationTimeout, boolean singleServer) {
    io.switchman.core.StopBudget capped =
        rule(sessionTimeoutMs, terminationTimeout, singleServer).capped();
    return new StopBudget(
        sessionTimeoutMs,
        terminationTimeout.toMillis(),
        capped.stopTime().toMillis(),
        capped.margin().toMillis(),
        singleServer);
  }

  private static io.switchman.core.StopBudget rule(
      long sessionTimeoutMs, Duration stopTime, boolean singleServer) {
    return io.switchman.core.StopBudget.of(sessionTimeoutMs, stopTime, singleServer);
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
    Duration terminationTimeout = Duration.ofMillis(terminationTimeoutMs);
    long needed =
        rule(sessionTimeoutMs, terminationTimeout, singleServer).minimumSessionTimeout().toMillis();
    return Optional.of(
        String.format(
            "termination_timeout %s does not fit the stop budget of the negotiated session"
                + " timeout of %d ms: if the lock is lost, the command gets SIGKILL %d ms after"
                + " SIGTERM (not %s), so that it is gone before the session can expire; raise"
                + " session_timeout to at least %d ms (the server may cap it) or lower"
                + " termination_timeout to keep the full time",
            Durations.format(terminationTimeout),
            sessionTimeoutMs,
            killDelayMs,
            Durations.format(terminationTimeout),
            needed));
  }
}
