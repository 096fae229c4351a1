/*
 * Copyright 2026 the switchman authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package io.switchman.verification;

/** The faults the schedule injects, one at a time. */
public enum FaultKind {
  /** The holder's proxy drops everything for longer than S: its session expires. */
  PARTITION_HOLDER,
  /** A worker that waits for the lock is partitioned for longer than S. */
  PARTITION_WAITER,
  /** The holder's process gets {@code kill -9}; it is started again. */
  KILL_HOLDER,
  /** The holder's process is frozen with {@code SIGSTOP} for longer than S, then resumed. */
  PAUSE_HOLDER,
  /** A follower server is killed, then restarted (a standalone server: the server). */
  KILL_FOLLOWER,
  /** The leader is killed, then restarted. */
  KILL_LEADER,
  /** Every server is killed, then all are started again. */
  RESTART_ENSEMBLE,
  /** Every worker's proxy delays each chunk for a while. */
  SLOW_NETWORK
}
