/*
 * Copyright 2026 the switchman authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package io.switchman.spring.boot.autoconfigure;

import io.switchman.core.StopReason;

/**
 * The error a subscriber of a guarded {@code Publisher}, or a caller waiting on a guarded {@code
 * CompletableFuture}, gets when the guard cancelled the run: its grant was lost, it ran longer than
 * its {@code maxDuration}, or the application is shutting down. The message names the method, the
 * lock and the reason.
 */
public final class SwitchmanStoppedException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  private final String lockName;
  private final StopReason reason;
  private final long fencingToken;

  SwitchmanStoppedException(String message, String lockName, StopReason reason, long fencingToken) {
    super(message);
    this.lockName = lockName;
    this.reason = reason;
    this.fencingToken = fencingToken;
  }

  /** The lock name (the request's name) of the grant the run held. */
  public String lockName() {
    return lockName;
  }

  /** Why the run was stopped: a loss ({@link StopReason#isLoss()}), maxDuration or shutdown. */
  public StopReason reason() {
    return reason;
  }

  /** The fencing token of the grant the run held. */
  public long fencingToken() {
    return fencingToken;
  }
}
