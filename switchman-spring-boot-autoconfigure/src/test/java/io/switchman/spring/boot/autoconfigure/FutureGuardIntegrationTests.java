/*
 * Copyright 2026 the switchman authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package io.switchman.spring.boot.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.switchman.annotation.SwitchmanLock;
import io.switchman.core.SwitchmanContext;
import io.switchman.core.SwitchmanEngine;
import io.switchman.core.testing.TcpProxy;
import io.switchman.core.testing.ZooKeeperServerExtension;
import io.switchman.spring.boot.autoconfigure.metrics.SwitchmanMetricsAutoConfiguration;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Configuration;
import org.springframework.scheduling.annotation.Async;
import org.springframework.scheduling.annotation.EnableAsync;

/** Methods returning a CompletableFuture or CompletionStage: held until the future completes. */
class FutureGuardIntegrationTests {

  @RegisterExtension static final ZooKeeperServerExtension zk = new ZooKeeperServerExtension();

  private static final ExecutorService WORKERS = Executors.newCachedThreadPool();

  private final RunRecord record = new RunRecord();
  private final String prefix = "/futures-" + UUID.randomUUID();
  private final ExecutorService callers = Executors.newCachedThreadPool();
  private final ApplicationContextRunner runner =
      new ApplicationContextRunner()
          .withConfiguration(
              AutoConfigurations.of(
                  SwitchmanAutoConfiguration.class, SwitchmanMetricsAutoConfiguration.class))
          .withBean(RunRecord.class, () -> record)
          .withBean(SwitchmanRunListener.class, record::listener)
          .withBean(SimpleMeterRegistry.class)
          .withBean(Jobs.class)
          .withPropertyValues(
              "switchman.prefix=" + prefix,
              "switchman.session-timeout=4s",
              "switchman.connection-timeout=1s",
              "switchman.stop-timeout=1s");

  @AfterEach
  void stopCallers() {
    callers.shutdownNow();
  }

  private ApplicationContextRunner direct(String id) {
    return runner.withPropertyValues(
        "switchman.connect-string=" + zk.connectString(), "test.id=" + id);
  }

  @Test
  void futuresShouldRunOnOneContextAtATime() throws Exception {
    direct("a")
        .run(
            a ->
                direct("b")
                    .run(
                        b ->
                            direct("c")
                                .run(
                                    c -> {
                                      AtomicBoolean stop = new AtomicBoolean();
                                      List<Future<?>> loops = new CopyOnWriteArrayList<>();
                                      for (var ctx : List.of(a, b, c)) {
                                        Jobs jobs = ctx.getBean(Jobs.class);
                                        loops.add(
                                            callers.submit(
                                                () -> {
                                                  while (!stop.get()) {
                                                    jobs.work().toCompletableFuture().join();
                                                    Thread.sleep(5);
                                                  }
                                                  return null;
                                                }));
                                      }
                                      await()
                                          .atMost(Duration.ofSeconds(30))
                                          .until(() -> record.intervals.size() >= 12);
                                      stop.set(true);
                                      for (Future<?> f : loops) {
                                        f.get(10, TimeUnit.SECONDS);
                                      }
                                      record.assertNoOverlap();
                                      assertThat(record.skips("future-work", "busy")).isPositive();
                                    })));
    RunRecord.assertNoLeftoverNodes(zk.connectString(), prefix);
  }

  @Test
  void partitionedHolderShouldBeCancelledBeforeAnotherContextStarts() throws Exception {
    try (TcpProxy proxy = new TcpProxy(zk.server().getPort())) {
      runner
          .withPropertyValues("switchman.connect-string=" + proxy.connectString(), "test.id=a")
          .run(
              a ->
                  direct("b")
                      .run(
                          b -> {
                            Jobs jobsA = a.getBean(Jobs.class);
                            CompletableFuture<String> held = jobsA.hold();
                            CompletableFuture<String> original = jobsA.lastHold();
                            assertThat(record.has("start a")).isTrue();
                            long faultAt = System.nanoTime();
                            proxy.partition();
                            Jobs jobsB = b.getBean(Jobs.class);
                            await()
                                .atMost(Duration.ofSeconds(20))
                                .pollInterval(Duration.ofMillis(100))
                                .until(
                                    () -> {
                                      jobsB.hold();
                                      return record.has("start b");
                                    });
                            assertThat(record.events)
                                .containsSubsequence("start a", "cancelled a", "start b");
                            assertThat(record.nanos("cancelled a"))
                                .isLessThan(record.nanos("start b"));
                            assertThat(original).isCancelled();
                            assertThatThrownBy(() -> held.get(5, TimeUnit.SECONDS))
                                .isInstanceOf(ExecutionException.class)
                                .cause()
                                .isInstanceOf(SwitchmanStoppedException.class)
                                .hasMessageStartingWith(
                                    "Cancelled "
                                        + Jobs.class.getName()
                                        + ".hold() under lock 'future-hold' (fencing token ")
                                .hasMessageContaining("): its grant was lost (");
                            System.out.printf(
                                "MEASURE future partition (S = 4 s): cancelled after %d ms, other"
                                    + " context started after %d ms%n",
                                (record.nanos("cancelled a") - faultAt) / 1_000_000,
                                (record.nanos("start b") - faultAt) / 1_000_000);
                          }));
    }
    RunRecord.assertNoLeftoverNodes(zk.connectString(), prefix);
  }

  @Test
  void skippedCallShouldCompleteWithNullAndBeCounted() throws Exception {
    direct("a")
        .run(
            a ->
                direct("b")
                    .run(
                        b -> {
                          a.getBean(Jobs.class).hold();
                          CompletableFuture<String> skipped = b.getBean(Jobs.class).hold();
                          assertThat(skipped).isCompletedWithValue(null);
                          assertThat(record.has("start b")).isFalse();
                          assertThat(record.skips("future-hold", "busy")).isEqualTo(1);
                          assertThat(
                                  b.getBean(SimpleMeterRegistry.class)
                                      .get("switchman.acquisitions")
                                      .tags("name", "future-hold", "outcome", "busy")
                                      .counter()
                                      .count())
                              .isEqualTo(1);
                        }));
    RunRecord.assertNoLeftoverNodes(zk.connectString(), prefix);
  }

  @Test
  void grantShouldBeHeldUntilTheFutureCompletes() {
    direct("a")
        .run(
            context -> {
              Jobs jobs = context.getBean(Jobs.class);
              SwitchmanEngine engine = context.getBean(SwitchmanEngine.class);
              CompletableFuture<String> held = jobs.hold();
              assertThat(engine.grants()).hasSize(1);
              jobs.lastHold().complete("done");
              assertThat(held.get(5, TimeUnit.SECONDS)).isEqualTo("done");
              assertThat(engine.grants()).isEmpty();
            });
  }

  @Test
  void methodStillRunningAtMaxDurationShouldBeInterruptedAndItsFutureFail() {
    direct("a")
        .run(
            context -> {
              Jobs jobs = context.getBean(Jobs.class);
              CompletableFuture<String> result = jobs.slowToReturn();
              assertThat(record.has("slow interrupted")).isTrue();
              assertThat(Thread.currentThread().isInterrupted()).isFalse();
              assertThatThrownBy(() -> result.get(5, TimeUnit.SECONDS))
                  .cause()
                  .isInstanceOf(SwitchmanStoppedException.class)
                  .hasMessageEndingWith("it ran longer than its maxDuration of 300ms");
              await().until(() -> context.getBean(SwitchmanEngine.class).grants().isEmpty());
            });
  }

  @Test
  void asyncMethodShouldBeGuardedOnTheExecutorThread() {
    direct("a")
        .withUserConfiguration(AsyncJobs.class)
        .run(
            context -> {
              String seen = context.getBean(AsyncJobs.class).report().get(10, TimeUnit.SECONDS);
              assertThat(seen).startsWith("future-async on ").doesNotContain("main");
            });
  }

  /** Jobs returning futures; one instance per context. */
  public static class Jobs {
    private final RunRecord record;
    private final String id;
    volatile CompletableFuture<String> lastHold = new CompletableFuture<>();

    public Jobs(RunRecord record, @Value("${test.id:a}") String id) {
      this.record = record;
      this.id = id;
    }

    public CompletableFuture<String> lastHold() {
      return lastHold;
    }

    /** Works 150 ms on another thread, timestamped by itself. */
    @SwitchmanLock(name = "future-work")
    public CompletionStage<Void> work() {
      return CompletableFuture.runAsync(
          () -> {
            long start = System.nanoTime();
            try {
              Thread.sleep(150);
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
            record.interval(id, start);
          },
          WORKERS);
    }

    /** A future completed by the test, or cancelled. */
    @SwitchmanLock(name = "future-hold")
    public CompletableFuture<String> hold() {
      record.event("start " + id);
      CompletableFuture<String> f = new CompletableFuture<>();
      f.whenComplete(
          (v, e) -> {
            if (f.isCancelled()) {
              record.event("cancelled " + id);
            }
          });
      lastHold = f;
      return f;
    }

    /** Blocks before returning its future, until interrupted. */
    @SwitchmanLock(name = "future-slow", maxDuration = "300ms")
    public CompletableFuture<String> slowToReturn() {
      try {
        Thread.sleep(20_000);
        return CompletableFuture.completedFuture("slept");
      } catch (InterruptedException e) {
        record.event("slow interrupted");
        return CompletableFuture.completedFuture("interrupted");
      }
    }
  }

  /** {@code @Async} dispatch, then the guard on the executor's thread. */
  @Configuration(proxyBeanMethods = false)
  @EnableAsync
  static class AsyncJobs {
    @Async
    @SwitchmanLock(name = "future-async")
    public CompletableFuture<String> report() {
      return CompletableFuture.completedFuture(
          SwitchmanContext.lockName() + " on " + Thread.currentThread().getName());
    }
  }
}
