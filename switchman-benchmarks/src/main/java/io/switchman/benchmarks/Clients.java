/*
 * Copyright 2026 the switchman authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package io.switchman.benchmarks;

import io.switchman.core.HostFacts;
import io.switchman.core.SwitchmanEngine;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryNTimes;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooKeeper;

/** Connected clients for the benchmarks; each one is a ZooKeeper session of its own. */
final class Clients {

  private Clients() {}

  /** A started Curator client, connected. */
  static CuratorFramework curator(String connect, int sessionTimeoutMs)
      throws InterruptedException {
    CuratorFramework c =
        CuratorFrameworkFactory.builder()
            .connectString(connect)
            .sessionTimeoutMs(sessionTimeoutMs)
            .connectionTimeoutMs(15_000)
            .retryPolicy(new RetryNTimes(3, 100))
            .build();
    c.start();
    if (!c.blockUntilConnected(60, TimeUnit.SECONDS)) {
      c.close();
      throw new IllegalStateException("no connection to ZooKeeper at " + connect);
    }
    return c;
  }

  /**
   * An engine with a fixed host identity (no DNS look-up) on a connected Curator client; the stop
   * budget is 2 s, or S/4 for a shorter negotiated session timeout S.
   */
  static SwitchmanEngine engine(CuratorFramework client, String prefix) {
    return engine(client, prefix, false);
  }

  /**
   * As {@link #engine(CuratorFramework, String)}; {@code previous}: the previous lease protocol.
   */
  static SwitchmanEngine engine(CuratorFramework client, String prefix, boolean previous) {
    int s = client.getZookeeperClient().getLastNegotiatedSessionTimeoutMs();
    long budget = s > 0 ? Math.min(2000, s / 4) : 2000;
    return io.switchman.core.BenchmarkAccess.previousLeaseProtocol(
            SwitchmanEngine.builder(client)
                .prefix(prefix)
                .host(new HostFacts("bench-host", 2, 4096))
                .stopBudget(Duration.ofMillis(budget)),
            previous)
        .build();
  }

  /** A raw ZooKeeper handle, connected. */
  static ZooKeeper zooKeeper(String connect, int sessionTimeoutMs)
      throws IOException, InterruptedException {
    CountDownLatch connected = new CountDownLatch(1);
    ZooKeeper zk =
        new ZooKeeper(
            connect,
            sessionTimeoutMs,
            e -> {
              if (e.getState() == Watcher.Event.KeeperState.SyncConnected) {
                connected.countDown();
              }
            });
    if (!connected.await(60, TimeUnit.SECONDS)) {
      zk.close();
      throw new IllegalStateException("no connection to ZooKeeper at " + connect);
    }
    return zk;
  }
}
