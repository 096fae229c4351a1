/*
 * Copyright 2026 the switchman authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package io.switchman.core;

/**
 * Why a grant may no longer be held. Each is signalled once, as soon as it is known, and always
 * before the ZooKeeper server can hand the lock or lease to another session (except {@link
 * #SESSION_LOST}, which reports that this already happened).
 */
public enum LossReason {
  /**
   * The safety deadline passed: no reply from ZooKeeper proved the session alive recently enough to
   * be sure it outlives the time needed to stop the job.
   */
  SAFETY_DEADLINE,
  /** The connection to ZooKeeper was suspended (no answer for about two thirds of the session). */
  CONNECTION_SUSPENDED,
  /** The session expired or was closed; the nodes are gone or about to go. */
  SESSION_LOST,
  /** A node of the grant was deleted by someone else. */
  NODE_DELETED,
  /** A node of the grant was changed or replaced by someone else. */
  NODE_CHANGED,
  /** This host was removed from the grant's group. */
  LEFT_GROUP,
  /** The prefix znode's data became invalid while the grant needed it (group check). */
  CLUSTER_DATA_INVALID,
  /** The engine was closed while the grant was held (application shutdown). */
  ENGINE_CLOSED
}
