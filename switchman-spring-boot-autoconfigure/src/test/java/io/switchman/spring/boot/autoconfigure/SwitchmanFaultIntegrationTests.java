/*
 * Copyright 2026 the switchman authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package io.switchman.spring.boot.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.switchman.annotation.SwitchmanLock;
import io.switchman.core.SwitchmanContext;
import io.switchman.core.testing.TcpProxy;
import io.switchman.core.testing.ZooKeeperServerExtension;
import io.switchman.spring.boot.autoconfigure.TestJobs.Probe;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Configuration;
import org.springframework.scheduling.annotation.EnableScheduling;
import org.springframework.scheduling.annotation.Scheduled;

/** Network partitions, real scheduler threads, and the startup warning about the stop budget. */
@ExtendWith(OutputCaptureExtension.class)
class SwitchmanFaultIntegrationTests {

  @RegisterExtension static final ZooKeeperServerExtension zk = new ZooKeeperServerExtension();

  private final Probe probe = new Probe();
  private final ExecutorService pool = Executors.newCachedThreadPool();
  private final ApplicationContextRunner runner =
      new ApplicationContextRunner()
          .withConfiguration(AutoConfigurations.of(SwitchmanAutoConfiguration.class))
          .withBean(Probe.class, () -> probe)
          .withPropertyValues(
              "switchman.prefix=/faults-" + UUID.randomUUID(),
              "switchman.session-timeout=4s",
              "switchman.connection-timeout=1s",
              "switchman.stop-timeout=1s",
              "switchman.capacities[FQDN_cpu]=CPU",
              // TestJobs' group and resources; checked at startup
              "switchman.cluster-data.groups.workers=worker1.example.com",
              "switchman.cluster-data.resources=pool,FQDN_cpu");

  @AfterEach
  void stopPool() {
    pool.shutdownNow();
  }

  @Test
  void partitionedHolderShouldBeInterruptedBeforeAnotherContextStarts() throws Exception {
    try (TcpProxy proxy = new TcpProxy(zk.server().getPort())) {
      runner
          .withBean(TestJobs.class)
          .withPropertyValues("switchman.connect-string=" + proxy.connectString(), "test.id=a")
          .run(
              a ->
                  runner
                      .withBean(TestJobs.class)
                      .withPropertyValues(
                          "switchman.connect-string=" + zk.server().getConnectString(), "test.id=b")
                      .run(
                          b -> {
                            TestJobs jobsA = a.getBean(TestJobs.class);
                            TestJobs jobsB = b.getBean(TestJobs.class);
                            Future<String> holder = pool.submit(jobsA::blocking);
                            await().until(() -> probe.running.get() == 1);
                            long faultAt = System.nanoTime();
                            proxy.partition();
                            Future<String> next =
                                pool.submit(
                                    () -> {
                                      String r;
                                      while ((r = jobsB.blocking()) == null) {
                                        Thread.sleep(50);
                                      }
                                      return r;
                                    });
                            assertThat(holder.get(15, TimeUnit.SECONDS)).isEqualTo("interrupted");
                            await()
                                .atMost(Duration.ofSeconds(15))
                                .until(() -> probe.events.contains("start b"));
                            assertThat(probe.events)
                                .containsSubsequence(
                                    "start a", "interrupted a", "end a", "start b");
                            System.out.printf(
                                "MEASURE partition (S = 4 s): holder interrupted after %d ms, returned after %d ms;"
                                    + " other context started after %d ms%n",
                                probe.millisTo("interrupted a", faultAt),
                                probe.millisTo("end a", faultAt),
                                probe.millisTo("start b", faultAt));
                            b.close();
                            assertThat(next.get(15, TimeUnit.SECONDS)).isEqualTo("interrupted");
                          }));
    }
  }

  @Test
  void schedulerThreadShouldNotBeLeftInterrupted() {
    runner
        .withPropertyValues("switchman.connect-string=" + zk.server().getConnectString())
        .withBean(Worker.class)
        .withUserConfiguration(ScheduledJobs.class)
        .run(
            context -> {
              ScheduledJobs jobs = context.getBean(ScheduledJobs.class);
              await().atMost(Duration.ofSeconds(15)).until(() -> jobs.stopped() >= 2);
              assertThat(jobs.checks()).containsOnly(false);
            });
  }

  @Test
  void scheduledMethodShouldItselfBeGuarded() {
    runner
        .withPropertyValues("switchman.connect-string=" + zk.server().getConnectString())
        .withUserConfiguration(ScheduledGuardedJob.class)
        .run(
            context -> {
              ScheduledGuardedJob job = context.getBean(ScheduledGuardedJob.class);
              await().atMost(Duration.ofSeconds(10)).until(() -> job.seen().size() >= 2);
              assertThat(job.seen()).containsOnly("scheduled-guarded");
            });
  }

  @Test
  void stopTimeoutThatDoesNotFitTheSessionShouldBeWarnedAbout(CapturedOutput output) {
    runner
        .withPropertyValues(
            "switchman.connect-string=" + zk.server().getConnectString(),
            "switchman.session-timeout=4s",
            "switchman.stop-timeout=3s")
        .run(
            context -> {
              assertThat(output)
                  .contains(
                      "switchman.stop-timeout (3000 ms, plus 400 ms margin) does not fit"
                          + " switchman.session-timeout (4000 ms)");
              await()
                  .atMost(Duration.ofSeconds(5))
                  .untilAsserted(
                      () ->
                          assertThat(output)
                              .contains(
                                  "The stop budget of 3400 ms does not fit the negotiated session"
                                      + " timeout of 4000 ms"));
            });
  }

  @Test
  void fittingStopTimeoutShouldNotBeWarnedAbout(CapturedOutput output) {
    runner
        .withPropertyValues("switchman.connect-string=" + zk.server().getConnectString())
        .run(
            context -> {
              assertThat(context).hasNotFailed();
              assertThat(output).doesNotContain("does not fit");
            });
  }

  @Test
  void embeddedPortInUseShouldFailWithAClearMessage() {
    runner
        .withPropertyValues(
            "switchman.embedded.enabled=true", "switchman.embedded.port=" + zk.server().getPort())
        .run(
            context ->
                assertThat(context.getStartupFailure())
                    .hasStackTraceContaining(
                        "Cannot start the embedded ZooKeeper: port "
                            + zk.server().getPort()
                            + " is in use"));
  }

  /**
   * A scheduled task that calls a guarded method stopped at its maxDuration, then looks at its
   * thread's interrupt status (executors clear it only between tasks, not within one).
   */
  @Configuration(proxyBeanMethods = false)
  @EnableScheduling
  static class ScheduledJobs {
    final AtomicInteger stopped = new AtomicInteger();
    final List<Boolean> checks = new CopyOnWriteArrayList<>();
    private final Worker worker;

    ScheduledJobs(Worker worker) {
      this.worker = worker;
    }

    int stopped() {
      return stopped.get();
    }

    List<Boolean> checks() {
      return checks;
    }

    @Scheduled(fixedDelay = 50)
    void tick() {
      if ("stopped".equals(worker.work())) {
        stopped.incrementAndGet();
      }
      checks.add(Thread.currentThread().isInterrupted());
    }
  }

  /** A scheduled method guarded by switchman: records the lock it ran under. */
  @Configuration(proxyBeanMethods = false)
  @EnableScheduling
  static class ScheduledGuardedJob {
    final List<String> seen = new CopyOnWriteArrayList<>();

    List<String> seen() {
      return seen;
    }

    @Scheduled(fixedDelay = 50)
    @SwitchmanLock(name = "scheduled-guarded")
    public void run() {
      seen.add(SwitchmanContext.current().map(g -> g.name()).orElse("unguarded"));
    }
  }

  /** Holds its lock until interrupted, noticing the interrupt without clearing it. */
  static class Worker {
    @SwitchmanLock(name = "scheduled", maxDuration = "200ms")
    public String work() {
      while (!Thread.currentThread().isInterrupted()) {
        Thread.onSpinWait();
      }
      return "stopped";
    }
  }
}
