/*
 * Copyright 2026 the switchman authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package io.switchman.core;

import io.switchman.core.internal.Durations;
import java.time.Duration;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A request that cannot be served, with a message that names the offending value and what is
 * allowed. {@link #kind()} tells callers (metrics, exit codes) which failure it is without parsing
 * the message.
 */
public class SwitchmanException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  /** What went wrong; each kind is a distinct failure a caller may react to. */
  public enum Kind {
    /** A name, amount, expression or duration is not valid. */
    INVALID_ARGUMENT,
    /** A leased resource is not listed in the {@code resources} of the prefix znode's data. */
    UNKNOWN_RESOURCE,
    /** The requested group is not defined in the prefix znode's data. */
    UNKNOWN_GROUP,
    /** A lease asks for more units than the resource's capacity. */
    AMOUNT_ABOVE_CAPACITY,
    /**
     * Lease nodes of one resource disagree on its capacity, or one cannot be counted (its name is
     * not {@code <count>_<total>_<sequence>}): "Totals mismatch".
     */
    TOTALS_MISMATCH,
    /** No capacity was given for a resource, and the prefix znode's data names none. */
    CAPACITY_UNKNOWN,
    /** The prefix znode's data is not valid JSON of the expected shape. */
    INVALID_CLUSTER_DATA,
    /** ZooKeeper could not be reached, or the session ended while the request was served. */
    UNAVAILABLE,
    /** The engine is closed. */
    CLOSED,
    /** {@link Grant#ensureHeld()}: the grant was lost or released before the job started. */
    GRANT_LOST,
    /**
     * An operator's action refused because a running job holds the lock: pause (without abort, or
     * its wait ran out), resume (it deletes only a pause node). The message names the holder.
     */
    LOCK_HELD,
    /**
     * An operator's action refused because the lock is paused: pause again, abort (no job runs).
     * The message names who paused it, since when and why.
     */
    LOCK_PAUSED,
    /** An operator's action refused because nothing is at the lock: resume, abort. */
    LOCK_FREE
  }

  private final Kind kind;

  public SwitchmanException(Kind kind, String message) {
    super(message);
    this.kind = Objects.requireNonNull(kind);
  }

  public SwitchmanException(Kind kind, String message, @Nullable Throwable cause) {
    super(message, cause);
    this.kind = Objects.requireNonNull(kind);
  }

  /** Which failure this is. */
  public Kind kind() {
    return kind;
  }

  /**
   * The one "unreachable" failure: {@code ZooKeeper at <connect string> is unreachable: no
   * connection within <waited>}.
   */
  public static SwitchmanException unreachable(String connectString, Duration waited) {
    return new SwitchmanException(Kind.UNAVAILABLE, unreachableMessage(connectString, waited));
  }

  /** The message of {@link #unreachable}, for adapters that log it with their own ending. */
  public static String unreachableMessage(String connectString, Duration waited) {
    return unreachableMessage(connectString, "no connection within " + Durations.format(waited));
  }

  /**
   * The message of {@link #unreachable} with another reason than the wait, e.g. {@code every server
   * refused the connection}.
   */
  public static String unreachableMessage(String connectString, String why) {
    return "ZooKeeper at " + connectString + " is unreachable: " + why;
  }

  static SwitchmanException invalid(String message) {
    return new SwitchmanException(Kind.INVALID_ARGUMENT, message);
  }
}
