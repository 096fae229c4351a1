/*
 * Copyright 2026 the switchman authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package io.switchman.spring.boot.autoconfigure.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.switchman.core.Acquisition.Outcome;
import io.switchman.core.Grant;
import io.switchman.core.StopReason;
import io.switchman.core.SwitchmanEngine;
import io.switchman.spring.boot.autoconfigure.SwitchmanRunListener;
import java.time.Duration;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * Micrometer meters of switchman. Every meter has the tag {@code name} (the lock name):
 *
 * <ul>
 *   <li>{@code switchman.acquisitions} (counter), tag {@code outcome}: {@code acquired}, {@code
 *       busy}, {@code not-in-group}, {@code timeout}, {@code error};
 *   <li>{@code switchman.wait} (timer), tag {@code outcome}: time from the call to the grant or to
 *       the skip;
 *   <li>{@code switchman.hold} (timer), tag {@code exception} (the simple class name, or {@code
 *       none}): time the grant was held, from its acquisition to its release (after holdAtLeast
 *       when it kept the grant) or its loss;
 *   <li>{@code switchman.losses} (counter), tag {@code reason}: a grant was lost while held ({@code
 *       session-lost}, {@code connection-suspended}, {@code safety-deadline}, ...). A method
 *       stopped at its maxDuration has not lost its grant and is not counted here;
 *   <li>{@code switchman.stops} (counter), tag {@code reason}: a running guarded method was
 *       interrupted: its grant was lost (the loss reasons above), it ran past its {@code
 *       maxDuration} ({@code max-duration}), or the application shut down ({@code shutdown});
 *   <li>{@code switchman.grants.active} (gauge, no tags): grants this instance holds now.
 * </ul>
 */
public final class SwitchmanMetrics implements SwitchmanRunListener {

  private final MeterRegistry registry;

  public SwitchmanMetrics(MeterRegistry registry, SwitchmanEngine engine) {
    this.registry = registry;
    Gauge.builder("switchman.grants.active", engine, e -> e.grants().size())
        .description("Grants this instance holds now")
        .register(registry);
    engine.addLossObserver(g -> g.lossReason().ifPresent(reason -> loss(g.name(), reason.name())));
  }

  @Override
  public void skipped(String name, Outcome outcome, Duration waited, String detail) {
    acquisition(name, outcome.tag(), waited);
  }

  @Override
  public Run started(String name, Grant grant, Duration waited) {
    acquisition(name, Outcome.ACQUIRED.tag(), waited);
    return new Run() {
      private volatile String exception = "none";

      @Override
      public void finished(Duration ran, @Nullable Throwable error) {
        exception = exception(error);
      }

      @Override
      public void released(Duration held) {
        Timer.builder("switchman.hold")
            .description("Time a grant was held, from its acquisition to its release or loss")
            .tag("name", name)
            .tag("exception", exception)
            .register(registry)
            .record(held);
      }
    };
  }

  @Override
  public void stopping(String name, StopReason reason) {
    Counter.builder("switchman.stops")
        .description(
            "Guarded methods interrupted: grant lost, maxDuration passed, or application shutdown")
        .tag("name", name)
        .tag("reason", tag(reason.name()))
        .register(registry)
        .increment();
  }

  private void acquisition(String name, String outcome, Duration waited) {
    Counter.builder("switchman.acquisitions")
        .description("Calls of guarded methods, by outcome of acquiring their grant")
        .tag("name", name)
        .tag("outcome", outcome)
        .register(registry)
        .increment();
    Timer.builder("switchman.wait")
        .description("Time from the call of a guarded method to its grant or its skip")
        .tag("name", name)
        .tag("outcome", outcome)
        .register(registry)
        .record(waited);
  }

  private void loss(String name, String reason) {
    Counter.builder("switchman.losses")
        .description("Grants lost while held")
        .tag("name", name)
        .tag("reason", tag(reason))
        .register(registry)
        .increment();
  }

  /** The tag value of a reason: {@code SESSION_LOST} is {@code session-lost}. */
  private static String tag(String reason) {
    return reason.toLowerCase(Locale.ROOT).replace('_', '-');
  }

  private static String exception(@Nullable Throwable error) {
    return error == null ? "none" : error.getClass().getSimpleName();
  }
}
