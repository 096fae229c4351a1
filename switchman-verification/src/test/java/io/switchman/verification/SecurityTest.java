/*
 * Copyright 2026 the switchman authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package io.switchman.verification;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.switchman.core.Acquisition;
import io.switchman.core.ClusterData;
import io.switchman.core.Grant;
import io.switchman.core.GrantRequest;
import io.switchman.core.HostFacts;
import io.switchman.core.SwitchmanEngine;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryNTimes;
import org.apache.curator.test.InstanceSpec;
import org.apache.curator.test.TestingServer;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.data.ACL;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

/**
 * With {@code acl: creator} and digest authentication, a client without the credentials (or with
 * wrong ones) can neither delete nor change a held lock node, a held lease node or the cluster
 * data; the holder keeps its grant throughout.
 */
class SecurityTest {

  private static final String PREFIX = "/apps/switchman";

  private static CuratorFramework client(String connect, @Nullable String auth)
      throws InterruptedException {
    CuratorFrameworkFactory.Builder b =
        CuratorFrameworkFactory.builder()
            .connectString(connect)
            .sessionTimeoutMs(4000)
            .connectionTimeoutMs(2000)
            .retryPolicy(new RetryNTimes(3, 100));
    if (auth != null) {
      b.authorization("digest", auth.getBytes(StandardCharsets.UTF_8));
    }
    CuratorFramework c = b.build();
    c.start();
    assertThat(c.blockUntilConnected(10, TimeUnit.SECONDS)).isTrue();
    return c;
  }

  @Test
  void withoutTheCredentialsNobodyCanDeleteOrChangeHeldNodesOrTheClusterData() throws Exception {
    try (TestingServer server =
            new TestingServer(new InstanceSpec(null, -1, -1, -1, true, -1, 200, -1), true);
        CuratorFramework owner = client(server.getConnectString(), "ops:secret");
        SwitchmanEngine engine =
            SwitchmanEngine.builder(owner)
                .prefix(PREFIX)
                .acl(ZooDefs.Ids.CREATOR_ALL_ACL)
                .host(new HostFacts("host-a", 2, 1024))
                .build();
        CuratorFramework anonymous = client(server.getConnectString(), null);
        CuratorFramework wrong = client(server.getConnectString(), "ops:guess")) {
      engine.writeClusterData(new ClusterData(Map.of(), List.of("db"), Map.of()));
      Acquisition lock = engine.acquire(GrantRequest.builder("payroll").build());
      Acquisition lease =
          engine.acquire(GrantRequest.builder("report").lock(false).lease("db", "1", "2").build());
      assertThat(lock.acquired()).isTrue();
      assertThat(lease.acquired()).isTrue();
      Grant lockGrant = lock.grant();
      Grant leaseGrant = lease.grant();
      String lockNode = PREFIX + "/locks/payroll";
      String leaseNode = leaseGrant.leases().get(0).path();
      List<ACL> acl = owner.getACL().forPath(lockNode);
      assertThat(acl)
          .singleElement()
          .satisfies(a -> assertThat(a.getId().getScheme()).isEqualTo("digest"));

      for (CuratorFramework intruder : List.of(anonymous, wrong)) {
        for (String node : List.of(lockNode, leaseNode, PREFIX)) {
          assertThatThrownBy(() -> intruder.delete().forPath(node))
              .as("delete " + node)
              .isInstanceOf(KeeperException.NoAuthException.class);
          assertThatThrownBy(
                  () -> intruder.setData().forPath(node, "{}".getBytes(StandardCharsets.UTF_8)))
              .as("change " + node)
              .isInstanceOf(KeeperException.NoAuthException.class);
          assertThatThrownBy(
                  () -> intruder.setACL().withACL(ZooDefs.Ids.OPEN_ACL_UNSAFE).forPath(node))
              .as("open the ACL of " + node)
              .isInstanceOf(KeeperException.NoAuthException.class);
        }
        // Nor can it take a lock by creating the node itself.
        assertThatThrownBy(() -> intruder.create().forPath(PREFIX + "/locks/other"))
            .isInstanceOf(KeeperException.NoAuthException.class);
      }

      assertThat(lockGrant.isHeld()).isTrue();
      assertThat(leaseGrant.isHeld()).isTrue();
      assertThat(owner.checkExists().forPath(lockNode)).isNotNull();
      assertThat(owner.checkExists().forPath(leaseNode)).isNotNull();
      assertThat(engine.clusterData().resources()).containsExactly("db");

      // Another host with the same credentials is a peer: excluded by the lock, as usual.
      try (CuratorFramework peer = client(server.getConnectString(), "ops:secret");
          SwitchmanEngine peerEngine =
              SwitchmanEngine.builder(peer)
                  .prefix(PREFIX)
                  .acl(ZooDefs.Ids.CREATOR_ALL_ACL)
                  .host(new HostFacts("host-b", 2, 1024))
                  .operationTimeout(Duration.ofSeconds(5))
                  .build()) {
        assertThat(peerEngine.acquire(GrantRequest.builder("payroll").build()).outcome())
            .isEqualTo(Acquisition.Outcome.BUSY);
        lockGrant.release();
        Acquisition next = peerEngine.acquire(GrantRequest.builder("payroll").build());
        assertThat(next.acquired()).isTrue();
        assertThat(next.grant().fencingToken()).isGreaterThan(lockGrant.fencingToken());
        next.grant().release();
      }
      leaseGrant.release();
    }
  }
}
