/*
 * Copyright 2026 the switchman authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package io.switchman.spring.boot.autoconfigure;

import io.switchman.core.Grant;
import io.switchman.core.StopReason;
import io.switchman.core.internal.Durations;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ScheduledFuture;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One run of a guarded method that goes on after the method returned: the subscription of a
 * returned {@code Publisher}, or a returned future until it completes. On loss, at maxDuration and
 * on shutdown it is cancelled (not interrupted) through the canceller given to {@link #begin}; the
 * subscriber or caller gets a {@link SwitchmanStoppedException}. {@link #end} releases the grant
 * (after holdAtLeast) and tells the listeners, once.
 */
final class AsyncRun implements StoppableRun {

  private static final Logger log = LoggerFactory.getLogger(SwitchmanGuard.class);

  private final SwitchmanGuard guard;
  private final GuardedMethod method;
  private final Grant grant;
  private final long runStart;
  private final List<SwitchmanRunListener.Run> handles;
  private @Nullable Consumer<SwitchmanStoppedException> canceller;
  private @Nullable SwitchmanStoppedException stopped;
  private @Nullable ScheduledFuture<?> maxDurationTimer;
  private boolean ended;
  private volatile long lostAtNanos;

  private AsyncRun(
      SwitchmanGuard guard,
      GuardedMethod method,
      Grant grant,
      long start,
      List<SwitchmanRunListener.Run> handles) {
    this.guard = guard;
    this.method = method;
    this.grant = grant;
    this.runStart = start;
    this.handles = handles;
  }

  /**
   * Starts a run under {@code grant}, acquired for a call that began at {@code start} (nanoTime):
   * listeners told, loss and maxDuration watched.
   */
  static AsyncRun begin(SwitchmanGuard guard, GuardedMethod method, Grant grant, long start) {
    String name = method.request().name();
    Duration waited = Duration.ofNanos(System.nanoTime() - start);
    log.debug(
        "Running {} under grant '{}' (fencing token {}) after {} ms",
        method.description(),
        name,
        grant.fencingToken(),
        waited.toMillis());
    AsyncRun run =
        new AsyncRun(
            guard, method, grant, System.nanoTime(), guard.started(name, grant, waited, true));
    if (!guard.track(run)) {
      run.stop(StopReason.SHUTDOWN);
      return run;
    }
    grant.onLoss(
        reason -> {
          run.lost();
          run.stop(StopReason.of(reason));
        });
    // never start the method on a grant lost since it was acquired (a pause, slow listeners)
    grant
        .checkLoss()
        .ifPresent(
            reason -> {
              run.lost();
              run.stop(StopReason.of(reason));
            });
    Duration max = method.maxDuration();
    if (max != null) {
      ScheduledFuture<?> timer = guard.schedule(() -> run.stop(StopReason.MAX_DURATION), max);
      synchronized (run) {
        run.maxDurationTimer = timer;
      }
    }
    return run;
  }

  /** Notes that the grant was lost now (the first call counts). */
  void lost() {
    if (lostAtNanos == 0) {
      lostAtNanos = System.nanoTime();
    }
  }

  Grant grant() {
    return grant;
  }

  /**
   * Sets what cancels the run; called at once if it was already stopped.
   *
   * @param cancel cancels the subscription or future and hands the error to the subscriber
   */
  void canceller(Consumer<SwitchmanStoppedException> cancel) {
    SwitchmanStoppedException already;
    synchronized (this) {
      canceller = cancel;
      already = ended ? null : stopped;
    }
    if (already != null) {
      cancel.accept(already);
    }
  }

  /** The error of a stopped run, or null while it was not stopped. */
  synchronized @Nullable SwitchmanStoppedException stopped() {
    return stopped;
  }

  @Override
  public void stop(StopReason reason) {
    SwitchmanStoppedException error;
    Consumer<SwitchmanStoppedException> cancel;
    synchronized (this) {
      if (ended || stopped != null) {
        return;
      }
      error =
          new SwitchmanStoppedException(
              "Cancelled "
                  + method.description()
                  + " under lock '"
                  + grant.name()
                  + "' (fencing token "
                  + grant.fencingToken()
                  + "): "
                  + describe(method, reason),
              grant.name(),
              reason,
              grant.fencingToken());
      stopped = error;
      cancel = canceller;
    }
    if (cancel != null) {
      try {
        cancel.accept(error);
      } catch (RuntimeException e) {
        log.warn("Cancelling {} failed", method.description(), e);
      }
    }
    // the log and the listeners after the cancellation, off the thread that stops the run
    guard.notifyLater(
        () -> {
          log.warn(
              "Cancelling {}: {} (grant '{}', fencing token {})",
              method.description(),
              describe(method, reason),
              grant.name(),
              grant.fencingToken());
          guard.notifyListeners(l -> l.stopping(grant.name(), reason));
        });
  }

  @Override
  public synchronized boolean isRunning() {
    return !ended;
  }

  /** Cancellation is immediate: nothing is left to escalate. */
  @Override
  public void checkStuck() {}

  /**
   * The run ended (completed, failed or cancelled): releases the grant, now or after holdAtLeast,
   * and tells the listeners; once. May block on ZooKeeper: not on a non-blocking thread.
   */
  void end(@Nullable Throwable error) {
    synchronized (this) {
      if (ended) {
        return;
      }
      ended = true;
      if (maxDurationTimer != null) {
        maxDurationTimer.cancel(false);
      }
    }
    guard.untrack(this);
    SwitchmanGuard.finished(handles, Duration.ofNanos(System.nanoTime() - runStart), error);
    guard.release(method, grant, runStart, () -> SwitchmanGuard.released(handles, held()));
  }

  /** From the grant until now (its release) or until it was lost, whichever came first. */
  private Duration held() {
    long lost = lostAtNanos;
    long end = lost != 0 ? lost : System.nanoTime();
    return Duration.ofNanos(Math.max(0, end - runStart));
  }

  static String describe(GuardedMethod method, StopReason reason) {
    Duration max = method.maxDuration();
    if (reason == StopReason.MAX_DURATION && max != null) {
      return "it ran longer than its maxDuration of " + Durations.format(max);
    }
    if (reason == StopReason.SHUTDOWN) {
      return "the application is shutting down";
    }
    return "its grant was lost (" + reason + ")";
  }
}
