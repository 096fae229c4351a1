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
 * {@link #finish} interrupts. It interrupts and arms the on-stuck timer on the calling thread, and
 * tells the run listeners (and the log) on the guard's listener thread, so that a slow listener or
 * appender delays no stop. {@link #finish} is called on the method's thread when it returned, and
 * clears an interrupt the guard caused.
 */
final class GuardedRun implements StoppableRun {

  private static final Logger log = LoggerFactory.getLogger(SwitchmanGuard.class);

  private final SwitchmanGuard guard;
  private final GuardedMethod method;
  private final Grant grant;
  private final Thread thread;
  private final long grantedAtNanos;
  private volatile long lostAtNanos;
  private boolean done;
  private boolean stuckHandled;
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

  /**
   * Called when the grant is lost: interrupts the method, timing on-stuck from the moment the loss
   * was decided. The loss listener runs some time after that moment, on an engine thread; the
   * moment is at latest now, and at latest the grant's safety deadline (a deadline loss is decided
   * when the deadline passes), so the stop time counts from the earlier of the two.
   */
  void lost(StopReason reason) {
    long now = System.nanoTime();
    long deadline = grant.safeUntilNanos();
    long decidedAt = now - deadline > 0 ? deadline : now;
    if (lostAtNanos == 0) {
      lostAtNanos = decidedAt;
    }
    stop(reason, decidedAt);
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

  /**
   * Interrupts the method, once, timing on-stuck from now; at maxDuration and on shutdown. On
   * shutdown the guard's close applies on-stuck itself, after its wait.
   */
  @Override
  public void stop(StopReason reason) {
    stop(reason, System.nanoTime());
  }

  /**
   * Interrupts the method, once, and arms the on-stuck check for stop-timeout after {@code
   * decidedAtNanos}; then tells the log and the listeners, on the guard's listener thread.
   */
  private void stop(StopReason reason, long decidedAtNanos) {
    synchronized (this) {
      if (done || stopReason != null) {
        return;
      }
      stopReason = reason;
      stoppedAtNanos = decidedAtNanos;
      thread.interrupt();
      if (reason != StopReason.SHUTDOWN) {
        long delay = decidedAtNanos + guard.stopTimeout().toNanos() - System.nanoTime();
        stuckTimer = guard.schedule(this::checkStuck, Duration.ofNanos(Math.max(0, delay)));
      }
    }
    guard.notifyLater(
        () -> {
          log.warn(
              "Interrupting {} on thread '{}': {} (grant '{}', fencing token {})",
              method.description(),
              thread.getName(),
              describe(reason),
              grant.name(),
              grant.fencingToken());
          guard.notifyListeners(l -> l.stopping(grant.name(), reason));
        });
  }

  private String describe(StopReason reason) {
    Duration max = method.maxDuration();
    if (reason == StopReason.MAX_DURATION && max != null) {
      return "it ran longer than its maxDuration of " + Durations.format(max) + " (MAX_DURATION)";
    }
    if (reason == StopReason.SHUTDOWN) {
      return "the application is shutting down (SHUTDOWN)";
    }
    return "its grant was lost (" + reason + ")";
  }

  /** Whether the method has not returned yet. */
  @Override
  public synchronized boolean isRunning() {
    return !done;
  }

  /**
   * Applies on-stuck, once, if the method has not returned stop-timeout after it was stopped:
   * called by the on-stuck timer, and by the guard's close. With {@code halt}, one ERROR line (the
   * method, its thread, the reason, the lock, then the thread's stack) and the halter; with {@code
   * log}, the ERROR line only.
   */
  @Override
  public void checkStuck() {
    StopReason reason;
    long stoppedFor;
    synchronized (this) {
      if (done || stopReason == null || stuckHandled) {
        return;
      }
      stuckHandled = true;
      reason = stopReason;
      stoppedFor = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - stoppedAtNanos);
    }
    StuckMethodException stack = new StuckMethodException(thread);
    String message =
        String.format(
            "%s on thread '%s' has not returned %d ms after %s; %s '%s', fencing token %d",
            method.description(),
            thread.getName(),
            stoppedFor,
            describe(reason),
            grant.hasLock() ? "lock" : "grant",
            grant.name(),
            grant.fencingToken());
    if (guard.onStuck() == OnStuck.HALT) {
      String line = message + ": halting the JVM (switchman.on-stuck=halt)";
      logWithin(line, stack, SwitchmanHalter.LOG_WAIT_MILLIS);
      guard.halter().halt(line);
    } else {
      message += ": it may run alongside the next holder (switchman.on-stuck=log)";
      log.error(message, stack);
    }
  }

  /**
   * Logs the ERROR line on a thread of its own and waits for it at most {@code millis}: a blocked
   * appender must not delay the halt.
   */
  private static void logWithin(String line, StuckMethodException stack, long millis) {
    Thread t = new Thread(() -> log.error(line, stack), "switchman-halt-log");
    t.setDaemon(true);
    t.start();
    try {
      t.join(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
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
