/*
 * Copyright 2026 the switchman authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package io.switchman.spring.boot.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.MeterRegistry;
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
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Configuration;
import org.springframework.scheduling.annotation.EnableScheduling;
import org.springframework.scheduling.annotation.Scheduled;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.test.StepVerifier;

/**
 * Methods returning a Mono or a Flux: guarded for their whole subscription, with real ZooKeeper,
 * several application contexts and a partition through a TCP proxy.
 */
class ReactiveGuardIntegrationTests {

  @RegisterExtension static final ZooKeeperServerExtension zk = new ZooKeeperServerExtension();

  private final RunRecord record = new RunRecord();
  private final String prefix = "/reactive-" + UUID.randomUUID();
  private final ApplicationContextRunner runner =
      new ApplicationContextRunner()
          .withConfiguration(
              AutoConfigurations.of(
                  SwitchmanAutoConfiguration.class, SwitchmanMetricsAutoConfiguration.class))
          .withBean(RunRecord.class, () -> record)
          .withBean(SwitchmanRunListener.class, record::listener)
          .withBean(SimpleMeterRegistry.class)
          .withPropertyValues(
              "switchman.prefix=" + prefix,
              "switchman.session-timeout=4s",
              "switchman.connection-timeout=1s",
              "switchman.stop-timeout=1s");

  private ApplicationContextRunner direct(String id) {
    return runner.withPropertyValues(
        "switchman.connect-string=" + zk.server().getConnectString(), "test.id=" + id);
  }

  @Test
  void scheduledMonoShouldRunOnOneContextAtATime() throws Exception {
    ApplicationContextRunner r = runner.withUserConfiguration(ScheduledBeat.class);
    r.withPropertyValues("switchman.connect-string=" + zk.connectString(), "test.id=a")
        .run(
            a ->
                r.withPropertyValues("switchman.connect-string=" + zk.connectString(), "test.id=b")
                    .run(
                        b ->
                            r.withPropertyValues(
                                    "switchman.connect-string=" + zk.connectString(), "test.id=c")
                                .run(
                                    c -> {
                                      await()
                                          .atMost(Duration.ofSeconds(30))
                                          .until(() -> record.intervals.size() >= 12);
                                      close(a, b, c);
                                      record.assertNoOverlap();
                                      int skipped =
                                          record.skips("reactive-beat", "busy")
                                              + record.skips("reactive-beat", "timeout");
                                      assertThat(skipped).isPositive();
                                    })));
    RunRecord.assertNoLeftoverNodes(zk.connectString(), prefix);
  }

  @Test
  void partitionedHolderShouldBeCancelledBeforeAnotherContextStarts() throws Exception {
    try (TcpProxy proxy = new TcpProxy(zk.server().getPort())) {
      runner
          .withBean(Jobs.class)
          .withPropertyValues("switchman.connect-string=" + proxy.connectString(), "test.id=a")
          .run(
              a ->
                  direct("b")
                      .withBean(Jobs.class)
                      .run(
                          b -> {
                            AtomicReference<Throwable> error = new AtomicReference<>();
                            a.getBean(Jobs.class).hold().subscribe(v -> {}, error::set);
                            await().until(() -> record.has("start a"));
                            long faultAt = System.nanoTime();
                            proxy.partition();
                            Jobs jobsB = b.getBean(Jobs.class);
                            await()
                                .atMost(Duration.ofSeconds(20))
                                .pollInterval(Duration.ofMillis(100))
                                .until(
                                    () -> {
                                      jobsB.hold().subscribe();
                                      return record.has("start b");
                                    });
                            assertThat(record.events)
                                .containsSubsequence("start a", "cancelled a", "start b");
                            assertThat(record.nanos("cancelled a"))
                                .isLessThan(record.nanos("start b"));
                            await().untilAsserted(() -> assertThat(error.get()).isNotNull());
                            assertThat(error.get())
                                .isInstanceOf(SwitchmanStoppedException.class)
                                .hasMessageStartingWith(
                                    "Cancelled "
                                        + Jobs.class.getName()
                                        + ".hold() under lock 'reactive-hold' (fencing token ")
                                .hasMessageContaining("): its grant was lost (");
                            assertThat(((SwitchmanStoppedException) error.get()).lockName())
                                .isEqualTo("reactive-hold");
                            System.out.printf(
                                "MEASURE reactive partition (S = 4 s): cancelled after %d ms,"
                                    + " other context started after %d ms%n",
                                (record.nanos("cancelled a") - faultAt) / 1_000_000,
                                (record.nanos("start b") - faultAt) / 1_000_000);
                          }));
    }
    RunRecord.assertNoLeftoverNodes(zk.connectString(), prefix);
  }

  @Test
  void skippedCallShouldBeAnEmptyPublisherAndCounted() throws Exception {
    direct("a")
        .withBean(Jobs.class)
        .run(
            a ->
                direct("b")
                    .withBean(Jobs.class)
                    .run(
                        b -> {
                          a.getBean(Jobs.class).hold().subscribe();
                          await().until(() -> record.has("start a"));
                          Jobs jobsB = b.getBean(Jobs.class);
                          StepVerifier.create(jobsB.hold()).verifyComplete();
                          StepVerifier.create(jobsB.items()).expectNext(1, 2, 3).verifyComplete();
                          assertThat(record.has("start b")).isFalse();
                          assertThat(record.skips("reactive-hold", "busy")).isEqualTo(1);
                          MeterRegistry meters = b.getBean(MeterRegistry.class);
                          assertThat(
                                  meters
                                      .get("switchman.acquisitions")
                                      .tags("name", "reactive-hold", "outcome", "busy")
                                      .counter()
                                      .count())
                              .isEqualTo(1);
                        }));
    RunRecord.assertNoLeftoverNodes(zk.connectString(), prefix);
  }

  @Test
  void unreachableZooKeeperShouldGiveAnEmptyPublisherCountedAsAnErrorOffTheSubscribersThread()
      throws Exception {
    try (TcpProxy proxy = new TcpProxy(zk.server().getPort())) {
      proxy.partition();
      runner
          .withBean(Jobs.class)
          .withPropertyValues("switchman.connect-string=" + proxy.connectString())
          .run(
              context -> {
                StepVerifier.create(
                        context.getBean(Jobs.class).items().subscribeOn(Schedulers.parallel()))
                    .verifyComplete();
                assertThat(record.skips("reactive-items", "error")).isEqualTo(1);
                assertThat(record.skippingThreads)
                    .singleElement()
                    .asString()
                    .startsWith("boundedElastic");
                assertThat(record.has("items a")).isFalse();
              });
    }
  }

  @Test
  void grantShouldBeHeldUntilCompletionAndAcquiredOffTheNonBlockingThread() {
    direct("a")
        .withBean(Jobs.class)
        .run(
            context -> {
              Jobs jobs = context.getBean(Jobs.class);
              SwitchmanEngine engine = context.getBean(SwitchmanEngine.class);
              StepVerifier.create(jobs.gated().subscribeOn(Schedulers.parallel()))
                  .expectNext(1)
                  .then(
                      () -> {
                        assertThat(engine.grants()).hasSize(1);
                        record.gate.tryEmitValue(2);
                      })
                  .expectNext(2)
                  .verifyComplete();
              assertThat(engine.grants()).isEmpty();
              assertThat(record.acquiringThreads)
                  .singleElement()
                  .asString()
                  .startsWith("boundedElastic")
                  .doesNotContain("non-blocking");
              // each subscription is one run
              Flux<Integer> items = jobs.items();
              StepVerifier.create(items).expectNext(1, 2, 3).verifyComplete();
              StepVerifier.create(items).expectNext(1, 2, 3).verifyComplete();
              assertThat(record.events.stream().filter("items a"::equals)).hasSize(2);
            });
  }

  @Test
  void cancelledSubscriptionShouldReleaseTheGrant() {
    direct("a")
        .withBean(Jobs.class)
        .run(
            context -> {
              Jobs jobs = context.getBean(Jobs.class);
              SwitchmanEngine engine = context.getBean(SwitchmanEngine.class);
              var subscription = jobs.hold().subscribe();
              await().until(() -> record.has("start a"));
              assertThat(engine.grants()).hasSize(1);
              subscription.dispose();
              await().until(() -> engine.grants().isEmpty());
              assertThat(record.has("cancelled a")).isTrue();
            });
  }

  @Test
  void maxDurationShouldCancelWithAnErrorNamingTheLock() {
    direct("a")
        .withBean(Jobs.class)
        .run(
            context -> {
              Jobs jobs = context.getBean(Jobs.class);
              StepVerifier.create(jobs.slow())
                  .expectErrorSatisfies(
                      e ->
                          assertThat(e)
                              .isInstanceOf(SwitchmanStoppedException.class)
                              .hasMessageEndingWith(
                                  "under lock 'reactive-slow' (fencing token "
                                      + ((SwitchmanStoppedException) e).fencingToken()
                                      + "): it ran longer than its maxDuration of 300ms"))
                  .verify(Duration.ofSeconds(10));
              assertThat(record.has("cancelled slow")).isTrue();
              await().until(() -> context.getBean(SwitchmanEngine.class).grants().isEmpty());
            });
  }

  @Test
  void blockingWorkSubscribedOnBoundedElasticShouldBeInterruptedOnCancel() {
    direct("a")
        .withBean(Jobs.class)
        .run(
            context -> {
              StepVerifier.create(context.getBean(Jobs.class).blockingInside())
                  .expectError(SwitchmanStoppedException.class)
                  .verify(Duration.ofSeconds(10));
              await().atMost(Duration.ofSeconds(5)).until(() -> record.has("blocking interrupted"));
            });
  }

  @Test
  void holdAtLeastShouldKeepTheGrantAfterCompletion() {
    direct("a")
        .withBean(Jobs.class)
        .run(
            context -> {
              Jobs jobs = context.getBean(Jobs.class);
              long start = System.nanoTime();
              StepVerifier.create(jobs.quick()).expectNext("quick").verifyComplete();
              StepVerifier.create(jobs.quick()).verifyComplete();
              await()
                  .atMost(Duration.ofSeconds(15))
                  .pollInterval(Duration.ofMillis(100))
                  .until(() -> "quick".equals(jobs.quick().block(Duration.ofSeconds(5))));
              assertThat(Duration.ofNanos(System.nanoTime() - start))
                  .isGreaterThanOrEqualTo(Duration.ofSeconds(3));
            });
  }

  @Test
  void grantShouldBeInTheReactorContext() {
    direct("a")
        .withBean(Jobs.class)
        .run(
            context -> {
              Jobs jobs = context.getBean(Jobs.class);
              String seen = jobs.context().block(Duration.ofSeconds(10));
              assertThat(seen)
                  .matches("reactive-context:[1-9][0-9]*/called under reactive-context");
              StepVerifier.create(SwitchmanReactiveContext.assertHeld())
                  .expectErrorMessage(
                      "No switchman grant in this Reactor Context: the pipeline is not part of a"
                          + " Publisher returned by a method guarded by @SwitchmanLock or"
                          + " @SwitchmanLease")
                  .verify();
            });
  }

  private static void close(ConfigurableApplicationContext... contexts) {
    for (ConfigurableApplicationContext c : contexts) {
      c.close();
    }
  }

  /** Reactive jobs; one instance per context. */
  public static class Jobs {
    private final RunRecord record;
    private final String id;
    final List<String> calls = new CopyOnWriteArrayList<>();

    public Jobs(RunRecord record, @Value("${test.id:a}") String id) {
      this.record = record;
      this.id = id;
    }

    /** Holds its lock until cancelled. */
    @SwitchmanLock(name = "reactive-hold")
    public Mono<String> hold() {
      return Mono.<String>never()
          .doOnSubscribe(s -> record.event("start " + id))
          .doOnCancel(() -> record.event("cancelled " + id));
    }

    @SwitchmanLock(name = "reactive-items")
    public Flux<Integer> items() {
      record.event("items " + id);
      return Flux.range(1, 3).delayElements(Duration.ofMillis(50));
    }

    /** Emits 1, then waits for the test to open the gate. */
    @SwitchmanLock(name = "reactive-gated")
    public Flux<Integer> gated() {
      return Flux.concat(Mono.just(1), record.gate.asMono());
    }

    @SwitchmanLock(name = "reactive-slow", maxDuration = "300ms")
    public Mono<String> slow() {
      return Mono.<String>never().doOnCancel(() -> record.event("cancelled slow"));
    }

    /** Blocking work inside the pipeline, on boundedElastic: interrupted when cancelled. */
    @SwitchmanLock(name = "reactive-blocking", maxDuration = "300ms")
    public Mono<String> blockingInside() {
      return Mono.fromCallable(
              () -> {
                try {
                  Thread.sleep(20_000);
                  return "slept";
                } catch (InterruptedException e) {
                  record.event("blocking interrupted");
                  return "interrupted";
                }
              })
          .subscribeOn(Schedulers.boundedElastic());
    }

    @SwitchmanLock(name = "reactive-quick", holdAtLeast = "3s")
    public Mono<String> quick() {
      return Mono.just("quick");
    }

    @SwitchmanLock(name = "reactive-context")
    public Mono<String> context() {
      String calledUnder = SwitchmanContext.lockName();
      return Mono.delay(Duration.ofMillis(20))
          .then(SwitchmanReactiveContext.lockName())
          .zipWith(SwitchmanReactiveContext.fencingToken())
          .map(t -> t.getT1() + ":" + t.getT2() + "/called under " + calledUnder);
    }
  }

  /** A scheduled Mono that beats for 150 ms, timestamped by itself. */
  @Configuration(proxyBeanMethods = false)
  @EnableScheduling
  static class ScheduledBeat {
    private final RunRecord record;
    private final String id;

    ScheduledBeat(RunRecord record, @Value("${test.id}") String id) {
      this.record = record;
      this.id = id;
    }

    @Scheduled(fixedDelay = 10)
    @SwitchmanLock(name = "reactive-beat")
    public Mono<Void> beat() {
      return Mono.defer(
          () -> {
            long start = System.nanoTime();
            return Mono.delay(Duration.ofMillis(150))
                .doOnNext(x -> record.interval(id, start))
                .then();
          });
    }
  }
}
