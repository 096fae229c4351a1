/*
 * Copyright 2026 the switchman authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package io.switchman.benchmarks;

import io.switchman.core.Acquisition;
import io.switchman.core.GrantRequest;
import io.switchman.core.SwitchmanEngine;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.zookeeper.ZooKeeper;

/**
 * Section 3: a holder process takes a lock; a request in this process waits for it ({@code
 * lockWait}); the holder is killed with SIGKILL; the time until the waiter is granted is measured,
 * against the holder's negotiated session timeout S.
 */
final class FailoverBenchmark {

  /**
   * The outcome.
   *
   * @param sessionMs the holder's negotiated S
   * @param tickMs the server's tick
   * @param failoverMs kill to grant, per run
   */
  record Result(int sessionMs, int tickMs, List<Long> failoverMs) {
    long goalMs() {
      return sessionMs + tickMs + 1000L;
    }
  }

  private final ZooKeeperServerProcess server;
  private final int sessionMs;
  private final int runs;

  FailoverBenchmark(ZooKeeperServerProcess server, int sessionMs, int runs) {
    this.server = server;
    this.sessionMs = sessionMs;
    this.runs = runs;
  }

  Result run() throws Exception {
    String prefix = "/bench-failover";
    List<Long> times = new ArrayList<>();
    int negotiated = 0;
    try (CuratorFramework client = Clients.curator(server.connectString(), sessionMs);
        SwitchmanEngine engine = Clients.engine(client, prefix);
        ZooKeeper zk = Clients.zooKeeper(server.connectString(), 30_000)) {
      for (int r = 0; r < runs; r++) {
        String name = "failover-" + r;
        Process holder =
            new ProcessBuilder(
                    Jvm.java(),
                    "-Xmx128m",
                    "-XX:TieredStopAtLevel=1",
                    "-cp",
                    Jvm.classPath(),
                    BenchmarkMain.class.getName(),
                    "holder",
                    server.connectString(),
                    prefix,
                    name,
                    Integer.toString(sessionMs))
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        try {
          String line;
          try (BufferedReader out =
              new BufferedReader(
                  new InputStreamReader(holder.getInputStream(), StandardCharsets.UTF_8))) {
            line = out.readLine();
            if (line == null || !line.startsWith("HELD ")) {
              throw new IllegalStateException("holder process did not take the lock: " + line);
            }
            negotiated = Integer.parseInt(line.split(" ")[1]);
            CompletableFuture<Long> granted =
                CompletableFuture.supplyAsync(
                    () -> {
                      try {
                        Acquisition a =
                            engine.acquire(
                                GrantRequest.builder(name)
                                    .lockWait(Duration.ofMillis(10L * sessionMs + 60_000))
                                    .build());
                        long t = System.nanoTime();
                        if (a.grant() == null) {
                          throw new IllegalStateException(a.outcome() + ": " + a.detail());
                        }
                        a.grant().release();
                        return t;
                      } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new IllegalStateException(e);
                      }
                    });
            String waiters = prefix + "/waiters/" + name;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (zk.exists(waiters, false) == null || zk.getChildren(waiters, false).isEmpty()) {
              if (System.nanoTime() > deadline || granted.isDone()) {
                throw new IllegalStateException("the waiter did not queue for " + name);
              }
              Thread.sleep(5);
            }
            long t0 = System.nanoTime();
            holder.destroyForcibly();
            long t1 = granted.get(10L * sessionMs + 60_000, TimeUnit.MILLISECONDS);
            long ms = (t1 - t0) / 1_000_000;
            times.add(ms);
            Progress.log(
                "failover %d/%d: %d ms after kill -9 (S = %d ms)", r + 1, runs, ms, negotiated);
          }
        } finally {
          holder.destroyForcibly();
          holder.waitFor(10, TimeUnit.SECONDS);
        }
      }
    }
    return new Result(negotiated, server.tickTimeMs(), times);
  }
}
