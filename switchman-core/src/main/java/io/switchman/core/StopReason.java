/*
 * Copyright 2026 the switchman authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package io.switchman.core;

/**
 * Why a running job is being stopped: one of the {@link LossReason}s (the grant may no longer be
 * held), or a stop that is not a loss ({@link #MAX_DURATION}, {@link #SHUTDOWN}). Adapters report
 * stops with it (logs, metrics tags, listeners) instead of strings.
 */
public enum StopReason {
  /** See {@link LossReason#SAFETY_DEADLINE}. */
  SAFETY_DEADLINE,
  /** See {@link LossReason#CONNECTION_SUSPENDED}. */
  CONNECTION_SUSPENDED,
  /** See {@link LossReason#SESSION_LOST}. */
  SESSION_LOST,
  /** See {@link LossReason#NODE_DELETED}. */
  NODE_DELETED,
  /** See {@link LossReason#NODE_CHANGED}. */
  NODE_CHANGED,
  /** See {@link LossReason#LEFT_GROUP}. */
  LEFT_GROUP,
  /** See {@link LossReason#CLUSTER_DATA_INVALID}. */
  CLUSTER_DATA_INVALID,
  /** See {@link LossReason#ENGINE_CLOSED}. */
  ENGINE_CLOSED,
  /** The job ran longer than its maximum duration; the grant is still held (not a loss). */
  MAX_DURATION,
  /** The application or command is shutting down (a signal); not a loss. */
  SHUTDOWN;

  /** The stop reason of a loss. */
  public static StopReason of(LossReason reason) {
    return valueOf(reason.name());
  }

  /** Whether this stop is a loss of the grant (then {@link #lossReason()} is defined). */
  public boolean isLoss() {
    return this != MAX_DURATION && this != SHUTDOWN;
  }

  /**
   * The loss reason of this stop.
   *
   * @throws IllegalStateException for {@link #MAX_DURATION} and {@link #SHUTDOWN}
   */
  public LossReason lossReason() {
    if (!isLoss()) {
      throw new IllegalStateException(this + " is not a loss");
    }
    return LossReason.valueOf(name());
  }
}
