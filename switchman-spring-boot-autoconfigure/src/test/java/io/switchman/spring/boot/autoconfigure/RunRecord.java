/*
 * Copyright 2026 the switchman authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package io.switchman.spring.boot.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.switchman.core.Acquisition.Outcome;
import io.switchman.core.Grant;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.apache.zookeeper.data.Stat;

/**
 * What the jobs of several application contexts did, from their own timestamps (one JVM, one
 * nanoTime clock): intervals of runs, named events, skips and runs told to the listeners. Shared by
 * the contexts of one test.
 */
public final class RunRecord {

  /** One run of a job, from its own first to its last instruction. */
  public record Interval(String id, long startNanos, long endNanos) {}

  final List<Interval> intervals = new CopyOnWriteArrayList<>();
  final List<String> events = new CopyOnWriteArrayList<>();
  final Map<String, Long> times = new ConcurrentHashMap<>();
  final Map<String, AtomicInteger> skips = new ConcurrentHashMap<>();
  final List<String> acquiringThreads = new CopyOnWriteArrayList<>();
  final List<String> skippingThreads = new CopyOnWriteArrayList<>();

  /** Completes the Publisher of a job that waits for the test. */
  final reactor.core.publisher.Sinks.One<Integer> gate = reactor.core.publisher.Sinks.one();

  void interval(String id, long startNanos) {
    intervals.add(new Interval(id, startNanos, System.nanoTime()));
  }

  void event(String event) {
    times.putIfAbsent(event, System.nanoTime());
    events.add(event);
  }

  boolean has(String event) {
    return events.contains(event);
  }

  long nanos(String event) {
    Long t = times.get(event);
    if (t == null) {
      throw new AssertionError("no event '" + event + "' in " + events);
    }
    return t;
  }

  int skips(String name, String reason) {
    AtomicInteger n = skips.get(name + "/" + reason);
    return n == null ? 0 : n.get();
  }

  /** Asserts that no two runs overlapped, naming the first pair that did. */
  void assertNoOverlap() {
    List<Interval> sorted = new ArrayList<>(intervals);
    sorted.sort(Comparator.comparingLong(Interval::startNanos));
    for (int i = 1; i < sorted.size(); i++) {
      Interval prev = sorted.get(i - 1);
      Interval next = sorted.get(i);
      assertThat(next.startNanos())
          .as(
              "run of %s started %d ms before the run of %s ended (%d runs)",
              next.id(),
              TimeUnit.NANOSECONDS.toMillis(prev.endNanos() - next.startNanos()),
              prev.id(),
              sorted.size())
          .isGreaterThanOrEqualTo(prev.endNanos());
    }
  }

  /** A listener that records skips and the threads grants were acquired on. */
  SwitchmanRunListener listener() {
    return new SwitchmanRunListener() {
      @Override
      public void skipped(String name, Outcome outcome, Duration waited, String detail) {
        skips
            .computeIfAbsent(name + "/" + outcome.tag(), k -> new AtomicInteger())
            .incrementAndGet();
        skippingThreads.add(Thread.currentThread().getName());
      }

      @Override
      public Run startedDetached(String name, Grant grant, Duration waited) {
        acquiringThreads.add(
            Thread.currentThread().getName()
                + (reactor.core.scheduler.Schedulers.isInNonBlockingThread()
                    ? " (non-blocking)"
                    : ""));
        return Run.NONE;
      }
    };
  }

  /** Waits until no ephemeral znode is left under {@code prefix} (sessions closed or expired). */
  static void assertNoLeftoverNodes(String connectString, String prefix) throws Exception {
    try (CuratorFramework c =
        CuratorFrameworkFactory.newClient(connectString, 10_000, 5_000, new RetryOneTime(100))) {
      c.start();
      c.blockUntilConnected(10, TimeUnit.SECONDS);
      await()
          .atMost(Duration.ofSeconds(20))
          .untilAsserted(() -> assertThat(ephemerals(c, prefix)).isEmpty());
    }
  }

  private static List<String> ephemerals(CuratorFramework c, String path) throws Exception {
    List<String> found = new ArrayList<>();
    Stat stat = c.checkExists().forPath(path);
    if (stat == null) {
      return found;
    }
    if (stat.getEphemeralOwner() != 0) {
      found.add(path);
    }
    for (String child : c.getChildren().forPath(path)) {
      found.addAll(ephemerals(c, path.equals("/") ? "/" + child : path + "/" + child));
    }
    return found;
  }
}
