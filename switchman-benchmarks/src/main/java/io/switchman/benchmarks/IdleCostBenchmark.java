/*
 * Copyright 2026 the switchman authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package io.switchman.benchmarks;

import io.switchman.core.BenchmarkAccess;
import io.switchman.core.ClusterData;
import io.switchman.core.Grant;
import io.switchman.core.GrantRequest;
import io.switchman.core.HostFacts;
import io.switchman.core.SwitchmanEngine;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.curator.framework.CuratorFramework;

/**
 * Section 8: what an engine costs while nothing happens. One engine (its own Curator client,
 * through the counting proxy) holds 0, 1 or 100 grants (locks) for a window; measured are the CPU
 * time of its threads (the safety monitor's, and the ZooKeeper client's send and event threads,
 * from {@link ThreadMXBean}) and the requests it sent (pings left out: they are the session's, not
 * the engine's). "Before" is the safety monitor ticking with no grant held (as before issue 16).
 */
final class IdleCostBenchmark {

  /**
   * One measurement.
   *
   * @param tickWhileIdle the previous scheduling (tick also with no grant held)
   * @param grants grants held through the window
   * @param windowMs the window
   * @param monitorCpuMs CPU time of the safety monitor's thread in the window
   * @param clientCpuMs CPU time of the ZooKeeper client threads of this engine's session
   * @param requests requests sent in the window, by name
   * @param sessionTimeoutMs S
   */
  record Result(
      boolean tickWhileIdle,
      int grants,
      long windowMs,
      double monitorCpuMs,
      double clientCpuMs,
      Map<String, Long> requests,
      long requestCount,
      int sessionTimeoutMs) {}

  private final ZooKeeperServerProcess server;
  private final Duration window;

  IdleCostBenchmark(ZooKeeperServerProcess server, Duration window) {
    this.server = server;
    this.window = window;
  }

  List<Result> run() throws Exception {
    List<Result> out = new ArrayList<>();
    out.add(measure(true, 0));
    out.add(measure(false, 0));
    out.add(measure(false, 1));
    out.add(measure(false, 100));
    return out;
  }

  private Result measure(boolean tickWhileIdle, int n) throws Exception {
    String prefix = "/bench-idle-" + n + (tickWhileIdle ? "-before" : "");
    Progress.log("idle cost: %d grants held (%s)", n, tickWhileIdle ? "before" : "present");
    try (CountingProxy proxy = new CountingProxy(server.port());
        CuratorFramework c = Clients.curator(proxy.connectString(), 30_000)) {
      int s = c.getZookeeperClient().getLastNegotiatedSessionTimeoutMs();
      SwitchmanEngine e =
          BenchmarkAccess.tickWhileIdle(
                  SwitchmanEngine.builder(c)
                      .prefix(prefix)
                      .host(new HostFacts("bench-host", 2, 4096))
                      .stopBudget(Duration.ofMillis(Math.min(2000, s / 4))),
                  tickWhileIdle)
              .build();
      try {
        e.writeClusterData(new ClusterData(Map.of(), List.of(), Map.of()));
        List<Grant> held = new ArrayList<>();
        for (int i = 0; i < n; i++) {
          held.add(e.acquire(GrantRequest.builder("idle-" + i).build()).grant());
        }
        Thread.sleep(500); // the grants' own-node watches answered
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        long[] before = cpuOf(mx);
        CountingProxy.Counts c0 = proxy.counts();
        long t0 = System.nanoTime();
        Thread.sleep(window.toMillis());
        long t1 = System.nanoTime();
        long[] after = cpuOf(mx);
        CountingProxy.Counts d = proxy.counts().minus(c0);
        for (Grant g : held) {
          g.release();
        }
        Result r =
            new Result(
                tickWhileIdle,
                n,
                (t1 - t0) / 1_000_000,
                (after[0] - before[0]) / 1e6,
                (after[1] - before[1]) / 1e6,
                d.byName(),
                d.operations(),
                s);
        Progress.log(
            "idle cost: %d grants (%s): monitor %.1f ms CPU, ZooKeeper client threads %.1f ms, %d"
                + " requests %s in %d ms",
            n,
            tickWhileIdle ? "before" : "present",
            r.monitorCpuMs(),
            r.clientCpuMs(),
            r.requestCount(),
            r.requests(),
            r.windowMs());
        return r;
      } finally {
        e.close();
      }
    }
  }

  /**
   * CPU nanos of the safety monitor threads, and of the ZooKeeper client threads, of this JVM (the
   * benchmark has one engine and one client open during the window, plus nothing else running).
   */
  private static long[] cpuOf(ThreadMXBean mx) {
    long monitor = 0;
    long client = 0;
    for (ThreadInfo t : mx.getThreadInfo(mx.getAllThreadIds())) {
      if (t == null) {
        continue;
      }
      long cpu = mx.getThreadCpuTime(t.getThreadId());
      if (cpu < 0) {
        continue;
      }
      String name = t.getThreadName();
      if (name.startsWith("switchman-safety-monitor")) {
        monitor += cpu;
      } else if (name.contains("-EventThread") || name.contains("-SendThread")) {
        client += cpu;
      }
    }
    return new long[] {monitor, client};
  }
}
