/*
 * Copyright 2026 the switchman authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package io.switchman.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.apache.curator.framework.CuratorFramework;
import org.apache.zookeeper.CreateMode;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Issue 10, item 8: a lease node whose name is not {@code <count>_<total>_<seq>} cannot be counted,
 * so the capacity of its resource is unknown: the request fails closed (switchman 1.16 dies with
 * "Totals mismatch" then), naming the node.
 */
class LeaseNodeNameTest extends EngineTestBase {

  @ParameterizedTest
  @ValueSource(strings = {"garbage", "x_4_0000000001", "-3_4_0000000001", "2_4", "+1_4_0000000001"})
  void aLeaseNodeWhoseNameDoesNotParseFailsTheRequestClosed(String name) throws Exception {
    clusterData("{\"resources\": [\"db\"]}");
    CuratorFramework admin = zk.client(SESSION);
    String node = "/switchman/semaphores/db/leases/" + name;
    admin.create().creatingParentsIfNeeded().withMode(CreateMode.EPHEMERAL).forPath(node);
    SwitchmanEngine engine = engine("host-a");

    assertThatThrownBy(
            () -> engine.acquire(GrantRequest.builder("job").lease("db", "1", "4").build()))
        .isInstanceOfSatisfying(
            SwitchmanException.class,
            e -> assertThat(e.kind()).isEqualTo(SwitchmanException.Kind.TOTALS_MISMATCH))
        .hasMessage(
            "Totals mismatch for resource db: lease node "
                + node
                + " is not <count>_<total>_<sequence>, so the units held cannot be counted;"
                + " refusing to lease (remove the node if no switchman host made it)");
    assertThat(admin.getChildren().forPath("/switchman/queues/db")).isEmpty();
  }
}
