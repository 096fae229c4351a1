/*
 * Copyright 2026 the switchman authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package io.switchman.spring.boot.autoconfigure;

import io.switchman.core.Acquisition;
import io.switchman.core.Acquisition.Outcome;
import io.switchman.core.Grant;
import io.switchman.core.LossReason;
import io.switchman.core.StopReason;
import io.switchman.core.SwitchmanContext;
import io.switchman.core.SwitchmanEngine;
import io.switchman.core.SwitchmanException;
import io.switchman.spring.boot.autoconfigure.SwitchmanProperties.OnStuck;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
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
 * return, and grants kept for holdAtLeast are released. The grant of a method still running then is
 * never released: on-stuck applies (halt, or log), and the session is abandoned so that its nodes
 * stay until the server expires it.
 *
 * <p>Stops never wait for run listeners: the interrupt and the on-stuck timer are set on the thread
 * that learnt of the loss, the listeners are told on {@code switchman-guard-listeners}.
 */
final class SwitchmanGuard implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(SwitchmanGuard.class);

  private final SwitchmanEngine engine;
  private final GuardedMethods methods;
  private final List<SwitchmanRunListener> listeners;
  private final SwitchmanHalter halter;
  private final Duration stopTimeout;
  private final OnStuck onStuck;
  private final Runnable abandonSession;
  private final ScheduledThreadPoolExecutor timer;
  private final ExecutorService listenerThread;
  private final Set<StoppableRun> running = ConcurrentHashMap.newKeySet();

  /** Grants kept for holdAtLeast, each with what to run once it is released. */
  private final Map<Grant, Runnable> keptForHoldAtLeast = new ConcurrentHashMap<>();

  private volatile boolean closed;

  SwitchmanGuard(
      SwitchmanEngine engine,
      GuardedMethods methods,
      List<SwitchmanRunListener> listeners,
      SwitchmanHalter halter,
      Duration stopTimeout,
      OnStuck onStuck,
      Runnable abandonSession) {
    this.engine = engine;
    this.methods = methods;
    this.listeners = List.copyOf(listeners);
    this.halter = halter;
    this.stopTimeout = stopTimeout;
    this.onStuck = onStuck;
    this.abandonSession = abandonSession;
    this.listenerThread =
        Executors.newSingleThreadExecutor(
            r -> {
              Thread t = new Thread(r, "switchman-guard-listeners");
              t.setDaemon(true);
              return t;
            });
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
    switch (method.kind()) {
      case MONO, FLUX:
        return ReactiveGuard.guard(this, method, invocation);
      case FUTURE:
        return FutureGuard.guard(this, method, invocation);
      default:
        break;
    }
    long start = System.nanoTime();
    Grant grant = acquire(method, start);
    if (grant == null) {
      return method.skipValue();
    }
    return run(invocation::proceed, method, grant, start);
  }

  /**
   * Acquires the grant of {@code method}, blocking; null when the call is skipped (logged and told
   * to the listeners).
   */
  @Nullable Grant acquire(GuardedMethod method, long start) {
    String name = method.request().name();
    if (closed) {
      skip(method, Outcome.ERROR, start, "the application is shutting down");
      return null;
    }
    Acquisition acquisition;
    try {
      acquisition = engine.acquire(method.request());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      skip(method, Outcome.ERROR, start, "interrupted while waiting for the grant");
      return null;
    } catch (SwitchmanException e) {
      skip(method, Outcome.ERROR, start, e.getMessage());
      return null;
    } catch (RuntimeException e) {
      log.warn("Skipped {}: acquiring '{}' failed", method.description(), name, e);
      skip(method, Outcome.ERROR, start, e.toString());
      return null;
    }
    Grant grant = acquisition.grant();
    if (grant == null) {
      skip(method, acquisition.outcome(), start, acquisition.detail());
      return null;
    }
    return grant;
  }

  /** The body of a guarded call: the method itself, or a {@link SwitchmanTemplate} callback. */
  @FunctionalInterface
  interface Body {
    @Nullable Object proceed() throws Throwable;
  }

  /** Runs {@code body} on this thread under {@code grant}, interrupted on loss; then releases. */
  @Nullable Object run(Body body, GuardedMethod method, Grant grant, long start) throws Throwable {
    String name = method.request().name();
    long grantedAt = System.nanoTime();
    Duration waited = Duration.ofNanos(grantedAt - start);
    log.debug(
        "Running {} under grant '{}' (fencing token {}) after {} ms",
        method.description(),
        name,
        grant.fencingToken(),
        waited.toMillis());
    List<SwitchmanRunListener.Run> handles = started(name, grant, waited, false);
    GuardedRun run = new GuardedRun(this, method, grant, Thread.currentThread(), grantedAt);
    running.add(run);
    grant.onLoss(reason -> run.lost(StopReason.of(reason)));
    Duration max = method.maxDuration();
    if (max != null) {
      run.maxDurationTimer(schedule(() -> run.stop(StopReason.MAX_DURATION), max));
    }
    long runStart = System.nanoTime();
    Throwable error = null;
    try (SwitchmanContext.Scope scope = SwitchmanContext.enter(grant)) {
      // The grant may have been lost since it was acquired (a pause, slow listeners): never start
      // the method on a lost grant.
      Optional<LossReason> lost = grant.checkLoss();
      if (lost.isPresent()) {
        log.warn(
            "Skipped {}: its grant '{}' was lost ({}) before the method was called",
            method.description(),
            name,
            lost.get());
        return method.skipValue();
      }
      return body.proceed();
    } catch (Throwable t) {
      error = t;
      throw t;
    } finally {
      run.finish();
      running.remove(run);
      finished(handles, Duration.ofNanos(System.nanoTime() - runStart), error);
      release(method, grant, runStart, () -> released(handles, run.held()));
    }
  }

  /**
   * Tells the listeners a run started; {@code detached} when it goes on on other threads (a
   * Publisher, a future).
   */
  List<SwitchmanRunListener.Run> started(
      String name, Grant grant, Duration waited, boolean detached) {
    List<SwitchmanRunListener.Run> handles = new ArrayList<>(listeners.size());
    notifyListeners(
        l ->
            handles.add(
                detached
                    ? l.startedDetached(name, grant, waited)
                    : l.started(name, grant, waited)));
    return handles;
  }

  /** Tells the listeners a run ended. */
  static void finished(
      List<SwitchmanRunListener.Run> handles, Duration ran, @Nullable Throwable error) {
    for (SwitchmanRunListener.Run h : handles) {
      safely(() -> h.finished(ran, error));
    }
  }

  /** Tracks a run that is not on a thread of its own, to stop it on close. */
  boolean track(StoppableRun run) {
    if (closed) {
      return false;
    }
    running.add(run);
    return true;
  }

  void untrack(StoppableRun run) {
    running.remove(run);
  }

  /** Tells the listeners how long the grant was held, once it is released. */
  static void released(List<SwitchmanRunListener.Run> handles, Duration held) {
    for (SwitchmanRunListener.Run h : handles) {
      safely(() -> h.released(held));
    }
  }

  /**
   * Releases now, or holdAtLeast after the method started ({@code runStart}); then runs {@code
   * released}.
   */
  void release(GuardedMethod method, Grant grant, long runStart, Runnable released) {
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

  private void skip(GuardedMethod method, Outcome reason, long start, @Nullable String detail) {
    String why = detail == null ? reason.tag() : detail;
    if (reason == Outcome.ERROR) {
      log.warn("Skipped {}: {}", method.description(), why);
    } else if (reason == Outcome.PAUSED) {
      log.info("Skipped {}: {}", method.description(), why); // who paused it, since when, why
    } else {
      log.debug("Skipped {}: {}", method.description(), why);
    }
    Duration waited = Duration.ofNanos(System.nanoTime() - start);
    notifyListeners(l -> l.skipped(method.request().name(), reason, waited, why));
  }

  /**
   * Runs {@code task} on the listener thread, never on the thread that stops a run (it runs on this
   * thread once the guard is closed).
   */
  void notifyLater(Runnable task) {
    try {
      listenerThread.execute(task);
    } catch (RejectedExecutionException e) {
      task.run();
    }
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
   * Interrupts every running guarded method and waits up to the stop time for them to return. To
   * any that has not, on-stuck applies (halt, or an ERROR line), and the ZooKeeper session is then
   * abandoned, not closed: a node of a grant whose method still runs is never deleted, it stays
   * until the server expires the session. Then releases grants kept for holdAtLeast.
   */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    for (StoppableRun run : running) {
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
    List<StoppableRun> stuck = new ArrayList<>();
    for (StoppableRun run : running) {
      if (run.isRunning()) {
        stuck.add(run);
      }
    }
    for (StoppableRun run : stuck) {
      run.checkStuck(); // halts with on-stuck=halt
    }
    if (!stuck.isEmpty()) {
      // on-stuck=log, or a halter that returned: the method may still run
      log.error(
          "{} guarded method(s) still running at shutdown: the ZooKeeper session is abandoned, not"
              + " closed, so its node is left to the session's expiry: it is not deleted while the"
              + " method runs",
          stuck.size());
      try {
        abandonSession.run();
      } catch (RuntimeException e) {
        log.error("Abandoning the ZooKeeper session failed", e);
      }
    }
    timer.shutdownNow();
    for (Grant g : keptForHoldAtLeast.keySet()) {
      Runnable released = keptForHoldAtLeast.remove(g);
      if (released != null) {
        g.release();
        released.run();
      }
    }
    listenerThread.shutdown();
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
