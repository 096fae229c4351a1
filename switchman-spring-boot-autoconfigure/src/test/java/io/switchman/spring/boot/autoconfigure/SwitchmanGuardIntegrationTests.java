/*
 * Copyright 2026 the switchman authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package io.switchman.spring.boot.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.switchman.core.ClusterData;
import io.switchman.core.SwitchmanEngine;
import io.switchman.core.testing.ZooKeeperServerExtension;
import io.switchman.spring.boot.autoconfigure.TestJobs.Probe;
import io.switchman.spring.boot.autoconfigure.metrics.SwitchmanMetricsAutoConfiguration;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.test.InstanceSpec;
import org.apache.curator.test.TestingServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/**
 * End to end: two or three application contexts, each with its own Curator session, on one real
 * ZooKeeper server (tickTime 200 ms, 4 s sessions).
 */
class SwitchmanGuardIntegrationTests {

  @RegisterExtension static final ZooKeeperServerExtension zk = new ZooKeeperServerExtension();

  private final Probe probe = new Probe();
  private final String prefix = "/it-" + UUID.randomUUID();
  private final ExecutorService pool = Executors.newCachedThreadPool();
  private final List<String> halts = new CopyOnWriteArrayList<>();

  private final ApplicationContextRunner runner =
      new ApplicationContextRunner()
          .withConfiguration(
              AutoConfigurations.of(
                  SwitchmanAutoConfiguration.class, SwitchmanMetricsAutoConfiguration.class))
          .withBean(Probe.class, () -> probe)
          .withBean(TestJobs.class)
          .withBean(SimpleMeterRegistry.class)
          .withBean(SwitchmanHalter.class, () -> halts::add)
          .withPropertyValues(
              "switchman.connect-string=" + zk.server().getConnectString(),
              "switchman.prefix=" + prefix,
              "switchman.session-timeout=4s",
              "switchman.connection-timeout=1s",
              "switchman.stop-timeout=1s",
              "switchman.capacities[FQDN_cpu]=CPU",
              // TestJobs' group and resources; checked at startup
              "switchman.cluster-data.groups.workers=worker1.example.com",
              "switchman.cluster-data.resources=pool,FQDN_cpu");

  @AfterEach
  void stopPool() {
    probe.letGo.set(true);
    pool.shutdownNow();
  }

  @Test
  void singletonJobShouldRunOnExactlyOneContextPerTick() {
    contexts(
        3,
        contexts -> {
          for (int tick = 0; tick < 3; tick++) {
            AtomicInteger returned = new AtomicInteger();
            probe.holdUntil = () -> returned.get() == 2;
            List<Future<String>> calls = new ArrayList<>();
            for (AssertableApplicationContext c : contexts) {
              calls.add(
                  submit(
                      () -> {
                        String r = c.getBean(TestJobs.class).singleton();
                        if (r == null) {
                          returned.incrementAndGet();
                        }
                        return r;
                      }));
            }
            List<String> results = new ArrayList<>();
            for (Future<String> f : calls) {
              results.add(get(f));
            }
            assertThat(results).filteredOn(r -> r != null).hasSize(1);
            assertThat(probe.maxRunning).hasValue(1);
          }
          assertThat(probe.runs).hasValue(3);
          assertThat(count(contexts, "switchman.acquisitions", "outcome", "busy")).isEqualTo(6);
          assertThat(count(contexts, "switchman.acquisitions", "outcome", "acquired")).isEqualTo(3);
        });
  }

  @Test
  void leaseCapacityShouldHoldAcrossContexts() {
    contexts(
        3,
        contexts -> {
          List<Future<String>> calls = new ArrayList<>();
          for (int round = 0; round < 3; round++) {
            for (AssertableApplicationContext c : contexts) {
              calls.add(submit(() -> c.getBean(TestJobs.class).leased()));
            }
          }
          calls.forEach(this::get);
          assertThat(probe.maxRunning).hasValue(2);
          assertThat(probe.runs.get()).isGreaterThanOrEqualTo(3);
        });
  }

  @Test
  void holdAtLeastShouldKeepTheLockAfterTheMethodReturned() {
    contexts(
        2,
        contexts -> {
          TestJobs a = contexts.get(0).getBean(TestJobs.class);
          TestJobs b = contexts.get(1).getBean(TestJobs.class);
          long start = System.nanoTime();
          assertThat(a.quick()).isEqualTo("a");
          assertThat(b.quick()).isNull();
          await().atMost(Duration.ofSeconds(10)).until(() -> b.quick() != null);
          assertThat(Duration.ofNanos(System.nanoTime() - start))
              .isGreaterThan(Duration.ofSeconds(2));
        });
  }

  @Test
  void maxDurationShouldInterruptTheMethodAndClearTheInterrupt() {
    runner
        .withPropertyValues("test.max-duration=300ms")
        .run(
            context -> {
              TestJobs jobs = context.getBean(TestJobs.class);
              AtomicBoolean interruptedAfter = new AtomicBoolean(true);
              long calledAt = System.nanoTime();
              String result =
                  get(
                      submit(
                          () -> {
                            String r = jobs.blocking();
                            interruptedAfter.set(Thread.currentThread().isInterrupted());
                            return r;
                          }));
              assertThat(result).isEqualTo("interrupted");
              assertThat(interruptedAfter).isFalse();
              long ranMillis = probe.millisTo("interrupted a", calledAt);
              assertThat(ranMillis).isBetween(300L, 5000L);
              System.out.printf(
                  "MEASURE maxDuration 300ms: interrupted %d ms after the call, %d ms after the"
                      + " method started%n",
                  ranMillis,
                  TimeUnit.NANOSECONDS.toMillis(
                      probe.times.get("interrupted a") - probe.times.get("start a")));
              // listeners are told on the guard's listener thread, after the interrupt
              await()
                  .atMost(Duration.ofSeconds(5))
                  .untilAsserted(
                      () ->
                          assertThat(
                                  context
                                      .getBean(MeterRegistry.class)
                                      .counter(
                                          "switchman.stops",
                                          "name",
                                          "blocking",
                                          "reason",
                                          "max-duration")
                                      .count())
                              .isEqualTo(1));
              assertThat(
                      context
                          .getBean(MeterRegistry.class)
                          .find("switchman.losses")
                          .tag("name", "blocking")
                          .counters())
                  .as("a maxDuration stop is not a loss")
                  .isEmpty();
              assertThat(context.getBean(SwitchmanEngine.class).grants()).isEmpty();
            });
  }

  @Test
  void expiredSessionShouldInterruptTheHolderBeforeAnotherContextStarts() {
    contexts(
        2,
        contexts -> {
          TestJobs a = contexts.get(0).getBean(TestJobs.class);
          TestJobs b = contexts.get(1).getBean(TestJobs.class);
          AtomicBoolean interruptedAfter = new AtomicBoolean(true);
          Future<String> holder =
              submit(
                  () -> {
                    String r = a.blocking();
                    interruptedAfter.set(Thread.currentThread().isInterrupted());
                    return r;
                  });
          await().until(() -> probe.running.get() == 1);
          assertThat(b.blocking()).isNull();
          long faultAt = System.nanoTime();
          contexts
              .get(0)
              .getBean(CuratorFramework.class)
              .getZookeeperClient()
              .getZooKeeper()
              .getTestable()
              .injectSessionExpiration();
          assertThat(get(holder)).isEqualTo("interrupted");
          assertThat(interruptedAfter).isFalse();
          // loss observers are told on the core's notifier thread, after the loss listeners
          await()
              .atMost(Duration.ofSeconds(5))
              .untilAsserted(
                  () ->
                      assertThat(
                              contexts
                                  .get(0)
                                  .getBean(MeterRegistry.class)
                                  .find("switchman.losses")
                                  .tag("name", "blocking")
                                  .counters())
                          .isNotEmpty()
                          .allSatisfy(
                              c ->
                                  assertThat(c.getId().getTag("reason"))
                                      .isIn("session-lost", "connection-suspended")));
          Future<String> next =
              submit(
                  () -> {
                    String r;
                    while ((r = b.blocking()) == null) {
                      Thread.sleep(50);
                    }
                    return r;
                  });
          await().atMost(Duration.ofSeconds(15)).until(() -> probe.events.contains("start b"));
          assertThat(probe.events)
              .containsSubsequence("start a", "interrupted a", "end a", "start b");
          System.out.printf(
              "MEASURE session expiry (S = 4 s): holder interrupted after %d ms, returned after %d ms;"
                  + " other context started after %d ms%n",
              probe.millisTo("interrupted a", faultAt),
              probe.millisTo("end a", faultAt),
              probe.millisTo("start b", faultAt));
          contexts.get(1).close();
          assertThat(get(next)).isEqualTo("interrupted");
        });
  }

  @Test
  void zooKeeperDownShouldSkipRunsNotRunThemUnguarded() throws Exception {
    try (TestingServer own =
        new TestingServer(new InstanceSpec(null, -1, -1, -1, true, -1, 200, -1), true)) {
      runner
          .withPropertyValues("switchman.connect-string=" + own.getConnectString())
          .run(
              context -> {
                TestJobs jobs = context.getBean(TestJobs.class);
                Future<String> holder = submit(jobs::blocking);
                await().until(() -> probe.running.get() == 1);
                own.stop();
                assertThat(get(holder)).isEqualTo("interrupted");
                assertThat(jobs.token()).isNull();
                assertThat(jobs.optional()).isEmpty();
                assertThat(probe.runs).hasValue(1);
                assertThat(
                        context
                            .getBean(MeterRegistry.class)
                            .counter("switchman.acquisitions", "name", "token", "outcome", "error")
                            .count())
                    .isEqualTo(1);
                own.restart();
                await().atMost(Duration.ofSeconds(15)).until(() -> jobs.token() != null);
              });
    }
  }

  @Test
  void stuckMethodShouldBeHaltedByDefault() {
    runner
        .withPropertyValues("switchman.stop-timeout=300ms")
        .run(
            context -> {
              TestJobs jobs = context.getBean(TestJobs.class);
              Future<?> stuck = pool.submit(jobs::stubborn);
              await().atMost(Duration.ofSeconds(15)).until(() -> !halts.isEmpty());
              assertThat(halts.get(0))
                  .contains("TestJobs.stubborn()")
                  .contains("has not returned")
                  .contains("MAX_DURATION")
                  .contains("lock 'stubborn'")
                  .endsWith("halting the JVM (switchman.on-stuck=halt)");
              probe.letGo.set(true);
              get(stuck);
              assertThat(halts).hasSize(1);
            });
  }

  @Test
  void stuckMethodShouldOnlyBeLoggedWhenOnStuckIsLog() {
    runner
        .withPropertyValues("switchman.on-stuck=log", "switchman.stop-timeout=300ms")
        .run(
            context -> {
              TestJobs jobs = context.getBean(TestJobs.class);
              Future<?> stuck = pool.submit(jobs::stubborn);
              await().until(() -> probe.running.get() == 1);
              // the stop timeout passes while it spins: nothing is halted
              await()
                  .during(Duration.ofMillis(800))
                  .atMost(Duration.ofSeconds(2))
                  .until(() -> halts.isEmpty() && probe.running.get() == 1);
              probe.letGo.set(true);
              get(stuck);
              assertThat(halts).isEmpty();
            });
  }

  @Test
  void skippedCallShouldReturnEmptyOptionalAndNull() {
    contexts(
        2,
        contexts -> {
          TestJobs a = contexts.get(0).getBean(TestJobs.class);
          TestJobs b = contexts.get(1).getBean(TestJobs.class);
          AtomicBoolean release = new AtomicBoolean();
          probe.holdUntil = release::get;
          Future<Optional<String>> holder = submit(a::optional);
          await().until(() -> probe.running.get() == 1);
          assertThat(b.optional()).isEmpty();
          release.set(true);
          assertThat(get(holder)).contains("a");
        });
  }

  @Test
  void exceptionShouldPropagateAndTheGrantBeReleased() {
    contexts(
        1,
        contexts -> {
          TestJobs a = contexts.get(0).getBean(TestJobs.class);
          assertThatIllegalStateException().isThrownBy(a::failing).withMessage("boom from a");
          assertThatIllegalStateException().isThrownBy(a::failing).withMessage("boom from a");
          assertThat(contexts.get(0).getBean(SwitchmanEngine.class).grants()).isEmpty();
        });
  }

  @Test
  void contextShouldGiveLockNameAndGrowingFencingTokens() {
    contexts(
        2,
        contexts -> {
          String first = contexts.get(0).getBean(TestJobs.class).token();
          String second = contexts.get(1).getBean(TestJobs.class).token();
          assertThat(first).startsWith("token:");
          assertThat(Long.parseLong(second.substring(6)))
              .isGreaterThan(Long.parseLong(first.substring(6)));
        });
  }

  @Test
  void groupShouldRestrictTheMethodToItsHosts() {
    runner
        .withPropertyValues("switchman.host=worker1.example.com")
        .run(
            worker -> {
              writeClusterData(worker);
              runner
                  .withPropertyValues("switchman.host=web1.example.com", "test.id=b")
                  .run(
                      web -> {
                        assertThat(worker.getBean(TestJobs.class).grouped()).isEqualTo("a");
                        assertThat(web.getBean(TestJobs.class).grouped()).isNull();
                        assertThat(
                                web.getBean(MeterRegistry.class)
                                    .counter(
                                        "switchman.acquisitions",
                                        "name",
                                        "grouped",
                                        "outcome",
                                        "not-in-group")
                                    .count())
                            .isEqualTo(1);
                      });
            });
  }

  @Test
  void bothAnnotationsShouldHoldTheLockAndTheLeases() {
    contexts(
        1,
        contexts ->
            assertThat(contexts.get(0).getBean(TestJobs.class).both())
                .isEqualTo("both lock=true leases=1"));
  }

  @Test
  void waitForShouldRunTheCallOnceTheHolderReturns() {
    contexts(
        2,
        contexts -> {
          TestJobs a = contexts.get(0).getBean(TestJobs.class);
          TestJobs b = contexts.get(1).getBean(TestJobs.class);
          AtomicBoolean release = new AtomicBoolean();
          probe.holdUntil = release::get;
          Future<String> holder = submit(a::patient);
          await().until(() -> probe.running.get() == 1);
          Future<String> waiter = submit(b::patient);
          await()
              .during(Duration.ofMillis(300))
              .atMost(Duration.ofSeconds(2))
              .until(() -> !waiter.isDone() && probe.runs.get() == 1);
          release.set(true);
          assertThat(get(holder)).isEqualTo("a");
          assertThat(get(waiter)).isEqualTo("b");
          assertThat(probe.events).containsSubsequence("start a", "end a", "start b", "end b");
          assertThat(probe.maxRunning).hasValue(1);
        });
  }

  @Test
  void hostLeaseShouldTakeItsCapacityFromTheProperties() {
    contexts(
        1,
        contexts ->
            assertThat(contexts.get(0).getBean(TestJobs.class).hostLease())
                .isEqualTo("TestJobs.hostLease"));
  }

  @Test
  void shutdownShouldInterruptRunningMethodsAndReleaseTheirGrants() {
    contexts(
        2,
        contexts -> {
          TestJobs a = contexts.get(0).getBean(TestJobs.class);
          TestJobs b = contexts.get(1).getBean(TestJobs.class);
          Future<String> holder = submit(a::blocking);
          await().until(() -> probe.running.get() == 1);
          contexts.get(0).close();
          assertThat(get(holder)).isEqualTo("interrupted");
          // released at once, not after the session timeout
          probe.letGo.set(false);
          AtomicReference<String> next = new AtomicReference<>();
          Future<?> second = pool.submit(() -> next.set(b.blocking()));
          await().atMost(Duration.ofSeconds(2)).until(() -> probe.events.contains("start b"));
          contexts.get(1).close();
          get(second);
          assertThat(next).hasValue("interrupted");
          // after shutdown, calls are skipped
          assertThat(b.token()).isNull();
        });
  }

  // ---------------------------------------------------------------- helpers

  /** Runs {@code body} with {@code n} contexts (separate sessions), cluster data written first. */
  private void contexts(int n, Body body) {
    List<AssertableApplicationContext> started = new ArrayList<>();
    try {
      nest(n, started, body);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  private void nest(int n, List<AssertableApplicationContext> started, Body body) throws Exception {
    if (started.size() == n) {
      body.accept(started);
      return;
    }
    runner
        .withPropertyValues("test.id=" + (char) ('a' + started.size()))
        .run(
            context -> {
              assertThat(context).hasNotFailed();
              if (started.isEmpty()) {
                writeClusterData(context);
              }
              started.add(context);
              nest(n, started, body);
            });
  }

  private static void writeClusterData(AssertableApplicationContext context) throws Exception {
    context
        .getBean(SwitchmanEngine.class)
        .writeClusterData(
            new ClusterData(
                Map.of("workers", List.of("worker1.example.com")),
                List.of("pool", "FQDN_cpu"),
                Map.of()));
  }

  private double count(
      List<AssertableApplicationContext> contexts, String meter, String tag, String value) {
    double sum = 0;
    for (AssertableApplicationContext c : contexts) {
      sum +=
          c.getBean(MeterRegistry.class).find(meter).tag(tag, value).counters().stream()
              .mapToDouble(x -> x.count())
              .sum();
    }
    return sum;
  }

  /** A test body over started contexts. */
  @FunctionalInterface
  interface Body {
    void accept(List<AssertableApplicationContext> contexts) throws Exception;
  }

  private <T> Future<T> submit(Callable<T> call) {
    return pool.submit(call);
  }

  private <T> T get(Future<T> future) {
    try {
      return future.get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }
}
