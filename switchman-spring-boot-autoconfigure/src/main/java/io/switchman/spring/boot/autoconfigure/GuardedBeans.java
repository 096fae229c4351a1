/*
 * Copyright 2026 the switchman authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package io.switchman.spring.boot.autoconfigure;

import io.switchman.core.Acquisition.Outcome;
import io.switchman.core.Grant;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.util.ClassUtils;
import org.springframework.util.ReflectionUtils;

/**
 * The registry lock name to guarded bean method, filled as guarded beans are proxied, and the
 * {@link SwitchmanRunner} that calls them now through their proxy, so that the call is guarded. It
 * learns what the guard decided as a run listener, on the thread of the call.
 */
final class GuardedBeans implements SwitchmanRunner, SwitchmanRunListener {

  private static final Logger log = LoggerFactory.getLogger(GuardedBeans.class);

  /** The report of the run-now call on this thread, until the guard decided. */
  private static final ThreadLocal<Report> REPORT = new ThreadLocal<>();

  private final GuardedMethods methods;
  private final Duration wait;
  private final Map<String, List<Target>> byName = new ConcurrentHashMap<>();

  /** A guarded method of a bean, called on its proxy. */
  private record Target(Object proxy, Method method, String description, ResultKind kind) {}

  GuardedBeans(GuardedMethods methods, Duration wait) {
    this.methods = methods;
    this.wait = wait;
  }

  /** Registers the guarded methods of the singleton {@code proxy}, whose class is {@code type}. */
  void register(Object proxy, Class<?> type) {
    Class<?> userClass = ClassUtils.getUserClass(type);
    ReflectionUtils.doWithMethods(
        userClass,
        m -> {
          if (!m.isBridge() && !m.isSynthetic() && GuardedMethods.isGuarded(m)) {
            GuardedMethod g = methods.get(m, userClass);
            byName
                .computeIfAbsent(g.request().name(), n -> new CopyOnWriteArrayList<>())
                .add(new Target(proxy, m, g.description(), g.kind()));
          }
        });
  }

  @Override
  public Map<String, String> methods() {
    Map<String, String> out = new TreeMap<>();
    byName.forEach(
        (name, targets) ->
            out.put(name, String.join(", ", targets.stream().map(Target::description).toList())));
    return out;
  }

  @Override
  public RunResult run(String name) {
    List<Target> targets = byName.getOrDefault(name, List.of());
    if (targets.isEmpty()) {
      throw new IllegalArgumentException(
          "No guarded method with lock name '"
              + name
              + "' in this application; guarded here: "
              + (byName.isEmpty() ? "none" : String.join(", ", new TreeMap<>(byName).keySet())));
    }
    if (targets.size() > 1) {
      throw new IllegalArgumentException(
          "Lock name '"
              + name
              + "' guards "
              + targets.size()
              + " methods in this application ("
              + String.join(", ", targets.stream().map(Target::description).toList())
              + "): run needs exactly one");
    }
    Target t = targets.get(0);
    if (t.method().getParameterCount() > 0) {
      throw new IllegalArgumentException(
          "Cannot run '"
              + name
              + "': "
              + t.description()
              + " takes parameters; run calls methods without parameters only");
    }
    if (t.kind() != ResultKind.BLOCKING) {
      throw new IllegalArgumentException(
          "Cannot run '"
              + name
              + "': "
              + t.description()
              + " returns a "
              + t.method().getReturnType().getSimpleName()
              + ", whose run is its subscription or completion; run calls methods that run when"
              + " called only");
    }
    Report report = new Report();
    Thread thread =
        new Thread(
            () -> {
              REPORT.set(report);
              try {
                ReflectionUtils.makeAccessible(t.method());
                t.method().invoke(t.proxy());
              } catch (InvocationTargetException e) {
                Throwable cause = e.getCause() != null ? e.getCause() : e;
                report.error = cause.toString();
                log.warn("{}, run now, threw", t.description(), cause);
              } catch (IllegalAccessException | RuntimeException e) {
                report.error = e.toString();
                log.warn("{}, run now, failed", t.description(), e);
              } finally {
                REPORT.remove();
                report.done.countDown();
              }
            },
            "switchman-run-" + name);
    thread.setDaemon(true);
    log.info("Running {} now (lock '{}'), as asked", t.description(), name);
    thread.start();
    boolean finished;
    try {
      finished = report.done.await(wait.toNanos(), TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      finished = false;
    }
    synchronized (report) {
      String outcome = report.outcome;
      boolean ran = Outcome.ACQUIRED.tag().equals(outcome);
      if (outcome == null) {
        // the guard neither skipped nor started it: it threw before (or is still waiting)
        outcome = finished ? Outcome.ERROR.tag() : "waiting";
      }
      return new RunResult(
          name,
          t.description(),
          ran,
          outcome,
          report.detail,
          report.fencingToken,
          finished,
          finished && ran ? report.durationMs : null,
          report.error);
    }
  }

  @Override
  public void skipped(String name, Outcome outcome, Duration waited, String detail) {
    Report r = REPORT.get();
    if (r != null) {
      REPORT.remove(); // only the run-now call itself, not guarded calls it makes
      synchronized (r) {
        r.outcome = outcome.tag();
        r.detail = detail;
      }
    }
  }

  @Override
  public Run started(String name, Grant grant, Duration waited) {
    Report r = REPORT.get();
    if (r == null) {
      return Run.NONE;
    }
    REPORT.remove();
    synchronized (r) {
      r.outcome = Outcome.ACQUIRED.tag();
      r.fencingToken = grant.fencingToken();
    }
    return (ran, error) -> {
      synchronized (r) {
        r.durationMs = ran.toMillis();
      }
    };
  }

  /** What the guard told of one run-now call. */
  private static final class Report {
    final CountDownLatch done = new CountDownLatch(1);
    @Nullable String outcome;
    @Nullable String detail;
    @Nullable Long fencingToken;
    @Nullable Long durationMs;
    volatile @Nullable String error;
  }
}
