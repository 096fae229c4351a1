/*
 * Copyright 2026 the switchman authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package io.switchman.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.switchman.core.testing.TcpProxy;
import java.time.Duration;
import org.apache.curator.framework.CuratorFramework;
import org.apache.zookeeper.ZooKeeper;
import org.junit.jupiter.api.Test;

/**
 * The kind of server (single or several) is known for one connection only: on a real standalone
 * server it is read from {@code /zookeeper/config}, forgotten when the connection drops, and read
 * again for the next grant. ({@link FollowerCutOffTest} shows the rule of several servers on a
 * three-server ensemble.)
 */
class SingleServerTest extends EngineTestBase {

  @Test
  void theKindOfServerIsForgottenOnADisconnectAndReadAgain() throws Exception {
    TcpProxy proxy = zk.proxy();
    CuratorFramework client = zk.client(proxy.connectString(), SESSION);
    ZooKeeper handle = client.getZookeeperClient().getZooKeeper();
    SafetyMonitor monitor = new SafetyMonitor(Duration.ofMillis(50));
    SafetyMonitor.LeaderContact contact = monitor.contactFor(handle);
    assertThat(contact.modeKnown()).isTrue();
    assertThat(contact.singleServer()).as("a standalone server").isTrue();
    assertThat(CuratorClients.isSingleServer(client)).isTrue();

    proxy.disconnect();
    // The configuration read's watcher hears the disconnect on the client's event thread.
    await().atMost(Duration.ofSeconds(5)).until(() -> !contact.modeKnown());
    assertThat(contact.singleServer()).as("unknown is not single").isFalse();
    assertThat(contact.leaderReached(System.nanoTime()))
        .as("the rule of several servers meanwhile: half a session back")
        .isLessThan(System.nanoTime() - SESSION.toNanos() / 2 + Duration.ofMillis(100).toNanos());

    await().atMost(Duration.ofSeconds(10)).until(() -> client.getZookeeperClient().isConnected());
    ZooKeeper again = client.getZookeeperClient().getZooKeeper();
    assertThat(again.getSessionId()).as("the same session").isEqualTo(handle.getSessionId());
    assertThat(monitor.contactFor(again)).isSameAs(contact);
    assertThat(contact.singleServer()).as("read again on the new connection").isTrue();
    monitor.shutdown();
  }
}
