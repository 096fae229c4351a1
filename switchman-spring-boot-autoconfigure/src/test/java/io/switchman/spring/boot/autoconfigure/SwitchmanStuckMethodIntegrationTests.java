/*
 * Copyright 2026 the switchman authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package io.switchman.spring.boot.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.switchman.core.testing.TcpProxy;
import io.switchman.core.testing.ZooKeeperServerExtension;
import io.switchman.spring.boot.autoconfigure.StuckJobs.LosingListener;
import io.switchman.spring.boot.autoconfigure.StuckJobs.RecordingHalter;
import io.switchman.spring.boot.autoconfigure.StuckJobs.SlowListener;
import io.switchman.spring.boot.autoconfigure.StuckJobs.Trace;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Methods that do not stop when interrupted (issue 10, item 2), a slow run listener (item 6), and a
 * grant lost before its method is called (item 8): two application contexts on one real ZooKeeper
 * server, the first one behind a TCP proxy. The halter is the test's: it records the call and makes
 * the stuck method return, as the JVM's death would.
 */
@ExtendWith(OutputCaptureExtension.class)
class SwitchmanStuckMethodIntegrationTests {

  private static final long STOP_TIMEOUT_MS = 1000;

  @RegisterExtension static final ZooKeeperServerExtension zk = new ZooKeeperServerExtension();

  private final Trace trace = new Trace();
  private final ExecutorService pool = Executors.newCachedThreadPool();
  private final ApplicationContextRunner runner =
      new ApplicationContextRunner()
          .withConfiguration(AutoConfigurations.of(SwitchmanAutoConfiguration.class))
          .withBean(Trace.class, () -> trace)
          .withBean(RecordingHalter.class)
          .withBean(StuckJobs.class)
          .withPropertyValues(
              "switchman.prefix=/stuck-" + UUID.randomUUID(),
              "switchman.session-timeout=4s",
              "switchman.connection-timeout=1s",
              "switchman.stop-timeout=" + STOP_TIMEOUT_MS + "ms");

  @AfterEach
  void stopPool() {
    trace.release.set(true);
    pool.shutdownNow();
  }

  /** Calls {@code jobs.swallowing()} of context b until it has run once. */
  private Future<?> keepTrying(StuckJobs jobs) {
    return pool.submit(
        () -> {
          while (!trace.started.containsKey("b")) {
            jobs.swallowing();
            Thread.sleep(20);
          }
          return null;
        });
  }

  /**
   * Waits until context b runs the method, and then until context a's method has returned or has
   * run alongside b's for 2 s.
   */
  private void awaitOverlapOrEnd() {
    await().atMost(Duration.ofSeconds(25)).until(() -> trace.started.containsKey("b"));
    long startB = trace.started.get("b");
    await()
        .atMost(Duration.ofSeconds(25))
        .until(
            () ->
                trace.ended.containsKey("a")
                    || System.nanoTime() - startB > TimeUnit.SECONDS.toNanos(2));
  }

  @Test
  void partitionedContextShouldHaltItsStuckMethodBeforeAnotherContextRunsIt(CapturedOutput output)
      throws Exception {
    try (TcpProxy proxy = new TcpProxy(zk.server().getPort())) {
      runner
          .withPropertyValues("switchman.connect-string=" + proxy.connectString(), "test.id=a")
          .run(
              a ->
                  runner
                      .withPropertyValues(
                          "switchman.connect-string=" + zk.server().getConnectString(), "test.id=b")
                      .run(
                          b -> {
                            RecordingHalter haltA = a.getBean(RecordingHalter.class);
                            pool.submit(a.getBean(StuckJobs.class)::swallowing);
                            await().until(() -> trace.started.containsKey("a"));
                            long cutAt = System.nanoTime();
                            proxy.partition();
                            Future<?> other = keepTrying(b.getBean(StuckJobs.class));
                            awaitOverlapOrEnd();
                            trace.release.set(true);
                            await().until(() -> trace.ended.containsKey("a"));
                            other.get(10, TimeUnit.SECONDS);

                            long interruptedA = trace.interrupted.get("a stuck");
                            long endA = trace.ended.get("a");
                            long startB = trace.started.get("b");
                            System.out.printf(
                                "MEASURE stuck method, partition (S = 4 s, stop-timeout 1 s):"
                                    + " interrupted after %d ms, halter called after %d ms,"
                                    + " method gone after %d ms, other context started after %d"
                                    + " ms%n",
                                trace.millis(cutAt, interruptedA),
                                haltA.calledAt == 0 ? -1 : trace.millis(cutAt, haltA.calledAt),
                                trace.millis(cutAt, endA),
                                trace.millis(cutAt, startB));
                            assertThat(endA)
                                .as(
                                    "context a's stuck method was still running %d ms after"
                                        + " context b started the same lock",
                                    trace.millis(startB, endA))
                                .isLessThan(startB);
                            assertThat(haltA.calledAt).as("halter of context a called").isNotZero();
                            // timed from the loss (which came before the interrupt), within its
                            // stop-timeout plus a loaded machine's delays
                            assertThat(trace.millis(interruptedA, haltA.calledAt))
                                .isBetween(STOP_TIMEOUT_MS - 300, STOP_TIMEOUT_MS + 1500);
                            assertThat(haltA.calledAt).isLessThan(startB);
                            assertThat(haltA.reason)
                                .contains("StuckJobs.swallowing()")
                                .contains("lock 'stuck'")
                                .containsPattern("SAFETY_DEADLINE|CONNECTION_SUSPENDED");
                            assertThat(output)
                                .containsPattern(
                                    "ERROR .*StuckJobs\\.swallowing\\(\\) on thread '[^']+' has"
                                        + " not returned \\d+ ms after its grant was lost"
                                        + " \\((SAFETY_DEADLINE|CONNECTION_SUSPENDED)\\); lock"
                                        + " 'stuck', fencing token \\d+: halting the JVM"
                                        + " \\(switchman.on-stuck=halt\\)")
                                .contains("Stack of thread")
                                .contains(
                                    "io.switchman.spring.boot.autoconfigure.StuckJobs"
                                        + ".swallowing(StuckJobs.java:");
                          }));
    }
  }

  @Test
  void closedContextShouldNotLetAnotherContextRunAMethodItStillRuns(CapturedOutput output)
      throws Exception {
    runner
        .withPropertyValues("switchman.connect-string=" + zk.server().getConnectString())
        .withPropertyValues("test.id=a")
        .run(
            a ->
                runner
                    .withPropertyValues(
                        "switchman.connect-string=" + zk.server().getConnectString(), "test.id=b")
                    .run(
                        b -> {
                          RecordingHalter haltA = a.getBean(RecordingHalter.class);
                          pool.submit(a.getBean(StuckJobs.class)::swallowing);
                          await().until(() -> trace.started.containsKey("a"));
                          long closedAt = System.nanoTime();
                          Future<?> closing = pool.submit(() -> close(a));
                          Future<?> other = keepTrying(b.getBean(StuckJobs.class));
                          awaitOverlapOrEnd();
                          trace.release.set(true);
                          await().until(() -> trace.ended.containsKey("a"));
                          other.get(10, TimeUnit.SECONDS);
                          closing.get(10, TimeUnit.SECONDS);

                          long endA = trace.ended.get("a");
                          long startB = trace.started.get("b");
                          System.out.printf(
                              "MEASURE stuck method, shutdown (S = 4 s, stop-timeout 1 s):"
                                  + " halter called after %d ms, method gone after %d ms,"
                                  + " other context started after %d ms%n",
                              haltA.calledAt == 0 ? -1 : trace.millis(closedAt, haltA.calledAt),
                              trace.millis(closedAt, endA),
                              trace.millis(closedAt, startB));
                          assertThat(endA)
                              .as(
                                  "context a's stuck method was still running %d ms after"
                                      + " context b started the same lock",
                                  trace.millis(startB, endA))
                              .isLessThan(startB);
                          assertThat(haltA.calledAt).as("halter of context a called").isNotZero();
                          assertThat(trace.millis(closedAt, haltA.calledAt))
                              .isBetween(STOP_TIMEOUT_MS - 100, STOP_TIMEOUT_MS + 1500);
                          assertThat(haltA.reason)
                              .contains("StuckJobs.swallowing()")
                              .contains("the application is shutting down")
                              .contains("lock 'stuck'");
                          assertThat(output)
                              .contains(
                                  "its node is left to the session's expiry: it is not deleted"
                                      + " while the method runs");
                        }));
  }

  @Test
  void onStuckLogShouldBeWarnedAboutAtStartup(CapturedOutput output) {
    runner
        .withPropertyValues(
            "switchman.connect-string=" + zk.server().getConnectString(), "switchman.on-stuck=log")
        .run(
            context ->
                assertThat(output)
                    .contains(
                        "switchman.on-stuck=log: a guarded method that has not returned"
                            + " switchman.stop-timeout (1000 ms) after it was interrupted runs on,"
                            + " and may run alongside the next holder of its lock"));
  }

  @Test
  void defaultOnStuckShouldNotBeWarnedAbout(CapturedOutput output) {
    runner
        .withPropertyValues("switchman.connect-string=" + zk.server().getConnectString())
        .run(
            context -> {
              assertThat(context).hasNotFailed();
              assertThat(output).doesNotContain("switchman.on-stuck=log");
            });
  }

  @Test
  void slowListenerShouldNotDelayTheInterruptOfAnotherGrant() throws Exception {
    SlowListener slow = new SlowListener();
    runner
        .withBean(SlowListener.class, () -> slow)
        .withPropertyValues("switchman.connect-string=" + zk.server().getConnectString())
        .run(
            a -> {
              StuckJobs jobs = a.getBean(StuckJobs.class);
              Future<?> first = pool.submit(jobs::first);
              Future<?> second = pool.submit(jobs::second);
              await()
                  .until(
                      () ->
                          trace.started.containsKey("a first")
                              && trace.started.containsKey("a second"));
              // Both grants are lost at once: SUSPENDED loses every grant of the session.
              a.getBean(CuratorFramework.class)
                  .getZookeeperClient()
                  .getZooKeeper()
                  .getTestable()
                  .closeSocket();
              first.get(15, TimeUnit.SECONDS);
              second.get(15, TimeUnit.SECONDS);
              assertThat(slow.slept).isTrue();
              long apartMs =
                  Math.abs(
                      trace.millis(
                          trace.interrupted.get("a first"), trace.interrupted.get("a second")));
              System.out.printf(
                  "MEASURE two grants lost at once, one listener sleeping 3 s: interrupts %d ms"
                      + " apart%n",
                  apartMs);
              assertThat(apartMs)
                  .as("ms between the interrupts of two methods whose grants were lost at once")
                  .isLessThan(1500);
            });
  }

  @Test
  void methodShouldNotStartOnAGrantAlreadyLost(CapturedOutput output) {
    LosingListener losing = new LosingListener();
    runner
        .withBean(LosingListener.class, () -> losing)
        .withPropertyValues("switchman.connect-string=" + zk.server().getConnectString())
        .run(
            a -> {
              CuratorFramework client = a.getBean(CuratorFramework.class);
              String prefix = a.getEnvironment().getProperty("switchman.prefix");
              losing.onLate =
                  grant -> {
                    try {
                      client.delete().forPath(prefix + "/locks/late");
                    } catch (Exception e) {
                      throw new IllegalStateException(e);
                    }
                    await().atMost(Duration.ofSeconds(5)).until(() -> !grant.isHeld());
                  };
              String result = a.getBean(StuckJobs.class).late();
              assertThat(trace.started).doesNotContainKey("a late");
              assertThat(result).isNull();
              assertThat(output)
                  .contains(
                      "Skipped io.switchman.spring.boot.autoconfigure.StuckJobs.late(): its grant 'late' was lost (NODE_DELETED) before"
                          + " the method was called");
            });
  }

  private static void close(ConfigurableApplicationContext context) {
    context.close();
  }
}
