/*
 * Copyright 2026 the switchman authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package io.switchman.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.switchman.core.Acquisition.Outcome;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class LockTest extends EngineTestBase {

  @Test
  void secondTryOnHeldLockIsBusyAndNamesAreIndependent() throws Exception {
    SwitchmanEngine a = engine("host-a");
    SwitchmanEngine b = engine("host-b");

    Acquisition first = a.acquire(lock("job"));
    assertThat(first.outcome()).isEqualTo(Outcome.ACQUIRED);

    Acquisition second = b.acquire(lock("job"));
    assertThat(second.outcome()).isEqualTo(Outcome.BUSY);
    assertThat(second.grant()).isNull();
    assertThat(second.detail()).isEqualTo("lock 'job' is held");

    Acquisition other = b.acquire(lock("other-job"));
    assertThat(other.outcome()).isEqualTo(Outcome.ACQUIRED);
    assertThat(first.grant().isHeld()).isTrue();
  }

  @Test
  void lockCanBeTakenAgainRightAfterReleaseTenTimesInARow() throws Exception {
    SwitchmanEngine a = engine("host-a");
    SwitchmanEngine b = engine("host-b");
    for (int i = 0; i < 10; i++) {
      SwitchmanEngine taker = i % 2 == 0 ? a : b;
      SwitchmanEngine other = i % 2 == 0 ? b : a;
      Acquisition acq = taker.acquire(lock("job"));
      assertThat(acq.outcome()).as("round %d", i).isEqualTo(Outcome.ACQUIRED);
      assertThat(other.acquire(lock("job")).outcome()).isEqualTo(Outcome.BUSY);
      acq.grant().release();
      assertThat(acq.grant().isHeld()).isFalse();
    }
    assertThat(zk.client(SESSION).getChildren().forPath("/switchman/locks")).isEmpty();
  }

  @Test
  void releaseIsIdempotent() throws Exception {
    SwitchmanEngine a = engine("host-a");
    Grant g = a.acquire(lock("job")).grant();
    g.release();
    g.release();
    g.close();
    assertThat(a.grants()).isEmpty();
    assertThat(a.acquire(lock("job")).outcome()).isEqualTo(Outcome.ACQUIRED);
  }

  @Test
  void fuzzEightThreadsTwoNamesCountersStayExact() throws Exception {
    List<SwitchmanEngine> engines = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      engines.add(engine("host-" + i));
    }
    int[] counters = new int[2];
    AtomicInteger[] inside = {new AtomicInteger(), new AtomicInteger()};
    AtomicInteger violations = new AtomicInteger();
    AtomicInteger runs = new AtomicInteger();
    ExecutorService pool = Executors.newFixedThreadPool(8);
    CountDownLatch start = new CountDownLatch(1);
    List<Future<?>> futures = new ArrayList<>();
    for (int t = 0; t < 8; t++) {
      SwitchmanEngine e = engines.get(t % 4);
      int name = t % 2;
      futures.add(
          pool.submit(
              () -> {
                start.await();
                for (int i = 0; i < 25; i++) {
                  Acquisition acq =
                      e.acquire(
                          GrantRequest.builder("counter-" + name)
                              .lockWait(Duration.ofSeconds(20))
                              .build());
                  if (acq.outcome() != Outcome.ACQUIRED) {
                    throw new AssertionError(acq.detail());
                  }
                  try {
                    if (inside[name].incrementAndGet() != 1) {
                      violations.incrementAndGet();
                    }
                    int v = counters[name]; // non-atomic read-modify-write
                    Thread.yield();
                    counters[name] = v + 1;
                    inside[name].decrementAndGet();
                    runs.incrementAndGet();
                  } finally {
                    acq.grant().release();
                  }
                }
                return null;
              }));
    }
    start.countDown();
    for (Future<?> f : futures) {
      f.get(60, TimeUnit.SECONDS);
    }
    pool.shutdown();
    assertThat(violations).hasValue(0);
    assertThat(runs).hasValue(200);
    assertThat(counters).containsExactly(100, 100);
  }

  @Test
  void waitingRequestsAreServedInArrivalOrder() throws Exception {
    SwitchmanEngine holder = engine("host-h");
    Grant held = holder.acquire(lock("job")).grant();
    List<String> order = new java.util.concurrent.CopyOnWriteArrayList<>();
    ExecutorService pool = Executors.newFixedThreadPool(3);
    List<Future<?>> futures = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      SwitchmanEngine e = engine("host-" + i);
      String me = "w" + i;
      futures.add(
          pool.submit(
              () -> {
                Acquisition acq =
                    e.acquire(GrantRequest.builder("job").lockWait(Duration.ofSeconds(20)).build());
                order.add(me);
                acq.grant().release();
                return null;
              }));
      // the next waiter arrives only once this one is queued
      int queued = i + 1;
      await()
          .atMost(Duration.ofSeconds(5))
          .until(
              () ->
                  zk.client(SESSION).getChildren().forPath("/switchman/waiters/job").size()
                      == queued);
    }
    held.release();
    for (Future<?> f : futures) {
      f.get(20, TimeUnit.SECONDS);
    }
    pool.shutdown();
    assertThat(order).containsExactly("w0", "w1", "w2");
  }

  @Test
  void waitForTimesOutWhenTheLockStaysHeld() throws Exception {
    SwitchmanEngine a = engine("host-a");
    SwitchmanEngine b = engine("host-b");
    a.acquire(lock("job"));
    long t0 = System.nanoTime();
    Acquisition acq =
        b.acquire(GrantRequest.builder("job").lockWait(Duration.ofMillis(500)).build());
    long waitedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
    assertThat(acq.outcome()).isEqualTo(Outcome.TIMEOUT);
    assertThat(acq.detail()).isEqualTo("lock 'job' still held after waiting 500ms");
    assertThat(waitedMs).isBetween(450L, 3000L);
    assertThat(zk.client(SESSION).getChildren().forPath("/switchman/waiters/job")).isEmpty();
  }

  @Test
  void secondRequestOfTheSameEngineIsBusyAndThenServedAfterRelease() throws Exception {
    SwitchmanEngine a = engine("host-a");
    Grant first = a.acquire(lock("job")).grant();
    Acquisition again = a.acquire(lock("job"));
    assertThat(again.outcome()).isEqualTo(Outcome.BUSY);
    assertThat(again.detail()).isEqualTo("lock 'job' is held");

    ExecutorService pool = Executors.newSingleThreadExecutor();
    Future<Acquisition> waiting =
        pool.submit(
            () -> a.acquire(GrantRequest.builder("job").lockWait(Duration.ofSeconds(10)).build()));
    await()
        .during(Duration.ofMillis(300))
        .atMost(Duration.ofSeconds(2))
        .until(() -> !waiting.isDone());
    first.release();
    Grant second = waiting.get(5, TimeUnit.SECONDS).grant();
    assertThat(second).isNotNull();
    assertThat(second.fencingToken()).isGreaterThan(first.fencingToken());
    pool.shutdown();
  }

  @Test
  void fencingTokensStrictlyIncreaseAcrossSessions() throws Exception {
    List<SwitchmanEngine> engines = List.of(engine("a"), engine("b"), engine("c"));
    long last = -1;
    for (int i = 0; i < 12; i++) {
      Grant g = engines.get(i % 3).acquire(lock("job")).grant();
      assertThat(g.fencingToken()).isGreaterThan(last);
      last = g.fencingToken();
      g.release();
    }
  }
}
