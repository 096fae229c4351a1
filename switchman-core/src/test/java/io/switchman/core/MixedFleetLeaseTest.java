/*
 * Copyright 2026 the switchman authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package io.switchman.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.switchman.core.Acquisition.Outcome;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.junit.jupiter.api.Test;

/**
 * A switchman-1.16-style client (raw ZooKeeper calls following 1.16's algorithm, see
 * shared/reference/switchman-1.16.md: join the queue, wait to be the lowest, then poll: take the
 * mutex, sum the leases, create one if it fits, release the mutex; leave the queue) and engines
 * with the present lease protocol contend for one resource: the capacity is never exceeded, and
 * both kinds are granted.
 */
class MixedFleetLeaseTest extends EngineTestBase {

  private static final int CAPACITY = 3;
  private static final int ROUNDS = 6;

  private final AtomicInteger held = new AtomicInteger();
  private final AtomicInteger maxHeld = new AtomicInteger();
  private final List<String> grantedBy = Collections.synchronizedList(new ArrayList<>());

  private void hold(String who, int amount) throws InterruptedException {
    int now = held.addAndGet(amount);
    maxHeld.accumulateAndGet(now, Math::max);
    grantedBy.add(who);
    Thread.sleep(20);
    held.addAndGet(-amount);
  }

  @Test
  void aSwitchman116ClientAndTheEngineShareOneResourceWithinItsCapacity() throws Exception {
    clusterData("{\"resources\": [\"db\"]}");
    List<CompletableFuture<Void>> all = new ArrayList<>();
    int[] engineAmounts = {1, 2, 1};
    for (int i = 0; i < engineAmounts.length; i++) {
      SwitchmanEngine e = engine("host-" + i);
      int amount = engineAmounts[i];
      String name = "engine" + i;
      all.add(
          CompletableFuture.runAsync(
              () -> {
                try {
                  for (int r = 0; r < ROUNDS; r++) {
                    Acquisition a =
                        e.acquire(
                            GrantRequest.builder(name)
                                .lock(false)
                                .lease("db", Integer.toString(amount), Integer.toString(CAPACITY))
                                .build());
                    assertThat(a.outcome()).isEqualTo(Outcome.ACQUIRED);
                    Grant g = a.grant();
                    try {
                      hold(name, amount);
                    } finally {
                      g.release();
                    }
                  }
                } catch (InterruptedException ex) {
                  throw new IllegalStateException(ex);
                }
              }));
    }
    for (int i = 0; i < 2; i++) {
      String name = "perl" + i;
      int amount = 2;
      all.add(
          CompletableFuture.runAsync(
              () -> {
                try {
                  for (int r = 0; r < ROUNDS; r++) {
                    runLike116(name, amount);
                  }
                } catch (Exception ex) {
                  throw new IllegalStateException(ex);
                }
              }));
    }
    CompletableFuture.allOf(all.toArray(CompletableFuture<?>[]::new)).get(120, TimeUnit.SECONDS);
    assertThat(maxHeld.get()).isLessThanOrEqualTo(CAPACITY);
    assertThat(grantedBy).hasSize(5 * ROUNDS);
    assertThat(grantedBy).contains("perl0", "perl1", "engine0", "engine1", "engine2");
    try (ZooKeeper raw = rawZooKeeper()) {
      assertThat(raw.getChildren("/switchman/queues/db", false)).isEmpty();
      assertThat(raw.getChildren("/switchman/semaphores/db/lock", false)).isEmpty();
      assertThat(raw.getChildren("/switchman/semaphores/db/leases", false)).isEmpty();
    }
  }

  private ZooKeeper rawZooKeeper() throws Exception {
    CompletableFuture<Void> connected = new CompletableFuture<>();
    ZooKeeper zkc =
        new ZooKeeper(
            zk.connectString(),
            (int) SESSION.toMillis(),
            e -> {
              if (e.getState() == org.apache.zookeeper.Watcher.Event.KeeperState.SyncConnected) {
                connected.complete(null);
              }
            });
    connected.get(30, TimeUnit.SECONDS);
    return zkc;
  }

  /** One run of switchman 1.16's lease algorithm (steps 5 to 7 and the release), on its session. */
  private void runLike116(String name, int amount) throws Exception {
    byte[] data = ("perlhost " + name).getBytes(StandardCharsets.UTF_8);
    String p = "/switchman";
    try (ZooKeeper c = rawZooKeeper()) {
      for (String dir :
          List.of(
              p + "/queues",
              p + "/queues/db",
              p + "/semaphores",
              p + "/semaphores/db",
              p + "/semaphores/db/lock",
              p + "/semaphores/db/leases")) {
        try {
          c.create(dir, new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
        } catch (KeeperException.NodeExistsException e) {
          // exists
        }
      }
      String queue = p + "/queues/db";
      String own =
          c.create(
              queue + "/" + name + "-",
              data,
              ZooDefs.Ids.OPEN_ACL_UNSAFE,
              CreateMode.EPHEMERAL_SEQUENTIAL);
      String ownLeaf = own.substring(own.lastIndexOf('/') + 1);
      // Wait until lowest in the queue (1.16 watches the next lower node; polling is equivalent).
      while (!lowest(c.getChildren(queue, false), ownLeaf)) {
        Thread.sleep(10);
      }
      String lease = null;
      while (lease == null) {
        String mutex =
            c.create(
                p + "/semaphores/db/lock/acquire-",
                new byte[0],
                ZooDefs.Ids.OPEN_ACL_UNSAFE,
                CreateMode.EPHEMERAL_SEQUENTIAL);
        String mutexLeaf = mutex.substring(mutex.lastIndexOf('/') + 1);
        while (!lowest(c.getChildren(p + "/semaphores/db/lock", false), mutexLeaf)) {
          Thread.sleep(10);
        }
        long sum = 0;
        for (String l : c.getChildren(p + "/semaphores/db/leases", false)) {
          String[] parts = l.split("_");
          assertThat(Long.parseLong(parts[1])).isEqualTo(CAPACITY); // else "Totals mismatch"
          sum += Long.parseLong(parts[0]);
        }
        if (sum + amount <= CAPACITY) {
          lease =
              c.create(
                  p + "/semaphores/db/leases/" + amount + "_" + CAPACITY + "_",
                  data,
                  ZooDefs.Ids.OPEN_ACL_UNSAFE,
                  CreateMode.EPHEMERAL_SEQUENTIAL);
        }
        c.delete(mutex, -1);
        if (lease == null) {
          Thread.sleep(Duration.ofMillis(50).toMillis()); // 1.16 polls once a second
        }
      }
      c.delete(own, -1);
      hold(name, amount);
      c.delete(lease, -1); // 1.16's lease goes with its session; deleting it is the same
    }
  }

  private static boolean lowest(List<String> children, String own) {
    long ownSeq = Layout.sequenceOf(own);
    for (String child : children) {
      if (Layout.sequenceOf(child) < ownSeq) {
        return false;
      }
    }
    return true;
  }
}
