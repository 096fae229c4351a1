/*
 * Copyright 2026 the switchman authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package io.switchman.core;

import static io.switchman.core.testing.ZooKeeperSupport.roundTrip;
import static org.assertj.core.api.Assertions.assertThat;

import io.switchman.core.testing.FaultLink;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryNTimes;
import org.apache.curator.test.InstanceSpec;
import org.apache.curator.test.TestingServer;
import org.junit.jupiter.api.Test;

/**
 * Issue 10, item 8: docs/design.md says a plain read is no proof of life (a follower cut off from
 * the leader still answers it); only a {@code sync} (answered through the leader) then a read, or a
 * write, moves the safety deadline. The read that sets the grant's watches right after the create
 * must therefore not move it.
 */
class ProofOfLifeTest {

  @Test
  void theReadThatSetsTheWatchesDoesNotMoveTheSafetyDeadline() throws Exception {
    // tickTime 1 s, so a long session makes the first refresh (S/6) come late.
    try (TestingServer server =
            new TestingServer(new InstanceSpec(null, -1, -1, -1, true, -1, 1000, -1), true);
        FaultLink link = new FaultLink(server.getPort(), true);
        CuratorFramework client =
            CuratorFrameworkFactory.builder()
                .connectString(link.connectString())
                .sessionTimeoutMs(18_000)
                .connectionTimeoutMs(5000)
                .retryPolicy(new RetryNTimes(3, 100))
                .build()) {
      client.start();
      assertThat(client.blockUntilConnected(10, TimeUnit.SECONDS)).isTrue();
      Duration stopBudget = Duration.ofMillis(600);
      try (SwitchmanEngine engine =
          SwitchmanEngine.builder(client)
              .host(new HostFacts("host-a", 4, 8192))
              .stopBudget(stopBudget)
              .operationTimeout(Duration.ofSeconds(10))
              .build()) {
        engine.acquire(GrantRequest.builder("warm-up").build()).grant().release();

        Duration oneWay = Duration.ofMillis(300);
        link.delay(oneWay); // every request and every reply takes 300 ms
        Grant g = engine.acquire(GrantRequest.builder("job").build()).grant();
        long returned = System.nanoTime();
        roundTrip(client.getZookeeperClient().getZooKeeper()); // the watch's read is answered

        long s = TimeUnit.MILLISECONDS.toNanos(engine.negotiatedSessionTimeoutMs());
        // The create was sent at least one round trip (2 x 300 ms) before acquire returned; no
        // sync has been sent yet (the first refresh is due S/6 = 3 s after the create).
        long latestProof = returned - 2 * oneWay.toNanos();
        assertThat(g.safeUntilNanos() - (latestProof + s - stopBudget.toNanos()))
            .as("safety deadline minus (latest possible create send time + S - stop budget), ns")
            .isLessThanOrEqualTo(0);
        assertThat(g.isHeld()).isTrue();
        g.release();
      }
    }
  }
}
