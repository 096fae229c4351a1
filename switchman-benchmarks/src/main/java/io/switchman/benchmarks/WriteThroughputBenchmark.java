/*
 * Copyright 2026 the switchman authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package io.switchman.benchmarks;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.zookeeper.AsyncCallback;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;

/**
 * For the sizing section: how many lock cycles (ephemeral create + delete, the two writes of a
 * guarded run) per second this one server carries, pipelined from 4 sessions with 32 cycles in
 * flight each.
 */
final class WriteThroughputBenchmark {

  /**
   * The outcome.
   *
   * @param cyclesPerSecond create + delete pairs completed per second
   * @param seconds measured time
   * @param serverCpuMs server CPU used in the measurement
   */
  record Result(double cyclesPerSecond, double seconds, long serverCpuMs) {
    double writesPerSecond() {
      return 2 * cyclesPerSecond;
    }
  }

  private static final int SESSIONS = 4;
  private static final int IN_FLIGHT = 32;

  private final ZooKeeperServerProcess server;
  private final double seconds;

  WriteThroughputBenchmark(ZooKeeperServerProcess server, double seconds) {
    this.server = server;
    this.seconds = seconds;
  }

  Result run() throws Exception {
    List<ZooKeeper> zks = new ArrayList<>();
    AtomicLong cycles = new AtomicLong();
    String dir = "/bench-throughput";
    try {
      for (int i = 0; i < SESSIONS; i++) {
        zks.add(Clients.zooKeeper(server.connectString(), 30_000));
      }
      LockCycles.mkdirs(zks.get(0), dir);
      long[] stopAt = {Long.MAX_VALUE};
      for (ZooKeeper zk : zks) {
        for (int j = 0; j < IN_FLIGHT; j++) {
          new Chain(zk, dir + "/n-", cycles, stopAt).next();
        }
      }
      Thread.sleep((long) (200 * seconds)); // warm-up
      long c0 = cycles.get();
      long cpu0 = server.cpuTimeMillis();
      long t0 = System.nanoTime();
      Thread.sleep((long) (1000 * seconds));
      long c1 = cycles.get();
      long t1 = System.nanoTime();
      long cpu = server.cpuTimeMillis() - cpu0;
      synchronized (stopAt) {
        stopAt[0] = 0;
      }
      double secs = (t1 - t0) / 1e9;
      Result r = new Result((c1 - c0) / secs, secs, cpu);
      Progress.log(
          "server throughput: %.0f lock cycles/s (%.0f writes/s)",
          r.cyclesPerSecond(), r.writesPerSecond());
      return r;
    } finally {
      for (ZooKeeper zk : zks) {
        zk.close();
      }
    }
  }

  /** One chain of create, delete, create, ... on one session. */
  private static final class Chain implements AsyncCallback.StringCallback {
    private final ZooKeeper zk;
    private final String prefix;
    private final AtomicLong cycles;
    private final long[] stop;

    Chain(ZooKeeper zk, String prefix, AtomicLong cycles, long[] stop) {
      this.zk = zk;
      this.prefix = prefix;
      this.cycles = cycles;
      this.stop = stop;
    }

    void next() {
      synchronized (stop) {
        if (stop[0] == 0) {
          return;
        }
      }
      zk.create(
          prefix,
          LockCycles.DATA,
          ZooDefs.Ids.OPEN_ACL_UNSAFE,
          CreateMode.EPHEMERAL_SEQUENTIAL,
          this,
          null);
    }

    @Override
    public void processResult(int rc, String path, Object ctx, String name) {
      if (rc != KeeperException.Code.OK.intValue()) {
        return;
      }
      zk.delete(
          name,
          -1,
          (rc2, p2, c2) -> {
            if (rc2 == KeeperException.Code.OK.intValue()) {
              cycles.incrementAndGet();
              next();
            }
          },
          null);
    }
  }
}
