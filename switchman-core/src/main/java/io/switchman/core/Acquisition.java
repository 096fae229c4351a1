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

  /**
   * How a request ended; also why an adapter skipped a guarded job ({@link #ERROR} for failures
   * {@link SwitchmanEngine#acquire} throws). {@link #tag()} is the value of the metrics' {@code
   * outcome} tag.
   */
  public enum Outcome {
    /** Everything requested is held. */
    ACQUIRED("acquired"),
    /**
     * The lock is held by someone else, appeared while waiting for leases, or a request of the same
     * name is already queued for a resource.
     */
    BUSY("busy"),
    /**
     * The lock is paused by an operator (a persistent node at {@code P/locks/<name>}, see {@link
     * Pause}); the detail names who paused it, since when and why. Requests waiting for the lock
     * are skipped so too when it is paused.
     */
    PAUSED("paused"),
    /** This host is not a member of the requested group. */
    NOT_IN_GROUP("not-in-group"),
    /** The lock was still held when the request's lock wait ran out. */
    TIMEOUT("timeout"),
    /**
     * The leases were not granted within the request's lease wait (switchman's {@code
     * resources_wait_timeout}); every queue was left. Switchman fails the job then (the CLI exits
     * 255), while a lock wait that runs out ({@link #TIMEOUT}) skips it.
     */
    LEASE_TIMEOUT("timeout"),
    /**
     * Never returned by the engine: the outcome adapters report when {@link
     * SwitchmanEngine#acquire} threw (ZooKeeper unreachable, invalid request or cluster data).
     */
    ERROR("error");

    private final String tag;

    Outcome(String tag) {
      this.tag = tag;
    }

    /** The value of the {@code outcome} tag of the {@code switchman.acquisitions} meter. */
    public String tag() {
      return tag;
    }

    /** Whether a wait (for the lock or the leases) ran out. */
    public boolean isTimeout() {
      return this == TIMEOUT || this == LEASE_TIMEOUT;
    }
  }

  public Acquisition {
    Objects.requireNonNull(outcome);
    if (outcome == Outcome.ERROR) {
      throw new IllegalArgumentException("the engine reports errors as SwitchmanException");
    }
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
