/*
 * Copyright 2026 the switchman authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package io.switchman.core;

import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The answer to a {@link GrantRequest}: a grant, or why the job must be skipped. Failures that are
 * errors rather than skips (unknown resource, ZooKeeper unreachable, ...) are thrown as {@link
 * SwitchmanException} instead.
 *
 * @param outcome what happened
 * @param grant the grant when {@code outcome} is {@link Outcome#ACQUIRED}, else null
 * @param detail a sentence for logs saying why the job was skipped (or what was granted)
 */
public record Acquisition(Outcome outcome, @Nullable Grant grant, String detail) {

  /** How a request ended. */
  public enum Outcome {
    /** Everything requested is held. */
    ACQUIRED,
    /**
     * The lock is held by someone else, appeared while waiting for leases, or a request of the same
     * name is already queued for a resource.
     */
    BUSY,
    /** This host is not a member of the requested group. */
    NOT_IN_GROUP,
    /** The lock was still held when the request's lock wait ran out. */
    TIMEOUT
  }

  public Acquisition {
    Objects.requireNonNull(outcome);
    if ((outcome == Outcome.ACQUIRED) != (grant != null)) {
      throw new IllegalArgumentException("a grant comes with ACQUIRED and only then");
    }
  }

  static Acquisition skipped(Outcome outcome, String detail) {
    return new Acquisition(outcome, null, detail);
  }

  /** Whether the job may run. */
  public boolean acquired() {
    return grant != null;
  }

  /** The grant, if acquired. */
  public Optional<Grant> grantIfAcquired() {
    return Optional.ofNullable(grant);
  }
}
