/*
 * Copyright 2026 the switchman authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package io.switchman.spring.boot.autoconfigure;

import io.switchman.core.Grant;
import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * Told what happens to each call of a guarded method; every bean of this type is called, in order.
 * Used for metrics and observations. Implementations must be quick and thread-safe; an exception
 * they throw is logged and ignored, it never breaks the guarded method.
 */
public interface SwitchmanRunListener {

  /**
   * The call did not run.
   *
   * @param name the request's name (the lock name)
   * @param outcome why
   * @param waited how long the request waited before it was skipped
   * @param detail a sentence saying why, as logged
   */
  default void skipped(String name, SkipReason outcome, Duration waited, String detail) {}

  /**
   * The grant was acquired and the method is about to run on the current thread.
   *
   * @param name the request's name
   * @param grant the grant it runs under
   * @param waited how long acquiring took
   * @return told when the method has returned, on the same thread
   */
  default Run started(String name, Grant grant, Duration waited) {
    return Run.NONE;
  }

  /**
   * The grant was acquired for a run that goes on on other threads than this one: a returned {@code
   * Publisher} while it is subscribed, or a returned {@code CompletableFuture} until it completes.
   * Thread-bound state (an observation scope, an MDC entry) must not be opened here. Calls {@link
   * #started} by default.
   *
   * @param name the request's name
   * @param grant the grant it runs under
   * @param waited how long acquiring took
   * @return told when the run has ended, on any thread
   */
  default Run startedDetached(String name, Grant grant, Duration waited) {
    return started(name, grant, waited);
  }

  /**
   * A running method is being stopped: its grant was lost, or it ran longer than its maxDuration.
   *
   * @param name the request's name
   * @param reason a {@link io.switchman.core.LossReason} name, or {@code MAX_DURATION}
   */
  default void stopping(String name, String reason) {}

  /** Why a guarded call was skipped. */
  enum SkipReason {
    /** The lock is held by someone else (or a request of the same name is queued). */
    BUSY("busy"),
    /** This host is not in the lock's group. */
    NOT_IN_GROUP("not-in-group"),
    /** The lock or lease wait ran out. */
    TIMEOUT("timeout"),
    /** ZooKeeper was unreachable, the cluster data was invalid, or the request was refused. */
    ERROR("error");

    private final String tag;

    SkipReason(String tag) {
      this.tag = tag;
    }

    /** The value of the {@code outcome} tag of the {@code switchman.acquisitions} meter. */
    public String tag() {
      return tag;
    }
  }

  /** One running call, told when it has returned. */
  @FunctionalInterface
  interface Run {

    /** Does nothing. */
    Run NONE = (held, error) -> {};

    /**
     * The method has returned (the grant may be kept a little longer for holdAtLeast).
     *
     * @param ran how long the method ran
     * @param error what it threw, or null
     */
    void finished(Duration ran, @Nullable Throwable error);
  }
}
