/*
 * Copyright 2026 the switchman authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package io.switchman.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.switchman.core.Acquisition.Outcome;
import io.switchman.core.testing.TcpProxy;
import java.time.Duration;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import org.apache.curator.framework.CuratorFramework;
import org.junit.jupiter.api.Test;

/**
 * The safety monitor wakes at the due times of its grants, not at a fixed tick, and does not spin
 * when a due time cannot be acted on: a keep-alive due while the client is cut off from the server,
 * with a lost grant its holder has not released yet.
 */
class MonitorWakeUpTest extends EngineTestBase {

  @Test
  void aPartitionWithALostGrantNotReleasedDoesNotMakeTheMonitorSpin() throws Exception {
    TcpProxy proxy = zk.proxy();
    CuratorFramework client = zk.client(proxy.connectString(), SESSION);
    SwitchmanEngine engine = engine(client, "host-a");
    Acquisition a = engine.acquire(lock("job"));
    assertThat(a.outcome()).isEqualTo(Outcome.ACQUIRED);
    Grant g = a.grant();
    ScheduledThreadPoolExecutor monitor = (ScheduledThreadPoolExecutor) engine.monitorScheduler();
    try {
      // Held and connected: a few checks a second at most (S = 3 s: a refresh every 500 ms).
      long connected = monitor.getCompletedTaskCount();
      await("fewer than 20 monitor checks in 2 s, held and connected")
          .during(Duration.ofSeconds(2))
          .atMost(Duration.ofSeconds(3))
          .until(() -> monitor.getCompletedTaskCount() - connected < 20);

      proxy.partition();
      await().atMost(Duration.ofSeconds(10)).until(() -> !g.isHeld());
      // One tick (50 ms) while the keep-alive waits for the connection: about 40 in 2 s.
      long cutOff = monitor.getCompletedTaskCount();
      await("fewer than 120 monitor checks in 2 s, cut off with the lost grant not released")
          .during(Duration.ofSeconds(2))
          .atMost(Duration.ofSeconds(3))
          .until(() -> monitor.getCompletedTaskCount() - cutOff < 120);
    } finally {
      proxy.heal();
      g.release();
    }
  }
}
