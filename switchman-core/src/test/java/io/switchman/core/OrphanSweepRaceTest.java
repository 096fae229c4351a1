/*
 * Copyright 2026 the switchman authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package io.switchman.core;

import static io.switchman.core.testing.ZooKeeperSupport.roundTrip;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.switchman.core.Acquisition.Outcome;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.curator.framework.CuratorFramework;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 10, item 4: the orphan sweep (after request R1 lost a create reply) must never delete a
 * node that another request R2 of this JVM has created but not recorded yet (a slow thread between
 * the create and its bookkeeping).
 */
class OrphanSweepRaceTest extends EngineTestBase {

  private static final String LEASES = "/switchman/semaphores/db/leases";

  private final ExecutorService pool = Executors.newCachedThreadPool();

  @AfterEach
  void stopPool() {
    pool.shutdownNow();
  }

  @Test
  void sweepKeepsANodeThatARequestOfThisJvmHasNotRecordedYet() throws Exception {
    clusterData("{\"resources\": [\"db\"]}");
    CuratorFramework client = zk.client(SESSION);
    SwitchmanEngine engine = engine(client, "host-a");
    CuratorFramework observer = zk.client(SESSION);
    ZooKeeper own = client.getZookeeperClient().getZooKeeper();

    // R2 is held right after the create of its lease node returned, before it records the node.
    CountDownLatch createdByR2 = new CountDownLatch(1);
    CountDownLatch letR2GoOn = new CountDownLatch(1);
    AtomicReference<String> r2Node = new AtomicReference<>();
    engine.session().afterCreate =
        path -> {
          if (path.startsWith(LEASES + "/") && r2Node.compareAndSet(null, path)) {
            createdByR2.countDown();
            awaitQuietly(letR2GoOn);
          }
        };
    Future<Acquisition> r2 =
        pool.submit(
            () ->
                engine.acquire(
                    GrantRequest.builder("r2").lock(false).lease("db", "1", "2").build()));
    assertThat(createdByR2.await(10, TimeUnit.SECONDS)).isTrue();

    // R1's orphan: a lease node of the engine's session that no request knows (a lost reply).
    String orphan =
        own.create(
            LEASES + "/1_2_",
            "host-a 1".getBytes(StandardCharsets.UTF_8),
            ZooDefs.Ids.OPEN_ACL_UNSAFE,
            CreateMode.EPHEMERAL_SEQUENTIAL);
    long listed = engine.session().sweepListings.get();
    engine.sweepOrphans(own, Set.of(LEASES)); // what R1's abandon schedules
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> engine.session().sweepListings.get() > listed);
    roundTrip(own); // the sweep's reads of the nodes it listed are answered
    roundTrip(own); // and the deletes they led to
    assertThat(observer.checkExists().forPath(r2Node.get()))
        .as("R2's lease node %s, created but not recorded yet, after the sweep", r2Node.get())
        .isNotNull();

    letR2GoOn.countDown();
    Acquisition granted = r2.get(10, TimeUnit.SECONDS);
    assertThat(granted.outcome()).isEqualTo(Outcome.ACQUIRED);
    // The real orphan still goes, once R2 has recorded its node; R2's node stays.
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> observer.checkExists().forPath(orphan) == null);
    assertThat(observer.checkExists().forPath(r2Node.get())).isNotNull();
    assertThat(granted.grant().isHeld()).isTrue();
    granted.grant().release();
  }

  static void awaitQuietly(CountDownLatch latch) {
    try {
      if (!latch.await(30, TimeUnit.SECONDS)) {
        throw new IllegalStateException("test hook not released within 30 s");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
