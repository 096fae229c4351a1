/*
 * Copyright 2026 the switchman authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package io.switchman.spring.boot.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import io.switchman.annotation.SwitchmanLease;
import io.switchman.annotation.SwitchmanLock;
import io.switchman.core.ClusterData;
import io.switchman.core.SwitchmanEngine;
import io.switchman.core.testing.ZooKeeperServerExtension;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.curator.test.InstanceSpec;
import org.apache.curator.test.TestingServer;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

/**
 * With ZooKeeper reachable at startup, every guarded method is checked against the prefix znode's
 * cluster data, and a mistake stops startup as the same mistake does with switchman.capacities;
 * switchman.cluster-data is written when the znode has none, or always with overwrite.
 */
@ExtendWith(OutputCaptureExtension.class)
class SwitchmanClusterDataStartupTests {

  @RegisterExtension static final ZooKeeperServerExtension zk = new ZooKeeperServerExtension();

  private final String prefix = "/clusterdata-" + UUID.randomUUID();

  private final ApplicationContextRunner runner =
      new ApplicationContextRunner()
          .withConfiguration(AutoConfigurations.of(SwitchmanAutoConfiguration.class))
          .withPropertyValues(
              "switchman.connect-string=" + zk.server().getConnectString(),
              "switchman.prefix=" + prefix,
              "switchman.host=gamma",
              "switchman.session-timeout=4s",
              "switchman.stop-timeout=1s");

  @Test
  void unknownResourceShouldStopStartupShowingTheNameAsWrittenAndExpanded() {
    write(new ClusterData(Map.of(), List.of("db"), Map.of("db", "4")));
    failsWith(
        HostLease.class,
        "Invalid switchman annotation on " + HostLease.class.getName() + ".run(): ",
        "Unknown resources [FQDN_cpu (expanded: gamma_cpu)]: the \"resources\" of znode "
            + prefix
            + " list [db]",
        "list each in the \"resources\" (switchman.cluster-data.resources)");
  }

  @Test
  void amountAboveACapacityFromTheZnodeShouldStopStartupAsWithTheProperties() {
    write(new ClusterData(Map.of(), List.of("db"), Map.of("db", "4")));
    failsWith(
        BigLease.class,
        "Lease of 5 units of resource db can never be granted: its capacity is 4 (from the"
            + " \"capacities\" of znode "
            + prefix
            + "): lower @SwitchmanLease(amount) or raise the capacity");
    // the same mistake with the capacity from the properties
    runner
        .withPropertyValues("switchman.capacities.db=4")
        .withBean(BigLease.class)
        .run(
            context ->
                assertThat(root(context.getStartupFailure()))
                    .hasMessageContaining(
                        "Lease of 5 units of resource db can never be granted: its capacity is 4"));
  }

  @Test
  void undefinedGroupShouldStopStartup() {
    write(new ClusterData(Map.of("web", List.of("gamma")), List.of(), Map.of()));
    failsWith(
        Grouped.class,
        "Unknown group 'workers': the prefix znode's data defines the groups [web] (znode "
            + prefix
            + "): define it (switchman.cluster-data.groups.workers) or fix @SwitchmanLock(group)");
  }

  @Test
  void fittingMethodsShouldStart() {
    write(
        new ClusterData(
            Map.of("workers", List.of("gamma")),
            List.of("FQDN_cpu", "db"),
            Map.of("FQDN_cpu", "2", "db", "4")));
    runner
        .withBean(HostLease.class)
        .withBean(Grouped.class)
        .run(context -> assertThat(context).hasNotFailed());
  }

  @Test
  void declaredClusterDataShouldBeWrittenWhenTheZnodeHasNone(CapturedOutput output) {
    runner
        .withPropertyValues(
            "switchman.cluster-data.groups.workers=gamma,delta",
            "switchman.cluster-data.resources=FQDN_cpu,db",
            "switchman.cluster-data.capacities[FQDN_cpu]=CPU",
            "switchman.cluster-data.capacities.db=4")
        .withBean(HostLease.class)
        .withBean(Grouped.class)
        .run(
            context -> {
              assertThat(context).hasNotFailed();
              ClusterData data = context.getBean(SwitchmanEngine.class).clusterData();
              assertThat(data.groups())
                  .containsExactly(Map.entry("workers", List.of("gamma", "delta")));
              assertThat(data.resources()).containsExactly("FQDN_cpu", "db");
              assertThat(data.capacities())
                  .containsExactly(Map.entry("FQDN_cpu", "CPU"), Map.entry("db", "4"));
              assertThat(output).contains("Wrote switchman.cluster-data into znode " + prefix);
            });
  }

  @Test
  void declaredClusterDataShouldNotReplaceOtherDataUnlessOverwrite(CapturedOutput output) {
    ClusterData existing = new ClusterData(Map.of(), List.of("other"), Map.of());
    write(existing);
    runner
        .withPropertyValues("switchman.cluster-data.resources=db")
        .run(
            context -> {
              assertThat(context).hasNotFailed();
              assertThat(context.getBean(SwitchmanEngine.class).clusterData()).isEqualTo(existing);
              assertThat(output)
                  .contains("Not writing switchman.cluster-data: znode " + prefix)
                  .contains("Set switchman.cluster-data.overwrite=true to replace it");
            });
    runner
        .withPropertyValues(
            "switchman.cluster-data.resources=db", "switchman.cluster-data.overwrite=true")
        .run(
            context ->
                assertThat(context.getBean(SwitchmanEngine.class).clusterData().resources())
                    .containsExactly("db"));
  }

  @Test
  void declaredClusterDataShouldBeWrittenOnceZooKeeperIsReachable(CapturedOutput output)
      throws Exception {
    int port = InstanceSpec.getRandomPort();
    try (TestingServer late = new TestingServer(port, false)) {
      runner
          .withPropertyValues(
              "switchman.connect-string=127.0.0.1:" + port,
              "switchman.connection-timeout=1s",
              "switchman.cluster-data.resources=db")
          .withBean(BigLease.class)
          .run(
              context -> {
                // started although ZooKeeper is down: nothing could be checked or written
                assertThat(context).hasNotFailed();
                assertThat(output)
                    .contains("Cannot write switchman.cluster-data into znode " + prefix + " now")
                    .contains("Cannot check the guarded methods against the cluster data now");
                late.start();
                SwitchmanEngine engine = context.getBean(SwitchmanEngine.class);
                Awaitility.await()
                    .atMost(Duration.ofSeconds(60))
                    .untilAsserted(
                        () -> assertThat(engine.clusterData().resources()).containsExactly("db"));
                assertThat(output).contains("Wrote switchman.cluster-data into znode " + prefix);
              });
    }
  }

  @Test
  void invalidDeclaredClusterDataShouldStopStartup() {
    runner
        .withPropertyValues(
            "switchman.cluster-data.resources=db", "switchman.cluster-data.capacities.pool=2")
        .run(
            context ->
                assertThat(root(context.getStartupFailure()))
                    .isInstanceOf(SwitchmanConfigurationException.class)
                    .hasMessageContaining(
                        "Invalid switchman.cluster-data: Capacity given for"
                            + " resource 'pool', which is not in the resources list [db]"));
  }

  private void write(ClusterData data) {
    runner.run(context -> context.getBean(SwitchmanEngine.class).writeClusterData(data));
  }

  private void failsWith(Class<?> bean, String... messages) {
    runner
        .withBean(bean)
        .run(
            context -> {
              assertThat(context).hasFailed();
              Throwable root = root(context.getStartupFailure());
              assertThat(root).isInstanceOf(SwitchmanConfigurationException.class);
              for (String m : messages) {
                assertThat(root).hasMessageContaining(m);
              }
              FailureAnalysis analysis =
                  new SwitchmanFailureAnalyzer().analyze(context.getStartupFailure());
              assertThat(analysis).isNotNull();
              assertThat(analysis.getAction())
                  .contains("switchman.cluster-data.groups, .resources and .capacities")
                  .contains("switchman --write-cluster-data FILE");
            });
  }

  private static Throwable root(Throwable t) {
    Throwable root = t;
    while (root.getCause() != null && !(root instanceof SwitchmanConfigurationException)) {
      root = root.getCause();
    }
    return root;
  }

  static class HostLease {
    @SwitchmanLease(resource = "FQDN_cpu", capacity = "2")
    public void run() {}
  }

  static class BigLease {
    @SwitchmanLease(resource = "db", amount = 5)
    public void run() {}
  }

  static class Grouped {
    @SwitchmanLock(group = "workers")
    public void run() {}
  }
}
