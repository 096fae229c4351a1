/*
 * Copyright 2026 the switchman authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package io.switchman.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.switchman.core.Acquisition.Outcome;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.junit.jupiter.api.Test;

/**
 * A create whose reply is lost leaves a node of our own session that no request knows. The sweep
 * removes exactly such nodes, so they cannot block a queue for the rest of the session.
 */
class OrphanSweepTest extends EngineTestBase {

  @Test
  void sweepDeletesUnknownNodesOfTheOwnSessionOnly() throws Exception {
    clusterData("{\"resources\": [\"db\"]}");
    CuratorFramework client = zk.client(SESSION);
    SwitchmanEngine engine = engine(client, "host-a");
    CuratorFramework other = zk.client(SESSION);

    // A request of this engine waits in the queue of db behind a holder.
    Grant hog = engine("hog").acquire(leaseOf("hog", "1")).grant();
    CompletableFuture<Acquisition> waiting =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                return engine.acquire(leaseOf("known", "1"));
              } catch (InterruptedException e) {
                throw new IllegalStateException(e);
              }
            });
    await()
        .atMost(Duration.ofSeconds(3))
        .until(() -> other.getChildren().forPath("/switchman/queues/db").size() == 1);

    // The orphan: a queue node of the engine's own session whose create reply "was lost".
    ZooKeeper own = client.getZookeeperClient().getZooKeeper();
    String orphan =
        own.create(
            "/switchman/queues/db/lost-",
            "host-a 1".getBytes(StandardCharsets.UTF_8),
            ZooDefs.Ids.OPEN_ACL_UNSAFE,
            CreateMode.EPHEMERAL_SEQUENTIAL);
    // And a node of another session, which is never ours to delete.
    String foreign =
        other
            .create()
            .withMode(CreateMode.EPHEMERAL_SEQUENTIAL)
            .forPath("/switchman/queues/db/foreign-");

    engine.sweepOrphans(own, Set.of("/switchman/queues/db"));

    await().atMost(Duration.ofSeconds(3)).until(() -> other.checkExists().forPath(orphan) == null);
    assertThat(other.checkExists().forPath(foreign)).isNotNull();
    assertThat(other.getChildren().forPath("/switchman/queues/db"))
        .hasSize(2)
        .anyMatch(c -> c.startsWith("known-"));
    hog.release();
    other.delete().forPath(foreign);
    assertThat(waiting.get(5, TimeUnit.SECONDS).outcome()).isEqualTo(Outcome.ACQUIRED);
  }

  private static GrantRequest leaseOf(String name, String amount) {
    return GrantRequest.builder(name).lock(false).lease("db", amount, "1").build();
  }
}
