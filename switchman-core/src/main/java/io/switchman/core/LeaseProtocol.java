/*
 * Copyright 2026 the switchman authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package io.switchman.core;

import io.switchman.core.Grant.HeldLease;
import java.util.List;
import org.apache.zookeeper.KeeperException;
import org.jspecify.annotations.Nullable;

/**
 * What {@link Acquirer} needs of a lease protocol ({@link LeaseQueue}, {@link PreviousLeaseQueue}).
 */
interface LeaseProtocol {
  /** Takes every lease; null when all are held, else why the request is skipped. */
  @Nullable Acquisition take() throws KeeperException, InterruptedException;

  /** The leases taken, in order. */
  List<HeldLease> held();

  /** When the request for the last lease node was sent (its reply proved the session alive). */
  long lastProofNanos();

  /** Forgets the leases (abandoned, or handed to a grant). */
  void clear();
}
