/*
 * Copyright 2026 the switchman authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package io.switchman.verification.spring;

import io.switchman.core.StopReason;
import io.switchman.spring.boot.autoconfigure.SwitchmanRunListener;
import java.util.concurrent.TimeUnit;
import org.springframework.stereotype.Component;

/**
 * A loss listener as a user might write one (a metrics push, an alert over HTTP): while the soak's
 * {@link FaultControl} says {@code slow-listener}, {@link #stopping} takes 3 s. The starter must
 * still stop every other lost grant's method in time.
 */
@Component
public class SlowLossListener implements SwitchmanRunListener {

  private final FaultControl control;

  public SlowLossListener(FaultControl control) {
    this.control = control;
  }

  @Override
  public void stopping(String name, StopReason reason) {
    if (!control.slowListener()) {
      return;
    }
    control.note("listener-slow", "name", name, "reason", reason, "ms", 3000);
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
    // Slow for 3 s whatever happens, as a blocking HTTP call would be.
    for (long left = end - System.nanoTime(); left > 0; left = end - System.nanoTime()) {
      try {
        TimeUnit.NANOSECONDS.sleep(left);
      } catch (InterruptedException e) {
        // keeps sleeping
      }
    }
    control.note("listener-returned", "name", name);
  }
}
