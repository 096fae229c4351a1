/*
 * Copyright 2026 the switchman authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package io.switchman.spring.boot.autoconfigure;

import io.switchman.core.Grant;
import io.switchman.core.StopReason;
import io.switchman.core.internal.Durations;
import io.switchman.spring.boot.autoconfigure.SwitchmanProperties.OnStuck;
import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One running call of a guarded method: the thread to interrupt when the grant is lost or the
 * maxDuration passes, whether the guard interrupted it, and the escalation when it does not stop.
 * {@link #stop} may be called from any thread, any number of times; only the first call before
 * {@link #finish} interrupts. {@link #finish} is called on the method's thread when it returned,
 * and clears an interrupt the guard caused.
 */
final class GuardedRun {

  private static final Logger log = LoggerFactory.getLogger(SwitchmanGuard.class);

  private final SwitchmanGuard guard;
  private final GuardedMethod method;
  private final Grant grant;
  private final Thread thread;
  private final long grantedAtNanos;
  private volatile long lostAtNanos;
  private boolean done;
  private @Nullable StopReason stopReason;
  private long stoppedAtNanos;
  private @Nullable ScheduledFuture<?> maxDurationTimer;
  private @Nullable ScheduledFuture<?> stuckTimer;

  GuardedRun(
      SwitchmanGuard guard, GuardedMethod method, Grant grant, Thread thread, long grantedAtNanos) {
    this.guard = guard;
    this.method = method;
    this.grant = grant;
    this.thread = thread;
    this.grantedAtNanos = grantedAtNanos;
  }

  /** Notes that the grant was lost now (the first call counts). */
  void lost() {
    if (lostAtNanos == 0) {
      lostAtNanos = System.nanoTime();
    }
  }

  /**
   * How long the grant was held: from when it was granted until now (its release) or until it was
   * lost, whichever came first.
   */
  Duration held() {
    long lost = lostAtNanos;
    long end = lost != 0 ? lost : System.nanoTime();
    return Duration.ofNanos(Math.max(0, end - grantedAtNanos));
  }

  /** The timer that stops the call at its maxDuration, cancelled when it returns. */
  synchronized void maxDurationTimer(@Nullable ScheduledFuture<?> timer) {
    this.maxDurationTimer = timer;
  }

  /** Interrupts the method, once; called on loss, at maxDuration, and on shutdown. */
  void stop(StopReason reason) {
    synchronized (this) {
      if (done || stopReason != null) {
        return;
      }
      stopReason = reason;
      stoppedAtNanos = System.nanoTime();
      thread.interrupt();
      stuckTimer = guard.schedule(this::checkStuck, guard.stopTimeout());
    }
    log.warn(
        "Interrupting {} on thread '{}': {} (grant '{}', fencing token {})",
        method.description(),
        thread.getName(),
        describe(reason),
        grant.name(),
        grant.fencingToken());
    guard.notifyListeners(l -> l.stopping(grant.name(), reason));
  }

  private String describe(StopReason reason) {
    Duration max = method.maxDuration();
    if (reason == StopReason.MAX_DURATION && max != null) {
      return "it ran longer than its maxDuration of " + Durations.format(max);
    }
    if (reason == StopReason.SHUTDOWN) {
      return "the application is shutting down";
    }
    return "its grant was lost (" + reason + ")";
  }

  /** Applies on-stuck if the method has not returned since it was stopped. */
  void checkStuck() {
    StopReason reason;
    long stoppedFor;
    synchronized (this) {
      if (done || stopReason == null) {
        return;
      }
      reason = stopReason;
      stoppedFor = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - stoppedAtNanos);
    }
    String message =
        String.format(
            "%s on thread '%s' has not returned %d ms after it was interrupted (%s, grant '%s',"
                + " fencing token %d): it may run alongside the next holder",
            method.description(),
            thread.getName(),
            stoppedFor,
            reason,
            grant.name(),
            grant.fencingToken());
    StuckMethodException stack = new StuckMethodException(thread);
    if (guard.onStuck() == OnStuck.HALT) {
      log.error("{}; halting the JVM (switchman.on-stuck=halt)", message, stack);
      guard.halter().halt(message);
    } else {
      log.error("{} (switchman.on-stuck=log)", message, stack);
    }
  }

  /** Called on the method's thread when it returned: no interrupt from the guard after this. */
  void finish() {
    boolean interruptedByUs;
    synchronized (this) {
      done = true;
      interruptedByUs = stopReason != null;
      if (maxDurationTimer != null) {
        maxDurationTimer.cancel(false);
      }
      if (stuckTimer != null) {
        stuckTimer.cancel(false);
      }
    }
    if (interruptedByUs) {
      // Clear the interrupt we caused, so that the scheduler's thread goes on normally.
      Thread.interrupted();
    }
  }

  /** Carries the stack trace of a stuck method's thread into the log. */
  static final class StuckMethodException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    StuckMethodException(Thread thread) {
      super("Stack of thread '" + thread.getName() + "'", null, false, true);
      setStackTrace(thread.getStackTrace());
    }
  }
}
