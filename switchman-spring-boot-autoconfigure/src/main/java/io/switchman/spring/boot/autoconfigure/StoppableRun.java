/*
 * Copyright 2026 the switchman authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package io.switchman.spring.boot.autoconfigure;

import io.switchman.core.StopReason;

/** A running guarded call the guard can stop: interrupt a thread, or cancel a subscription. */
interface StoppableRun {

  /** Stops the run, once; called on loss, at maxDuration, and on shutdown. */
  void stop(StopReason reason);

  /** Whether the run has not ended yet. */
  boolean isRunning();

  /** Applies on-stuck if the run has not ended since it was stopped. */
  void checkStuck();
}
