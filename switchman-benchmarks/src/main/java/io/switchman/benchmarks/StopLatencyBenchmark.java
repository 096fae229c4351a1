/*
 * Copyright 2026 the switchman authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package io.switchman.benchmarks;

import io.switchman.core.Acquisition;
import io.switchman.core.GrantRequest;
import io.switchman.core.LossReason;
import io.switchman.core.SwitchmanEngine;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooKeeper;

/**
 * Section 4: a holder in this process reaches the server through a proxy; the proxy starts dropping
 * every byte (a partition); measured are the time to the holder's loss signal ({@code
 * Grant.onLoss}) and the time until the server expires the session (an observer on a direct session
 * sees the lock node deleted). The signal must come first, by at least the stop budget.
 */
final class StopLatencyBenchmark {

  /**
   * One run.
   *
   * @param lossMs partition start to the loss signal
   * @param reason the loss reason reported
   * @param expiryMs partition start to the server deleting the lock node
   * @param delayMs the random wait before the partition (phase against the client's pings)
   */
  record Run(long lossMs, LossReason reason, long expiryMs, long delayMs) {}

  /**
   * The outcome.
   *
   * @param sessionMs negotiated S
   * @param stopBudgetMs the engine's stop budget
   * @param tickMs the server's tick
   * @param runs the runs
   */
  record Result(int sessionMs, long stopBudgetMs, int tickMs, List<Run> runs) {}

  private final ZooKeeperServerProcess server;
  private final int sessionMs;
  private final int runs;

  StopLatencyBenchmark(ZooKeeperServerProcess server, int sessionMs, int runs) {
    this.server = server;
    this.sessionMs = sessionMs;
    this.runs = runs;
  }

  Result run() throws Exception {
    List<Run> out = new ArrayList<>();
    int negotiated = 0;
    long budget = 0;
    String prefix = "/bench-stop";
    try (ZooKeeper observer = Clients.zooKeeper(server.connectString(), 30_000)) {
      for (int r = 0; r < runs; r++) {
        String name = "stop-" + r;
        CountingProxy proxy = new CountingProxy(server.port());
        CuratorFramework client = Clients.curator(proxy.connectString(), sessionMs);
        SwitchmanEngine engine = Clients.engine(client, prefix);
        try {
          negotiated = engine.negotiatedSessionTimeoutMs();
          budget = engine.stopBudget().toMillis();
          Acquisition a = engine.acquire(GrantRequest.builder(name).build());
          if (a.grant() == null) {
            throw new IllegalStateException("not granted: " + a.detail());
          }
          CompletableFuture<long[]> lost = new CompletableFuture<>();
          a.grant()
              .onLoss(reason -> lost.complete(new long[] {System.nanoTime(), reason.ordinal()}));
          CompletableFuture<Long> expired = new CompletableFuture<>();
          String path = prefix + "/locks/" + name;
          if (observer.exists(
                  path,
                  e -> {
                    if (e.getType() == Watcher.Event.EventType.NodeDeleted) {
                      expired.complete(System.nanoTime());
                    }
                  })
              == null) {
            throw new IllegalStateException("lock node missing: " + path);
          }
          long delay = ThreadLocalRandom.current().nextLong(Math.max(1, negotiated / 3));
          Thread.sleep(delay);
          long t0 = System.nanoTime();
          proxy.partition();
          long wait = 3L * negotiated + 10_000;
          long[] loss = lost.get(wait, TimeUnit.MILLISECONDS);
          long gone = expired.get(wait, TimeUnit.MILLISECONDS);
          Run run =
              new Run(
                  (loss[0] - t0) / 1_000_000,
                  LossReason.values()[(int) loss[1]],
                  (gone - t0) / 1_000_000,
                  delay);
          out.add(run);
          Progress.log(
              "stop latency %d/%d: loss signal after %d ms (%s), server expiry after %d ms (S = %d"
                  + " ms)",
              r + 1, runs, run.lossMs(), run.reason(), run.expiryMs(), negotiated);
        } finally {
          proxy.heal();
          engine.close();
          client.close();
          proxy.close();
        }
      }
    }
    return new Result(negotiated, budget, server.tickTimeMs(), out);
  }
}
