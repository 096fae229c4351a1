/*
 * Copyright 2026 the switchman authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package io.switchman.benchmarks;

import io.switchman.core.Acquisition;
import io.switchman.core.ClusterData;
import io.switchman.core.Grant;
import io.switchman.core.GrantRequest;
import io.switchman.core.SwitchmanEngine;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.curator.framework.CuratorFramework;
import org.apache.zookeeper.ZooKeeper;

/**
 * Section 2: {@code n} sessions (each its own Curator client and engine, through one counting
 * proxy) loop on one resource of capacity 4 with mixed amounts (1, 2, 1, 3): wait for the lease,
 * hold it a few ms, release it, queue again. Once all of them wait, a window of grants is measured:
 * grants per second, hand-over latency (a release to the grant it let proceed), ZooKeeper requests
 * per grant and watch notifications per grant.
 */
final class LeaseContentionBenchmark {

  static final String RESOURCE = "bench_res";
  static final int[] AMOUNTS = {1, 2, 1, 3};

  /**
   * The outcome for one number of waiters.
   *
   * @param waiters sessions contending
   * @param grants grants in the window
   * @param windowMs the window's length
   * @param handover hand-over latencies
   * @param operations requests per grant, by name (pings left out)
   */
  record Result(
      int waiters,
      int capacity,
      int grants,
      long windowMs,
      long setupMs,
      Samples handover,
      Samples advance,
      double opsPerGrant,
      double writesPerGrant,
      double readsPerGrant,
      double notificationsPerGrant,
      Map<String, Double> operations,
      int errors,
      double idleClientCpu,
      double clientCpu,
      double serverCpu,
      double loadAverage,
      Map<String, Samples> roundTrips) {

    double grantsPerSecond() {
      return grants * 1000.0 / Math.max(1, windowMs);
    }
  }

  private final ZooKeeperServerProcess server;
  private final int n;
  private final int capacity;
  private final int grantsToMeasure;
  private final int holdMs;

  LeaseContentionBenchmark(
      ZooKeeperServerProcess server, int n, int capacity, int grantsToMeasure, int holdMs) {
    this.server = server;
    this.n = n;
    this.capacity = capacity;
    this.grantsToMeasure = grantsToMeasure;
    this.holdMs = holdMs;
  }

  /** Events: grant or release, with their time. Appended by every worker. */
  private static final class EventLog {
    private final long[] times;
    private final boolean[] grant;
    private final AtomicInteger next = new AtomicInteger();

    EventLog(int capacity) {
      times = new long[capacity];
      grant = new boolean[capacity];
    }

    void add(boolean isGrant, long time) {
      int i = next.getAndIncrement();
      if (i < times.length) {
        times[i] = time;
        grant[i] = isGrant;
      }
    }
  }

  Result run() throws Exception {
    String prefix = "/bench-leases-" + n;
    Progress.log("leases: %d sessions waiting on capacity %d", n, capacity);
    try (CuratorFramework admin = Clients.curator(server.connectString(), 30_000);
        SwitchmanEngine adminEngine = Clients.engine(admin, prefix);
        CountingProxy proxy = new CountingProxy(server.port())) {
      adminEngine.writeClusterData(new ClusterData(Map.of(), List.of(RESOURCE), Map.of()));
      long setup0 = System.nanoTime();
      List<CuratorFramework> clients = Collections.synchronizedList(new ArrayList<>());
      List<SwitchmanEngine> engines = Collections.synchronizedList(new ArrayList<>());
      ExecutorService pool = Executors.newFixedThreadPool(8);
      List<Future<?>> starts = new ArrayList<>();
      SwitchmanEngine[] byIndex = new SwitchmanEngine[n];
      for (int i = 0; i < n; i++) {
        int idx = i;
        starts.add(
            pool.submit(
                () -> {
                  CuratorFramework c = Clients.curator(proxy.connectString(), 30_000);
                  clients.add(c);
                  SwitchmanEngine e = Clients.engine(c, prefix);
                  engines.add(e);
                  byIndex[idx] = e;
                  return null;
                }));
      }
      try {
        for (Future<?> f : starts) {
          f.get();
        }
        pool.shutdown();
        // What the idle sessions alone cost this process (pings, each engine's safety monitor).
        long self = ProcessHandle.current().pid();
        long idle0 = Jvm.cpuTimeMillis(self);
        long idleT0 = System.nanoTime();
        Thread.sleep(2000);
        double idleCpu =
            (Jvm.cpuTimeMillis(self) - idle0) * 1e6 / (System.nanoTime() - idleT0) * 100;
        EventLog log = new EventLog(Math.max(100_000, 8 * (grantsToMeasure + n)));
        AtomicLong grants = new AtomicLong();
        AtomicInteger errors = new AtomicInteger();
        AtomicInteger started = new AtomicInteger();
        List<Thread> workers = new ArrayList<>();
        for (int i = 0; i < n; i++) {
          SwitchmanEngine e = byIndex[i];
          GrantRequest request =
              GrantRequest.builder("w" + i)
                  .lock(false)
                  .lease(RESOURCE, Integer.toString(AMOUNTS[i % AMOUNTS.length]), "" + capacity)
                  .build();
          Thread t =
              new Thread(
                  null,
                  () -> work(e, request, log, grants, errors, started),
                  "lease-waiter-" + i,
                  256 * 1024);
          t.setDaemon(true);
          workers.add(t);
        }
        workers.forEach(Thread::start);
        // The window opens once every session has queued (all but the holders wait).
        try (ZooKeeper zk = Clients.zooKeeper(server.connectString(), 30_000)) {
          String queue = prefix + "/queues/" + RESOURCE;
          long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
          while (true) {
            int queued = zk.exists(queue, false) == null ? 0 : zk.getChildren(queue, false).size();
            if (started.get() == n && queued >= n - capacity) {
              break;
            }
            if (System.nanoTime() > deadline) {
              throw new IllegalStateException(
                  "only " + queued + " of " + n + " sessions queued after 5 minutes");
            }
            Thread.sleep(20);
          }
        }
        long setupMs = (System.nanoTime() - setup0) / 1_000_000;
        CountingProxy.Counts before = proxy.counts();
        proxy.timeRoundTrips(true);
        long g0 = grants.get();
        long cpuSelf0 = Jvm.cpuTimeMillis(self);
        long cpuServer0 = server.cpuTimeMillis();
        long t0 = System.nanoTime();
        long deadline = t0 + TimeUnit.MINUTES.toNanos(5);
        while (grants.get() - g0 < grantsToMeasure && System.nanoTime() < deadline) {
          Thread.sleep(5);
        }
        long t1 = System.nanoTime();
        double windowMs = (t1 - t0) / 1e6;
        double clientCpu = (Jvm.cpuTimeMillis(self) - cpuSelf0) / windowMs * 100;
        double serverCpu = (server.cpuTimeMillis() - cpuServer0) / windowMs * 100;
        CountingProxy.Counts d = proxy.counts().minus(before);
        proxy.timeRoundTrips(false);
        long measured = grants.get() - g0;
        int lastEvent = Math.min(log.next.get(), log.times.length);
        for (Thread t : workers) {
          t.interrupt();
        }
        for (Thread t : workers) {
          t.join(10_000);
        }
        Samples[] split = handovers(log, lastEvent, t0);
        Samples handover = split[0];
        Map<String, Double> ops = new LinkedHashMap<>();
        d.byName().forEach((name, count) -> ops.put(name, (double) count / measured));
        Result r =
            new Result(
                n,
                capacity,
                (int) measured,
                (t1 - t0) / 1_000_000,
                setupMs,
                handover,
                split[1],
                (double) d.operations() / measured,
                (double) d.writes() / measured,
                (double) d.reads() / measured,
                (double) d.notifications() / measured,
                ops,
                errors.get(),
                idleCpu,
                clientCpu,
                serverCpu,
                java.lang.management.ManagementFactory.getOperatingSystemMXBean()
                    .getSystemLoadAverage(),
                proxy.roundTrips());
        Progress.log(
            "leases: %d waiters: %.1f grants/s, hand-over p50 %s ms p99 %s ms, %.1f ops and %.2f"
                + " notifications per grant",
            n,
            r.grantsPerSecond(),
            Samples.ms1(handover.p50()),
            Samples.ms1(handover.p99()),
            r.opsPerGrant(),
            r.notificationsPerGrant());
        return r;
      } finally {
        pool.shutdownNow();
        ExecutorService closer = Executors.newFixedThreadPool(8);
        for (int i = 0; i < engines.size(); i++) {
          SwitchmanEngine e = engines.get(i);
          closer.execute(e::close);
        }
        for (CuratorFramework c : List.copyOf(clients)) {
          closer.execute(c::close);
        }
        closer.shutdown();
        closer.awaitTermination(2, TimeUnit.MINUTES);
      }
    }
  }

  private void work(
      SwitchmanEngine engine,
      GrantRequest request,
      EventLog log,
      AtomicLong grants,
      AtomicInteger errors,
      AtomicInteger started) {
    boolean first = true;
    while (!Thread.currentThread().isInterrupted()) {
      try {
        if (first) {
          started.incrementAndGet();
          first = false;
        }
        Acquisition a = engine.acquire(request);
        Grant g = a.grant();
        if (g == null) {
          errors.incrementAndGet();
          Thread.sleep(10);
          continue;
        }
        log.add(true, System.nanoTime());
        grants.incrementAndGet();
        try {
          Thread.sleep(holdMs);
        } finally {
          log.add(false, System.nanoTime());
          g.release();
        }
      } catch (InterruptedException e) {
        return;
      } catch (RuntimeException e) {
        if (Thread.currentThread().isInterrupted()) {
          return;
        }
        errors.incrementAndGet();
      }
    }
  }

  /**
   * Splits the grants in the window by what let them proceed. A grant whose latest preceding event
   * is a release was waiting for capacity: its hand-over is the time since that release. A grant
   * whose latest preceding event is another grant was waiting for its predecessor in the queue to
   * leave (capacity was free): its queue advance is the time since that grant.
   *
   * @return hand-overs at index 0, queue advances at index 1
   */
  private static Samples[] handovers(EventLog log, int to, long windowStart) {
    int count = Math.max(0, to);
    long[][] events = new long[count][];
    for (int i = 0; i < count; i++) {
      events[i] = new long[] {log.times[i], log.grant[i] ? 1 : 0};
    }
    Arrays.sort(events, (a, b) -> Long.compare(a[0], b[0]));
    Samples handover = new Samples(count);
    Samples advance = new Samples(count);
    long lastTime = Long.MIN_VALUE;
    boolean lastWasRelease = false;
    for (long[] e : events) {
      boolean isGrant = e[1] == 1;
      if (isGrant && e[0] >= windowStart && lastTime != Long.MIN_VALUE) {
        (lastWasRelease ? handover : advance).add(e[0] - lastTime);
      }
      lastTime = e[0];
      lastWasRelease = !isGrant;
    }
    return new Samples[] {handover, advance};
  }
}
