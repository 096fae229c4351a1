/*
 * Copyright 2026 the switchman authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package io.switchman.spring.boot.autoconfigure;

import io.switchman.annotation.SwitchmanLock;
import io.switchman.core.Grant;
import io.switchman.core.StopReason;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.annotation.Value;

/**
 * Guarded methods that do not stop when interrupted, and methods that do, with the timestamps they
 * write themselves; one instance per application context.
 */
public class StuckJobs {

  /** What the methods of all contexts did, on the {@link System#nanoTime()} clock; shared. */
  public static final class Trace {
    /** When each context's method first and last ran (wrote a timestamp), by context id. */
    final Map<String, Long> started = new ConcurrentHashMap<>();

    final Map<String, Long> lastBeat = new ConcurrentHashMap<>();
    final Map<String, Long> ended = new ConcurrentHashMap<>();

    /** First interrupt seen, by "id method". */
    final Map<String, Long> interrupted = new ConcurrentHashMap<>();

    /** Lets every method return. */
    final AtomicBoolean release = new AtomicBoolean();

    void beat(String who) {
      long now = System.nanoTime();
      started.putIfAbsent(who, now);
      lastBeat.put(who, now);
    }

    long millis(long fromNanos, long toNanos) {
      return TimeUnit.NANOSECONDS.toMillis(toNanos - fromNanos);
    }
  }

  /**
   * The test's halter: records the call and then "halts" this context's stuck methods (they return,
   * as if the JVM died), instead of halting the test JVM.
   */
  public static final class RecordingHalter implements SwitchmanHalter {
    volatile long calledAt;
    volatile @Nullable String reason;
    final AtomicBoolean halted = new AtomicBoolean();

    @Override
    public void halt(String reason) {
      if (calledAt == 0) {
        this.reason = reason;
        calledAt = System.nanoTime();
      }
      halted.set(true);
    }
  }

  /** A listener that sleeps 3 s on the first stop it is told of, as a slow log appender would. */
  public static final class SlowListener implements SwitchmanRunListener {
    final AtomicBoolean slept = new AtomicBoolean();

    @Override
    public void stopping(String name, StopReason reason) {
      if (slept.compareAndSet(false, true)) {
        try {
          Thread.sleep(3000);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
    }
  }

  /**
   * A listener that, when method {@code late} starts, makes its grant lost (deletes its lock node
   * on the context's own session) and returns only once the grant knows it: the grant is lost
   * between its acquisition and the call of the method.
   */
  public static final class LosingListener implements SwitchmanRunListener {
    volatile @Nullable Consumer<Grant> onLate;

    @Override
    public Run started(String name, Grant grant, Duration waited) {
      Consumer<Grant> hook = onLate;
      if (name.equals("late") && hook != null) {
        hook.accept(grant);
      }
      return Run.NONE;
    }
  }

  private final Trace trace;
  private final RecordingHalter halter;
  private final String id;

  public StuckJobs(Trace trace, RecordingHalter halter, @Value("${test.id:a}") String id) {
    this.trace = trace;
    this.halter = halter;
    this.id = id;
  }

  /**
   * Swallows interrupts (catches InterruptedException and goes on) and writes a timestamp every 10
   * ms, until this context is halted, the test releases it, or 20 s passed.
   */
  @SwitchmanLock(name = "stuck")
  public void swallowing() {
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    try {
      while (!halter.halted.get() && !trace.release.get() && System.nanoTime() - end < 0) {
        trace.beat(id);
        try {
          Thread.sleep(10);
        } catch (InterruptedException e) {
          trace.interrupted.putIfAbsent(id + " stuck", System.nanoTime()); // and goes on
        }
      }
    } finally {
      trace.ended.put(id, System.nanoTime());
    }
  }

  @SwitchmanLock(name = "first")
  public void first() {
    sleepUntilInterrupted("first");
  }

  @SwitchmanLock(name = "second")
  public void second() {
    sleepUntilInterrupted("second");
  }

  /** Must never run: its grant is lost before it is called. */
  @SwitchmanLock(name = "late")
  public String late() {
    trace.beat(id + " late");
    return "ran";
  }

  private void sleepUntilInterrupted(String method) {
    trace.beat(id + " " + method);
    try {
      Thread.sleep(30_000);
    } catch (InterruptedException e) {
      trace.interrupted.putIfAbsent(id + " " + method, System.nanoTime());
      Thread.currentThread().interrupt();
    }
  }
}
