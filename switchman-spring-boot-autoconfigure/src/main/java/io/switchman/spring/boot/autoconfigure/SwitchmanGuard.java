/*
 * Copyright 2026 the switchman authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package io.switchman.spring.boot.autoconfigure;

import io.switchman.core.Acquisition;
import io.switchman.core.Acquisition.Outcome;
import io.switchman.core.Grant;
import io.switchman.core.StopReason;
import io.switchman.core.SwitchmanContext;
import io.switchman.core.SwitchmanEngine;
import io.switchman.core.SwitchmanException;
import io.switchman.spring.boot.autoconfigure.SwitchmanProperties.OnStuck;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.aopalliance.intercept.MethodInvocation;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.aop.support.AopUtils;

/**
 * Runs guarded methods: acquires the grant, runs the method under it, stops the method when the
 * grant is lost, releases the grant.
 *
 * <ul>
 *   <li>When the lock is busy, this host is not in the group, the wait ran out, or ZooKeeper cannot
 *       be reached, the method does not run: the call returns null (or {@code Optional.empty()}).
 *   <li>On loss of the grant, or when {@code maxDuration} passes, the thread running the method is
 *       interrupted; if the method has not returned after the stop time, {@code on-stuck} applies.
 *       An interrupt caused by the guard is cleared when the method returns, so the scheduler's
 *       thread is not left interrupted.
 *   <li>The grant is released when the method returns or throws, or {@code holdAtLeast} after it
 *       started, whichever is later.
 * </ul>
 *
 * <p>On close (application shutdown), running methods are interrupted and given the stop time to
 * return, and grants kept for holdAtLeast are released.
 */
final class SwitchmanGuard implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(SwitchmanGuard.class);

  private final SwitchmanEngine engine;
  private final GuardedMethods methods;
  private final List<SwitchmanRunListener> listeners;
  private final SwitchmanHalter halter;
  private final Duration stopTimeout;
  private final OnStuck onStuck;
  private final ScheduledThreadPoolExecutor timer;
  private final Set<GuardedRun> running = ConcurrentHashMap.newKeySet();

  /** Grants kept for holdAtLeast, each with what to run once it is released. */
  private final Map<Grant, Runnable> keptForHoldAtLeast = new ConcurrentHashMap<>();

  private volatile boolean closed;

  SwitchmanGuard(
      SwitchmanEngine engine,
      GuardedMethods methods,
      List<SwitchmanRunListener> listeners,
      SwitchmanHalter halter,
      Duration stopTimeout,
      OnStuck onStuck) {
    this.engine = engine;
    this.methods = methods;
    this.listeners = List.copyOf(listeners);
    this.halter = halter;
    this.stopTimeout = stopTimeout;
    this.onStuck = onStuck;
    this.timer =
        new ScheduledThreadPoolExecutor(
            1,
            r -> {
              Thread t = new Thread(r, "switchman-guard-timer");
              t.setDaemon(true);
              return t;
            });
    this.timer.setRemoveOnCancelPolicy(true);
  }

  /** Runs one call of a guarded method. */
  @Nullable Object invoke(MethodInvocation invocation) throws Throwable {
    Object target = invocation.getThis();
    Class<?> targetClass =
        target != null
            ? AopUtils.getTargetClass(target)
            : invocation.getMethod().getDeclaringClass();
    GuardedMethod method = methods.get(invocation.getMethod(), targetClass);
    String name = method.request().name();
    long start = System.nanoTime();
    if (closed) {
      return skip(method, Outcome.ERROR, start, "the application is shutting down");
    }
    Acquisition acquisition;
    try {
      acquisition = engine.acquire(method.request());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return skip(method, Outcome.ERROR, start, "interrupted while waiting for the grant");
    } catch (SwitchmanException e) {
      return skip(method, Outcome.ERROR, start, e.getMessage());
    } catch (RuntimeException e) {
      log.warn("Skipped {}: acquiring '{}' failed", method.description(), name, e);
      return skip(method, Outcome.ERROR, start, e.toString());
    }
    Grant grant = acquisition.grant();
    if (grant == null) {
      return skip(method, acquisition.outcome(), start, acquisition.detail());
    }
    return run(invocation, method, grant, start);
  }

  private @Nullable Object run(
      MethodInvocation invocation, GuardedMethod method, Grant grant, long start) throws Throwable {
    String name = method.request().name();
    long grantedAt = System.nanoTime();
    Duration waited = Duration.ofNanos(grantedAt - start);
    log.debug(
        "Running {} under grant '{}' (fencing token {}) after {} ms",
        method.description(),
        name,
        grant.fencingToken(),
        waited.toMillis());
    List<SwitchmanRunListener.Run> handles = new ArrayList<>(listeners.size());
    notifyListeners(l -> handles.add(l.started(name, grant, waited)));
    GuardedRun run = new GuardedRun(this, method, grant, Thread.currentThread(), grantedAt);
    running.add(run);
    grant.onLoss(
        reason -> {
          run.lost();
          run.stop(StopReason.of(reason));
        });
    Duration max = method.maxDuration();
    if (max != null) {
      run.maxDurationTimer(schedule(() -> run.stop(StopReason.MAX_DURATION), max));
    }
    long runStart = System.nanoTime();
    Throwable error = null;
    try (SwitchmanContext.Scope scope = SwitchmanContext.enter(grant)) {
      return invocation.proceed();
    } catch (Throwable t) {
      error = t;
      throw t;
    } finally {
      run.finish();
      running.remove(run);
      Duration ran = Duration.ofNanos(System.nanoTime() - runStart);
      Throwable thrown = error;
      for (SwitchmanRunListener.Run h : handles) {
        safely(() -> h.finished(ran, thrown));
      }
      release(method, grant, runStart, () -> released(run, handles));
    }
  }

  /** Tells the listeners how long the grant of {@code run} was held, once it is released. */
  private static void released(GuardedRun run, List<SwitchmanRunListener.Run> handles) {
    Duration held = run.held();
    for (SwitchmanRunListener.Run h : handles) {
      safely(() -> h.released(held));
    }
  }

  /**
   * Releases now, or holdAtLeast after the method started ({@code runStart}); then runs {@code
   * released}.
   */
  private void release(GuardedMethod method, Grant grant, long runStart, Runnable released) {
    long keepNanos = runStart + method.holdAtLeast().toNanos() - System.nanoTime();
    if (keepNanos > 0 && grant.isHeld() && !closed) {
      keptForHoldAtLeast.put(grant, released);
      log.debug(
          "Keeping grant '{}' for {} ms more (holdAtLeast)",
          grant.name(),
          TimeUnit.NANOSECONDS.toMillis(keepNanos));
      try {
        timer.schedule(
            () -> {
              if (keptForHoldAtLeast.remove(grant) != null) {
                // release() may wait for ZooKeeper: not on the timer thread
                Thread t =
                    new Thread(
                        () -> {
                          grant.release();
                          released.run();
                        },
                        "switchman-release");
                t.setDaemon(true);
                t.start();
              }
            },
            keepNanos,
            TimeUnit.NANOSECONDS);
        return;
      } catch (RejectedExecutionException e) {
        keptForHoldAtLeast.remove(grant);
      }
    }
    grant.release();
    released.run();
  }

  private @Nullable Object skip(
      GuardedMethod method, Outcome reason, long start, @Nullable String detail) {
    String why = detail == null ? reason.tag() : detail;
    if (reason == Outcome.ERROR) {
      log.warn("Skipped {}: {}", method.description(), why);
    } else {
      log.debug("Skipped {}: {}", method.description(), why);
    }
    Duration waited = Duration.ofNanos(System.nanoTime() - start);
    notifyListeners(l -> l.skipped(method.request().name(), reason, waited, why));
    return method.skipValue();
  }

  /** Runs {@code task} on the guard's timer after {@code delay}; null once the guard is closed. */
  @Nullable ScheduledFuture<?> schedule(Runnable task, Duration delay) {
    try {
      return timer.schedule(task, delay.toNanos(), TimeUnit.NANOSECONDS);
    } catch (RejectedExecutionException e) {
      return null;
    }
  }

  Duration stopTimeout() {
    return stopTimeout;
  }

  OnStuck onStuck() {
    return onStuck;
  }

  SwitchmanHalter halter() {
    return halter;
  }

  /**
   * Interrupts every running guarded method, waits up to the stop time for them to return (applying
   * on-stuck to any that does not), then releases grants kept for holdAtLeast.
   */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    for (GuardedRun run : running) {
      run.stop(StopReason.SHUTDOWN);
    }
    long deadline = System.nanoTime() + stopTimeout.toNanos();
    while (!running.isEmpty() && System.nanoTime() - deadline < 0) {
      try {
        Thread.sleep(10);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    for (GuardedRun run : running) {
      run.checkStuck();
    }
    timer.shutdownNow();
    for (Grant g : keptForHoldAtLeast.keySet()) {
      Runnable released = keptForHoldAtLeast.remove(g);
      if (released != null) {
        g.release();
        released.run();
      }
    }
  }

  /** Calls every listener, ignoring (and logging) failures. */
  void notifyListeners(Consumer<SwitchmanRunListener> call) {
    for (SwitchmanRunListener l : listeners) {
      safely(() -> call.accept(l));
    }
  }

  /**
   * Makes one call of a listener (or of a run it returned): an exception it throws is logged and
   * ignored, so that it never breaks the guarded method. The one place listener failures are
   * caught.
   */
  static void safely(Runnable listenerCall) {
    try {
      listenerCall.run();
    } catch (RuntimeException e) {
      log.warn("A switchman run listener failed; ignored", e);
    }
  }
}
