/*
 * Copyright 2026 the switchman authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package io.switchman.benchmarks;

import io.switchman.core.ClusterData;
import io.switchman.core.ClusterStatus;
import io.switchman.core.SwitchmanEngine;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.apache.curator.framework.CuratorFramework;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;

/**
 * Section 9: the status read at fleet scale. A holder session creates {@code locks} lock nodes,
 * {@code queued} queue nodes and {@code leased} lease nodes (in 10 resources); the engine's status
 * read ({@code SwitchmanEngine.status()}, what {@code --status} and the endpoint call) runs through
 * a proxy that delays every reply by {@code delayMs}, next to the reads one at a time (what the
 * status read did before issue 16: a listing, then one {@code getData} per node, each awaited),
 * interleaved.
 */
final class StatusBenchmark {

  record Result(
      int locks,
      int queued,
      int leased,
      long delayMs,
      List<Long> pipelinedMs,
      List<Long> sequentialMs,
      int nodesSeen) {}

  private final ZooKeeperServerProcess server;
  private final int locks;
  private final int queued;
  private final int leased;
  private final long delayMs;
  private final int rounds;

  StatusBenchmark(
      ZooKeeperServerProcess server, int locks, int queued, int leased, long delayMs, int rounds) {
    this.server = server;
    this.locks = locks;
    this.queued = queued;
    this.leased = leased;
    this.delayMs = delayMs;
    this.rounds = rounds;
  }

  Result run() throws Exception {
    String prefix = "/bench-status";
    Progress.log("status: %d locks, %d queue and %d lease nodes", locks, queued, leased);
    try (ZooKeeper holder = Clients.zooKeeper(server.connectString(), 30_000);
        DelayProxy proxy = new DelayProxy(server.port(), delayMs);
        CuratorFramework c = Clients.curator(proxy.connectString(), 30_000);
        SwitchmanEngine engine = Clients.engine(c, prefix)) {
      engine.writeClusterData(new ClusterData(Map.of(), List.of(), Map.of()));
      byte[] data = "bench-host 1".getBytes(java.nio.charset.StandardCharsets.UTF_8);
      List<String> paths = new ArrayList<>();
      for (String d :
          List.of(
              prefix + "/locks", prefix + "/queues", prefix + "/semaphores", prefix + "/waiters")) {
        create(holder, d, CreateMode.PERSISTENT, new byte[0]);
      }
      for (int r = 0; r < 10; r++) {
        create(holder, prefix + "/queues/res" + r, CreateMode.PERSISTENT, new byte[0]);
        create(holder, prefix + "/semaphores/res" + r, CreateMode.PERSISTENT, new byte[0]);
        create(
            holder, prefix + "/semaphores/res" + r + "/leases", CreateMode.PERSISTENT, new byte[0]);
      }
      for (int i = 0; i < locks; i++) {
        paths.add(prefix + "/locks/job-" + i);
      }
      createAll(holder, paths, CreateMode.EPHEMERAL, data);
      paths.clear();
      for (int i = 0; i < queued; i++) {
        paths.add(prefix + "/queues/res" + (i % 10) + "/q" + i + "-");
      }
      createAll(holder, paths, CreateMode.EPHEMERAL_SEQUENTIAL, data);
      paths.clear();
      for (int i = 0; i < leased; i++) {
        paths.add(prefix + "/semaphores/res" + (i % 10) + "/leases/1_1000_");
      }
      createAll(holder, paths, CreateMode.EPHEMERAL_SEQUENTIAL, data);
      ZooKeeper zk = c.getZookeeperClient().getZooKeeper();
      List<Long> pipelined = new ArrayList<>();
      List<Long> sequential = new ArrayList<>();
      int seen = 0;
      engine.status(); // warm-up
      for (int r = 0; r < rounds; r++) {
        long t0 = System.nanoTime();
        ClusterStatus st = engine.status();
        pipelined.add((System.nanoTime() - t0) / 1_000_000);
        seen =
            st.locks().size()
                + st.queues().values().stream().mapToInt(List::size).sum()
                + st.leases().values().stream().mapToInt(List::size).sum();
        t0 = System.nanoTime();
        sequentialRead(zk, prefix);
        sequential.add((System.nanoTime() - t0) / 1_000_000);
        Progress.log(
            "status: pipelined %d ms, one at a time %d ms", pipelined.get(r), sequential.get(r));
      }
      return new Result(locks, queued, leased, delayMs, pipelined, sequential, seen);
    }
  }

  /** The reads of the status read before issue 16: every listing and getData awaited in turn. */
  private static void sequentialRead(ZooKeeper zk, String prefix) throws Exception {
    for (String name : zk.getChildren(prefix + "/locks", false)) {
      zk.getData(prefix + "/locks/" + name, false, null);
    }
    for (String res : zk.getChildren(prefix + "/queues", false)) {
      for (String n : zk.getChildren(prefix + "/queues/" + res, false)) {
        zk.getData(prefix + "/queues/" + res + "/" + n, false, null);
      }
    }
    for (String res : zk.getChildren(prefix + "/semaphores", false)) {
      String dir = prefix + "/semaphores/" + res + "/leases";
      for (String n : zk.getChildren(dir, false)) {
        zk.getData(dir + "/" + n, false, null);
      }
    }
    zk.getChildren(prefix + "/waiters", false);
    zk.getData(prefix, false, null);
  }

  private static void create(ZooKeeper zk, String path, CreateMode mode, byte[] data)
      throws Exception {
    try {
      zk.create(path, data, ZooDefs.Ids.OPEN_ACL_UNSAFE, mode);
    } catch (org.apache.zookeeper.KeeperException.NodeExistsException e) {
      // there
    }
  }

  private static void createAll(ZooKeeper zk, List<String> paths, CreateMode mode, byte[] data)
      throws InterruptedException {
    CountDownLatch left = new CountDownLatch(paths.size());
    java.util.concurrent.Semaphore slots = new java.util.concurrent.Semaphore(256);
    for (String p : paths) {
      slots.acquire();
      zk.create(
          p,
          data,
          ZooDefs.Ids.OPEN_ACL_UNSAFE,
          mode,
          (rc, path, ctx, name) -> {
            slots.release();
            left.countDown();
          },
          null);
    }
    left.await();
  }
}
