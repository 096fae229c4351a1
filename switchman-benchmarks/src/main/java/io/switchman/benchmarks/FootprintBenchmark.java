/*
 * Copyright 2026 the switchman authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package io.switchman.benchmarks;

import io.switchman.core.Acquisition;
import io.switchman.core.Grant;
import io.switchman.core.GrantRequest;
import io.switchman.core.SwitchmanEngine;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.curator.framework.CuratorFramework;
import org.apache.zookeeper.ZooKeeper;

/**
 * Section 6: heap retained per held grant and per waiting request (used heap after full GCs, before
 * and after, divided by the count), the threads the library starts, and the sessions one engine
 * uses for many grants.
 */
final class FootprintBenchmark {

  /**
   * The outcome.
   *
   * @param grants grants held at once
   * @param bytesPerGrant retained heap per held grant
   * @param waiters requests waiting at once
   * @param bytesPerWaiter retained heap per waiting request (its thread excluded)
   * @param clientThreads threads a started Curator client (and its ZooKeeper handle) adds
   * @param engineThreads threads the engine adds (after a grant and a loss)
   * @param sessions distinct ZooKeeper sessions behind all the grants and waiting requests
   */
  record Result(
      int grants,
      long bytesPerGrant,
      int waiters,
      long bytesPerWaiter,
      List<String> clientThreads,
      List<String> engineThreads,
      int sessions) {}

  private final ZooKeeperServerProcess server;
  private final int grants;
  private final int waiters;

  FootprintBenchmark(ZooKeeperServerProcess server, int grants, int waiters) {
    this.server = server;
    this.grants = grants;
    this.waiters = Math.min(waiters, grants);
  }

  Result run() throws Exception {
    String prefix = "/bench-footprint";
    Set<String> t0 = threadNames();
    CuratorFramework client = Clients.curator(server.connectString(), 30_000);
    Set<String> t1 = threadNames();
    SwitchmanEngine engine = Clients.engine(client, prefix);
    List<Grant> held = new ArrayList<>();
    List<Thread> blocked = new ArrayList<>();
    try (ZooKeeper zk = Clients.zooKeeper(server.connectString(), 30_000)) {
      // One request first, so lazily started threads exist and the cluster data is cached.
      engine.acquire(GrantRequest.builder("fp-warm").build()).grant().release();
      // A loss starts the notifier thread that calls loss listeners (it starts lazily).
      Grant doomed = engine.acquire(GrantRequest.builder("fp-loss").build()).grant();
      CountDownLatch told = new CountDownLatch(1);
      doomed.onLoss(reason -> told.countDown());
      zk.delete(prefix + "/locks/fp-loss", -1);
      if (!told.await(30, TimeUnit.SECONDS)) {
        throw new IllegalStateException("loss of a deleted lock node not reported");
      }
      doomed.release();
      Set<String> t2 = threadNames();
      long heap0 = usedHeapAfterGc();
      for (int i = 0; i < grants; i++) {
        Acquisition a = engine.acquire(GrantRequest.builder("fp-" + i).build());
        if (a.grant() == null) {
          throw new IllegalStateException("not granted: " + a.detail());
        }
        held.add(a.grant());
      }
      long heap1 = usedHeapAfterGc();
      Set<Long> sessions = new HashSet<>();
      for (Grant g : held) {
        sessions.add(g.sessionId());
      }
      Progress.log("footprint: %d grants held on %d session(s)", held.size(), sessions.size());

      CountDownLatch go = new CountDownLatch(1);
      AtomicInteger entered = new AtomicInteger();
      for (int i = 0; i < waiters; i++) {
        GrantRequest request =
            GrantRequest.builder("fp-" + i).lockWait(Duration.ofMinutes(30)).build();
        Thread t =
            new Thread(
                () -> {
                  try {
                    go.await();
                    entered.incrementAndGet();
                    engine.acquire(request);
                  } catch (InterruptedException | RuntimeException e) {
                    // stopped
                  }
                },
                "footprint-waiter-" + i);
        t.setDaemon(true);
        blocked.add(t);
        t.start();
      }
      long heap2 = usedHeapAfterGc();
      go.countDown();
      long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
      while (queued(zk, prefix) < waiters) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("waiting requests did not queue");
        }
        Thread.sleep(50);
      }
      long heap3 = usedHeapAfterGc();
      List<String> clientThreads = new ArrayList<>(diff(t1, t0));
      List<String> engineThreads = new ArrayList<>(diff(t2, t1));
      return new Result(
          grants,
          (heap1 - heap0) / grants,
          waiters,
          (heap3 - heap2) / Math.max(1, waiters),
          clientThreads,
          engineThreads,
          sessions.size());
    } finally {
      for (Thread t : blocked) {
        t.interrupt();
      }
      for (Thread t : blocked) {
        t.join(5000);
      }
      for (Grant g : held) {
        g.release();
      }
      engine.close();
      client.close();
    }
  }

  private int queued(ZooKeeper zk, String prefix) throws Exception {
    String dir = prefix + "/waiters";
    if (zk.exists(dir, false) == null) {
      return 0;
    }
    int sum = 0;
    for (String child : zk.getChildren(dir, false)) {
      sum += zk.getChildren(dir + "/" + child, false).size();
    }
    return sum;
  }

  private static Set<String> threadNames() {
    Set<String> names = new TreeSet<>();
    for (Thread t : Thread.getAllStackTraces().keySet()) {
      names.add(t.getName().replaceAll("-\\d+$", "-N").replaceAll("\\(.*\\)", "(...)"));
    }
    return names;
  }

  private static Set<String> diff(Set<String> after, Set<String> before) {
    Set<String> d = new TreeSet<>(after);
    d.removeAll(before);
    return d;
  }

  @SuppressWarnings("removal")
  static long usedHeapAfterGc() throws InterruptedException {
    long best = Long.MAX_VALUE;
    for (int i = 0; i < 4; i++) {
      System.gc();
      Thread.sleep(100);
      best = Math.min(best, ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
    }
    return best;
  }
}
