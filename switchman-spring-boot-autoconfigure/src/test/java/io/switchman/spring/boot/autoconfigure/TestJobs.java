/*
 * Copyright 2026 the switchman authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package io.switchman.spring.boot.autoconfigure;

import io.switchman.annotation.SwitchmanLease;
import io.switchman.annotation.SwitchmanLock;
import io.switchman.core.Grant;
import io.switchman.core.SwitchmanContext;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.springframework.beans.factory.annotation.Value;

/** Guarded methods used by the tests; one instance per application context. */
public class TestJobs {

  /** What the jobs of all contexts did; shared by the contexts of one test. */
  public static final class Probe {
    final AtomicInteger running = new AtomicInteger();
    final AtomicInteger maxRunning = new AtomicInteger();
    final AtomicInteger runs = new AtomicInteger();
    final List<String> events = new CopyOnWriteArrayList<>();
    final Map<String, Long> times = new ConcurrentHashMap<>();
    final AtomicBoolean letGo = new AtomicBoolean();
    final CountDownLatch started = new CountDownLatch(1);
    volatile BooleanSupplier holdUntil = () -> true;

    void enter(String id) {
      int now = running.incrementAndGet();
      maxRunning.accumulateAndGet(now, Math::max);
      runs.incrementAndGet();
      event("start " + id);
      started.countDown();
    }

    void event(String event) {
      times.putIfAbsent(event, System.nanoTime());
      events.add(event);
    }

    /** Milliseconds from {@code fromNanos} to the first {@code event}. */
    long millisTo(String event, long fromNanos) {
      return TimeUnit.NANOSECONDS.toMillis(times.get(event) - fromNanos);
    }

    void exit(String id) {
      event("end " + id);
      running.decrementAndGet();
    }
  }

  private final Probe probe;
  private final String id;

  public TestJobs(Probe probe, @Value("${test.id:a}") String id) {
    this.probe = probe;
    this.id = id;
  }

  /** Holds the lock until {@code probe.holdUntil} says so. */
  @SwitchmanLock(name = "singleton")
  public String singleton() throws InterruptedException {
    probe.enter(id);
    try {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (!probe.holdUntil.getAsBoolean() && System.nanoTime() < deadline) {
        Thread.sleep(10);
      }
      return id;
    } finally {
      probe.exit(id);
    }
  }

  @SwitchmanLease(resource = "pool", capacity = "2")
  public String leased() throws InterruptedException {
    probe.enter(id);
    try {
      Thread.sleep(300);
      return id;
    } finally {
      probe.exit(id);
    }
  }

  @SwitchmanLock(name = "held", holdAtLeast = "2s")
  public String quick() {
    probe.enter(id);
    probe.exit(id);
    return id;
  }

  /** Sleeps until interrupted; reports how it ended. */
  @SwitchmanLock(name = "${test.blocking-name:blocking}", maxDuration = "${test.max-duration:1h}")
  public String blocking() {
    probe.enter(id);
    try {
      Thread.sleep(60_000);
      return "completed";
    } catch (InterruptedException e) {
      probe.event("interrupted " + id);
      Thread.currentThread().interrupt(); // keep the status, as well-behaved code does
      return "interrupted";
    } finally {
      probe.exit(id);
    }
  }

  /** Ignores interrupts until {@code probe.letGo}. */
  @SwitchmanLock(name = "stubborn", maxDuration = "200ms")
  public void stubborn() {
    probe.enter(id);
    try {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
      while (!probe.letGo.get() && System.nanoTime() < deadline) {
        Thread.onSpinWait();
      }
    } finally {
      probe.exit(id);
    }
  }

  @SwitchmanLock(name = "optional")
  public Optional<String> optional() throws InterruptedException {
    probe.enter(id);
    try {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (!probe.holdUntil.getAsBoolean() && System.nanoTime() < deadline) {
        Thread.sleep(10);
      }
      return Optional.of(id);
    } finally {
      probe.exit(id);
    }
  }

  @SwitchmanLock(name = "failing")
  public void failing() {
    throw new IllegalStateException("boom from " + id);
  }

  /** The fencing token and lock name seen inside the method. */
  @SwitchmanLock(name = "token")
  public String token() {
    return SwitchmanContext.lockName() + ":" + SwitchmanContext.fencingToken();
  }

  @SwitchmanLock(name = "grouped", group = "workers")
  public String grouped() {
    return id;
  }

  /** Both annotations: the leases are taken first, then the lock. */
  @SwitchmanLock(name = "both")
  @SwitchmanLease(resource = "pool", capacity = "2")
  public String both() {
    Grant g = SwitchmanContext.current().orElseThrow();
    return g.name() + " lock=" + g.hasLock() + " leases=" + g.leases().size();
  }

  /** Waits up to 10 s for a held lock. */
  @SwitchmanLock(name = "patient", waitFor = "10s")
  public String patient() throws InterruptedException {
    probe.enter(id);
    try {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (!probe.holdUntil.getAsBoolean() && System.nanoTime() < deadline) {
        Thread.sleep(10);
      }
      return id;
    } finally {
      probe.exit(id);
    }
  }

  @SwitchmanLease(resource = "FQDN_cpu", amount = 1)
  public String hostLease() {
    return SwitchmanContext.lockName();
  }
}
