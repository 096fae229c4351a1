/*
 * Copyright 2026 the switchman authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package io.switchman.spring.boot.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import io.switchman.annotation.SwitchmanLease;
import io.switchman.annotation.SwitchmanLock;
import io.switchman.core.testing.ZooKeeperServerExtension;
import java.util.UUID;
import org.apache.curator.framework.CuratorFramework;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.task.TaskSchedulingAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Configuration;
import org.springframework.scheduling.annotation.EnableScheduling;
import org.springframework.scheduling.annotation.Scheduled;

/**
 * The start says what is guarded (one INFO line) and warns about each way a guarded job silently
 * never runs or waits for another.
 */
@ExtendWith(OutputCaptureExtension.class)
class SwitchmanStartupReportTests {

  @RegisterExtension static final ZooKeeperServerExtension zk = new ZooKeeperServerExtension();

  private final ApplicationContextRunner runner =
      new ApplicationContextRunner()
          .withConfiguration(AutoConfigurations.of(SwitchmanAutoConfiguration.class))
          .withPropertyValues(
              "switchman.connect-string=" + zk.server().getConnectString(),
              "switchman.prefix=/report-" + UUID.randomUUID(),
              "switchman.session-timeout=4s",
              "switchman.stop-timeout=1s");

  private static final String[] CLUSTER_DATA = {
    "switchman.host=gamma",
    "switchman.cluster-data.groups.workers=gamma",
    "switchman.cluster-data.resources=FQDN_cpu,db",
  };

  @Test
  void oneInfoLineShouldListTheGuardedMethodsWithLockAndLeases(CapturedOutput output) {
    runner
        .withPropertyValues(CLUSTER_DATA)
        .withBean(Listed.class)
        .run(
            context -> {
              assertThat(context).hasNotFailed();
              assertThat(output)
                  .containsOnlyOnce("switchman guards 2 methods: ")
                  .contains(
                      Listed.class.getName() + ".report() [lock 'nightly-report', group workers]")
                  .contains(
                      Listed.class.getName()
                          + ".crunch() [lease FQDN_cpu 2 of CPU, lease db 1 of 4,"
                          + " lock 'Listed.crunch']");
            });
  }

  @Test
  void twoMethodsWithOneLockNameShouldBeWarnedAboutNamingBoth(CapturedOutput output) {
    runner
        .withBean(SharedA.class)
        .withBean(SharedB.class)
        .run(
            context -> {
              assertThat(context).hasNotFailed();
              assertThat(output)
                  .contains("WARN")
                  .contains(
                      "Lock 'shared' guards 2 methods: "
                          + SharedA.class.getName()
                          + ".run() (bean '")
                  .contains(" and " + SharedB.class.getName() + ".run() (bean '")
                  .contains("give each its own @SwitchmanLock(name = ...)");
            });
  }

  @Test
  void scheduledMethodWithoutEnableSchedulingShouldBeWarnedAbout(CapturedOutput output) {
    runner
        .withBean(ScheduledA.class)
        .run(
            context -> {
              assertThat(context).hasNotFailed();
              assertThat(output)
                  .contains(
                      ScheduledA.class.getName()
                          + ".run() is @Scheduled, but scheduling is not enabled (no"
                          + " @EnableScheduling): it never runs. Add @EnableScheduling");
            });
  }

  @Test
  void oneThreadSchedulerWithTwoGuardedJobsShouldBeWarnedAbout(CapturedOutput output) {
    runner
        .withConfiguration(AutoConfigurations.of(TaskSchedulingAutoConfiguration.class))
        .withUserConfiguration(SchedulingOn.class)
        .withBean(ScheduledA.class)
        .withBean(ScheduledB.class)
        .run(
            context -> {
              assertThat(context).hasNotFailed();
              assertThat(output)
                  .doesNotContain("scheduling is not enabled")
                  .contains(
                      "The scheduler runs @Scheduled methods on one thread, and 2 of them are"
                          + " guarded")
                  .contains("up to switchman.connection-timeout, 4000 ms")
                  .contains("Set spring.task.scheduling.pool.size to 2 or more");
            });
  }

  @Test
  void schedulerWithEnoughThreadsShouldNotBeWarnedAbout(CapturedOutput output) {
    runner
        .withConfiguration(AutoConfigurations.of(TaskSchedulingAutoConfiguration.class))
        .withUserConfiguration(SchedulingOn.class)
        .withPropertyValues("spring.task.scheduling.pool.size=2")
        .withBean(ScheduledA.class)
        .withBean(ScheduledB.class)
        .run(
            context -> {
              assertThat(context).hasNotFailed();
              assertThat(output)
                  .contains("switchman guards 2 methods")
                  .doesNotContain("The scheduler runs @Scheduled methods on one thread")
                  .doesNotContain("scheduling is not enabled");
            });
  }

  @Test
  void misspelledPropertyShouldBeWarnedAbout(CapturedOutput output) {
    runner
        .withPropertyValues("switchman.conect-string=zk1:2181", "switchman.capacities[db]=4")
        .run(
            context -> {
              assertThat(context).hasNotFailed();
              assertThat(output)
                  .contains("Unknown property switchman.conect-string")
                  .contains("is ignored: switchman has no such property")
                  .doesNotContain("Unknown property switchman.capacities")
                  .doesNotContain("Unknown property switchman.connect-string");
            });
  }

  @Test
  void connectionTimeoutShouldDefaultToTheSessionTimeout(CapturedOutput output) {
    runner
        .withPropertyValues(CLUSTER_DATA)
        .withPropertyValues("switchman.session-timeout=6s")
        .withBean(Listed.class)
        .run(
            context -> {
              assertThat(context).hasNotFailed();
              CuratorFramework client = context.getBean(CuratorFramework.class);
              assertThat(client.getZookeeperClient().getConnectionTimeoutMs()).isEqualTo(6000);
              assertThat(output).doesNotContain("is less than connection timeout");
            });
    runner
        .withPropertyValues("switchman.session-timeout=60s")
        .run(
            context ->
                assertThat(
                        context
                            .getBean(CuratorFramework.class)
                            .getZookeeperClient()
                            .getConnectionTimeoutMs())
                    .isEqualTo(15_000));
  }

  @Configuration(proxyBeanMethods = false)
  @EnableScheduling
  static class SchedulingOn {}

  static class Listed {
    @SwitchmanLock(name = "nightly-report", group = "workers")
    public void report() {}

    @SwitchmanLock
    @SwitchmanLease(resource = "FQDN_cpu", amount = 2, capacity = "CPU")
    @SwitchmanLease(resource = "db", capacity = "4")
    public void crunch() {}
  }

  static class SharedA {
    @SwitchmanLock(name = "shared")
    public void run() {}
  }

  static class SharedB {
    @SwitchmanLock(name = "shared")
    public void run() {}
  }

  static class ScheduledA {
    @Scheduled(fixedDelay = 3_600_000, initialDelay = 3_600_000)
    @SwitchmanLock
    public void run() {}
  }

  static class ScheduledB {
    @Scheduled(fixedDelay = 3_600_000, initialDelay = 3_600_000)
    @SwitchmanLock
    public void run() {}
  }
}
