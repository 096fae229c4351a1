/*
 * Copyright 2026 the switchman authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package io.switchman.spring.boot.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.switchman.annotation.SwitchmanLock;
import io.switchman.core.testing.TcpProxy;
import io.switchman.core.testing.ZooKeeperServerExtension;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.task.TaskSchedulingAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Configuration;
import org.springframework.scheduling.annotation.EnableScheduling;
import org.springframework.scheduling.annotation.Scheduled;

/**
 * Blocking guarded methods scheduled on virtual threads ({@code spring.threads.virtual.enabled}):
 * interrupted on loss as on platform threads. Needs Java 21+: the build runs this class a second
 * time on the JDK named by the {@code jdk21plus} profile; on an older JVM it is skipped.
 */
class VirtualThreadGuardTests {

  @RegisterExtension static final ZooKeeperServerExtension zk = new ZooKeeperServerExtension();

  private final RunRecord record = new RunRecord();
  private final String prefix = "/virtual-" + UUID.randomUUID();
  private final ApplicationContextRunner runner =
      new ApplicationContextRunner()
          .withConfiguration(
              AutoConfigurations.of(
                  SwitchmanAutoConfiguration.class, TaskSchedulingAutoConfiguration.class))
          .withBean(RunRecord.class, () -> record)
          .withBean(SwitchmanRunListener.class, record::listener)
          .withPropertyValues(
              "spring.threads.virtual.enabled=true",
              "switchman.prefix=" + prefix,
              "switchman.session-timeout=4s",
              "switchman.connection-timeout=1s",
              "switchman.stop-timeout=1s");

  @BeforeEach
  void needsVirtualThreads() {
    Assumptions.assumeTrue(
        Runtime.version().feature() >= 21,
        "Virtual threads need Java 21 or later and this JVM is Java "
            + Runtime.version().feature()
            + ": skipped here. The build runs these tests on the JDK of the jdk21plus profile"
            + " (active when /usr/lib/jvm/temurin-25-jdk-amd64 exists; -Dswitchman.jdk21plus=DIR"
            + " names another).");
  }

  static boolean isVirtual(Thread thread) {
    try {
      return (Boolean) Thread.class.getMethod("isVirtual").invoke(thread);
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException(e);
    }
  }

  private ApplicationContextRunner at(String connectString, String id) {
    return runner.withPropertyValues("switchman.connect-string=" + connectString, "test.id=" + id);
  }

  @Test
  void scheduledJobsOnVirtualThreadsShouldRunOnOneContextAtATime() throws Exception {
    ApplicationContextRunner r = runner.withUserConfiguration(Beat.class);
    runner
        .withUserConfiguration(Beat.class)
        .withPropertyValues("switchman.connect-string=" + zk.connectString(), "test.id=a")
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
                                      c.close();
                                      b.close();
                                      a.close();
                                      record.assertNoOverlap();
                                      assertThat(record.skips("virtual-beat", "busy")).isPositive();
                                      assertThat(record.events)
                                          .contains("virtual thread true")
                                          .doesNotContain("virtual thread false");
                                    })));
    RunRecord.assertNoLeftoverNodes(zk.connectString(), prefix);
  }

  @Test
  void partitionedJobOnAVirtualThreadShouldBeInterruptedBeforeAnotherContextStarts()
      throws Exception {
    try (TcpProxy proxy = new TcpProxy(zk.server().getPort())) {
      at(proxy.connectString(), "a")
          .withUserConfiguration(Holder.class)
          .run(
              a -> {
                await().atMost(Duration.ofSeconds(10)).until(() -> record.has("start a"));
                at(zk.connectString(), "b")
                    .withUserConfiguration(Holder.class)
                    .run(
                        b -> {
                          proxy.partition();
                          await().atMost(Duration.ofSeconds(20)).until(() -> record.has("start b"));
                          assertThat(record.events)
                              .containsSubsequence("start a", "interrupted a", "start b");
                          assertThat(record.nanos("interrupted a"))
                              .isLessThan(record.nanos("start b"));
                          assertThat(record.events)
                              .contains("virtual thread true")
                              .doesNotContain("virtual thread false");
                          assertThat(record.skips("virtual-holder", "busy")).isPositive();
                        });
              });
    }
    RunRecord.assertNoLeftoverNodes(zk.connectString(), prefix);
  }

  /** A scheduled blocking job of 150 ms, timestamped by itself. */
  @Configuration(proxyBeanMethods = false)
  @EnableScheduling
  public static class Beat {
    private final RunRecord record;
    private final String id;

    public Beat(RunRecord record, @Value("${test.id}") String id) {
      this.record = record;
      this.id = id;
    }

    @Scheduled(fixedDelay = 10)
    @SwitchmanLock(name = "virtual-beat")
    public void beat() throws InterruptedException {
      long start = System.nanoTime();
      record.event("virtual thread " + isVirtual(Thread.currentThread()));
      Thread.sleep(150);
      record.interval(id, start);
    }
  }

  /** A scheduled blocking job that holds its lock until interrupted. */
  @Configuration(proxyBeanMethods = false)
  @EnableScheduling
  public static class Holder {
    private final RunRecord record;
    private final String id;

    public Holder(RunRecord record, @Value("${test.id}") String id) {
      this.record = record;
      this.id = id;
    }

    @Scheduled(fixedDelay = 50)
    @SwitchmanLock(name = "virtual-holder")
    public void hold() {
      record.event("virtual thread " + isVirtual(Thread.currentThread()));
      record.event("start " + id);
      try {
        Thread.sleep(60_000);
      } catch (InterruptedException e) {
        record.event("interrupted " + id);
      }
    }
  }
}
