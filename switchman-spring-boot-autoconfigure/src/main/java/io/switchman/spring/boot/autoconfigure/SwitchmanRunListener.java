/*
 * Copyright 2026 the switchman authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package io.switchman.spring.boot.autoconfigure;

import io.switchman.core.Acquisition.Outcome;
import io.switchman.core.Grant;
import io.switchman.core.StopReason;
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
   * @param outcome why: {@link Outcome#BUSY}, {@link Outcome#NOT_IN_GROUP}, {@link Outcome#TIMEOUT}
   *     (the lock wait ran out), {@link Outcome#LEASE_TIMEOUT} (the lease wait ran out) or {@link
   *     Outcome#ERROR} (ZooKeeper unreachable, invalid cluster data, request refused, shutting
   *     down); its {@link Outcome#tag()} is the metrics' {@code outcome} tag
   * @param waited how long the request waited before it was skipped
   * @param detail a sentence saying why, as logged
   */
  default void skipped(String name, Outcome outcome, Duration waited, String detail) {}

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
   * A running method is being stopped (interrupted; a Publisher, a suspend function or a future
   * cancelled): its grant was lost, it ran longer than its maxDuration, or the application is
   * shutting down. Told on the guard's listener thread ({@code switchman-guard-listeners}) after
   * the interrupt, so that a slow listener delays no stop; it may therefore come after {@link
   * Run#finished} of the same run.
   *
   * @param name the request's name
   * @param reason why; {@link StopReason#isLoss()} tells a lost grant from a maxDuration or
   *     shutdown stop
   */
  default void stopping(String name, StopReason reason) {}

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

    /**
     * The grant is released (after {@link #finished}, and after holdAtLeast when the grant was kept
     * for it), possibly on another thread.
     *
     * @param held how long the grant was held: from its acquisition to its release, or to its loss
     *     when it was lost first
     */
    default void released(Duration held) {}
  }
}
