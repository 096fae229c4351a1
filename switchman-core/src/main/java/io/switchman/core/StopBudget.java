/*
 * Copyright 2026 the switchman authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package io.switchman.core;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * The one stop-budget rule against the negotiated session timeout S, used by the engine and both
 * adapters.
 *
 * <p>The <b>stop budget</b> is the time a grant's safety deadline reserves before the earliest
 * moment the server may expire the session: the holder's <b>stop time</b> (Spring's {@code
 * stop-timeout}, the CLI's {@code termination_timeout}) plus a <b>margin</b> of S/10, at least 100
 * ms and at most 500 ms (for the last messages and the clock's granularity). The budget fits when
 * it is at most S/4 on an ensemble of several servers: a grant's first safety deadline is only S/2
 * - budget after its create (until the leader is known to have heard of a later request, see
 * docs/design.md, "The safety deadline as the leader sees it"), and its first refresh needs S/6
 * plus a few round trips of that. On a single server (standalone, which answers every request
 * itself) the deadline is the last refresh's send time + S - budget, and the budget fits at most
 * S/2.
 *
 * <p>An adapter that enforces the stop itself (the CLI sends SIGKILL) may use {@link #capped()}:
 * the stop time shortened so the budget fits. One that cannot force a stop (a Spring method is only
 * interrupted) keeps the full budget and warns when it does not fit.
 *
 * @param sessionTimeout S: the negotiated session timeout (or, before connecting, the one asked
 *     for)
 * @param stopTime the time the holder needs to stop once told of a loss
 * @param singleServer whether the ensemble is a single server (the budget may then take S/2)
 */
public record StopBudget(Duration sessionTimeout, Duration stopTime, boolean singleServer) {

  /** The least margin, and the least stop time {@link #capped()} leaves. */
  public static final Duration MIN_MARGIN = Duration.ofMillis(100);

  /** The greatest margin. */
  public static final Duration MAX_MARGIN = Duration.ofMillis(500);

  /** The rule of an ensemble of several servers (or of one not known yet): S/4. */
  public StopBudget(Duration sessionTimeout, Duration stopTime) {
    this(sessionTimeout, stopTime, false);
  }

  public StopBudget {
    Objects.requireNonNull(sessionTimeout, "sessionTimeout");
    Objects.requireNonNull(stopTime, "stopTime");
    if (sessionTimeout.isNegative() || sessionTimeout.isZero()) {
      throw SwitchmanException.invalid(
          "Invalid session timeout " + sessionTimeout + ": must be positive");
    }
    if (stopTime.isNegative()) {
      throw SwitchmanException.invalid("Invalid stop time " + stopTime + ": must not be negative");
    }
  }

  /** The rule for a session timeout and a stop time in milliseconds (several servers: S/4). */
  public static StopBudget of(long sessionTimeoutMs, Duration stopTime) {
    return new StopBudget(Duration.ofMillis(sessionTimeoutMs), stopTime);
  }

  /** The rule for a session timeout in milliseconds, a stop time and the kind of ensemble. */
  public static StopBudget of(long sessionTimeoutMs, Duration stopTime, boolean singleServer) {
    return new StopBudget(Duration.ofMillis(sessionTimeoutMs), stopTime, singleServer);
  }

  /** The margin for a session timeout S: S/10, at least 100 ms, at most 500 ms. */
  public static Duration margin(Duration sessionTimeout) {
    long ms = sessionTimeout.toMillis() / 10;
    return Duration.ofMillis(Math.max(MIN_MARGIN.toMillis(), Math.min(MAX_MARGIN.toMillis(), ms)));
  }

  /** The largest part of S a stop budget may take on an ensemble of several servers: a quarter. */
  public static final int FIT_DIVISOR = 4;

  /** The largest part of S a stop budget may take on a single server: a half. */
  public static final int SINGLE_SERVER_FIT_DIVISOR = 2;

  /** Whether a full stop budget fits S on an ensemble of several servers: at most S/4. */
  public static boolean fits(Duration budget, Duration sessionTimeout) {
    return fits(budget, sessionTimeout, false);
  }

  /** Whether a full stop budget fits S: at most S/4, or S/2 on a single server. */
  public static boolean fits(Duration budget, Duration sessionTimeout, boolean singleServer) {
    return budget.toMillis() * divisor(singleServer) <= sessionTimeout.toMillis();
  }

  private static int divisor(boolean singleServer) {
    return singleServer ? SINGLE_SERVER_FIT_DIVISOR : FIT_DIVISOR;
  }

  /** The largest part of S this rule's budget may take: 4 (a quarter) or 2 on a single server. */
  public int fitDivisor() {
    return divisor(singleServer);
  }

  /** This rule's margin. */
  public Duration margin() {
    return margin(sessionTimeout);
  }

  /**
   * The stop budget: stop time plus margin; what {@link SwitchmanEngine.Builder#stopBudget} takes.
   */
  public Duration budget() {
    return stopTime.plus(margin());
  }

  /** Whether the budget fits S (at most S/4, or S/2 on a single server). */
  public boolean fits() {
    return fits(budget(), sessionTimeout, singleServer);
  }

  /** The longest stop time that fits S: S/4 (S/2) minus the margin, at least 100 ms. */
  public Duration maxStopTime() {
    long ms = sessionTimeout.toMillis() / fitDivisor() - margin().toMillis();
    return Duration.ofMillis(Math.max(MIN_MARGIN.toMillis(), ms));
  }

  /** This rule with the stop time shortened to {@link #maxStopTime()} when it does not fit. */
  public StopBudget capped() {
    Duration max = maxStopTime();
    return stopTime.compareTo(max) <= 0 ? this : new StopBudget(sessionTimeout, max, singleServer);
  }

  /** The least session timeout, in steps of 100 ms, that this stop time fits. */
  public Duration minimumSessionTimeout() {
    long needed = Math.max(100, fitDivisor() * stopTime.toMillis());
    while (of(needed, stopTime, singleServer).maxStopTime().compareTo(stopTime) < 0) {
      needed += 100;
    }
    return Duration.ofMillis(needed);
  }

  /**
   * The engine's warning when a stop budget does not fit the negotiated session timeout on an
   * ensemble of several servers, or empty.
   */
  public static Optional<String> warning(Duration budget, Duration sessionTimeout) {
    return warning(budget, sessionTimeout, false);
  }

  /**
   * The engine's warning when a stop budget does not fit the negotiated session timeout, or empty.
   */
  public static Optional<String> warning(
      Duration budget, Duration sessionTimeout, boolean singleServer) {
    if (fits(budget, sessionTimeout, singleServer)) {
      return Optional.empty();
    }
    long s = sessionTimeout.toMillis();
    int d = divisor(singleServer);
    return Optional.of(
        String.format(
            "The stop budget of %d ms does not fit the negotiated session timeout of %d ms:"
                + " at most %d ms (S/%d%s) leaves room for the safety deadline's refreshes, so"
                + " grants will be declared lost early or at once. Lower the stop timeout or"
                + " raise the session timeout.",
            budget.toMillis(), s, s / d, d, singleServer ? " on a single server" : ""));
  }
}
