/*
 * Copyright 2026 the switchman authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package io.switchman.core;

import io.switchman.core.testing.ZooKeeperSupport;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.apache.curator.framework.CuratorFramework;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/** A real ZooKeeper server per test, and engines that each play a separate host. */
abstract class EngineTestBase {

  static final Duration SESSION = Duration.ofSeconds(3);
  static final Duration STOP_BUDGET = Duration.ofMillis(600);

  ZooKeeperSupport zk;

  @BeforeEach
  void startServer() throws Exception {
    zk = new ZooKeeperSupport();
  }

  @AfterEach
  void stopServer() throws Exception {
    zk.close();
  }

  /** An engine on its own session, for host {@code host}. */
  SwitchmanEngine engine(String host) throws InterruptedException {
    return engine(zk.client(SESSION), host);
  }

  SwitchmanEngine engine(CuratorFramework client, String host) {
    return zk.closeLater(
        SwitchmanEngine.builder(client)
            .host(new HostFacts(host, 4, 8192))
            .stopBudget(STOP_BUDGET)
            .operationTimeout(Duration.ofSeconds(3))
            .build());
  }

  static GrantRequest lock(String name) {
    return GrantRequest.builder(name).build();
  }

  /** Writes the prefix znode's data as an operator would. */
  void clusterData(String json) throws Exception {
    CuratorFramework admin = zk.client(SESSION);
    byte[] data = json.getBytes(StandardCharsets.UTF_8);
    if (admin.checkExists().forPath("/switchman") == null) {
      admin.create().creatingParentsIfNeeded().forPath("/switchman", data);
    } else {
      admin.setData().forPath("/switchman", data);
    }
  }
}
