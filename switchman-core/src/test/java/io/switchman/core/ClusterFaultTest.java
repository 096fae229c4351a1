/*
 * Copyright 2026 the switchman authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package io.switchman.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.switchman.core.testing.ZooKeeperSupport;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryNTimes;
import org.apache.curator.test.InstanceSpec;
import org.apache.curator.test.TestingCluster;
import org.junit.jupiter.api.Test;

/**
 * A 3-server ensemble whose followers and leader are killed and restarted while grants are held and
 * requested: the holders' "working" intervals never overlap.
 */
class ClusterFaultTest {

  private record Interval(String worker, long start, long end, long token) {}

  @Test
  void serverAndLeaderKillsNeverGiveTwoHolders() throws Exception {
    List<InstanceSpec> specs = new ArrayList<>();
    for (int i = 1; i <= 3; i++) {
      specs.add(new InstanceSpec(null, -1, -1, -1, true, i, ZooKeeperSupport.TICK_MS, -1));
    }
    List<AutoCloseable> toClose = new ArrayList<>();
    try (TestingCluster cluster = new TestingCluster(specs)) {
      cluster.start();
      List<Interval> intervals = new CopyOnWriteArrayList<>();
      AtomicBoolean running = new AtomicBoolean(true);
      List<CompletableFuture<Void>> workers = new ArrayList<>();
      for (int w = 0; w < 3; w++) {
        CuratorFramework client =
            CuratorFrameworkFactory.builder()
                .connectString(cluster.getConnectString())
                .sessionTimeoutMs(3000)
                .connectionTimeoutMs(2000)
                .retryPolicy(new RetryNTimes(100, 100))
                .build();
        client.start();
        SwitchmanEngine engine =
            SwitchmanEngine.builder(client)
                .host(new HostFacts("worker-" + w, 1, 1024))
                .stopBudget(Duration.ofMillis(600))
                .operationTimeout(Duration.ofSeconds(2))
                .build();
        toClose.add(0, client);
        toClose.add(0, engine);
        String name = "worker-" + w;
        workers.add(CompletableFuture.runAsync(() -> work(name, engine, running, intervals)));
      }

      // The fault schedule: followers and the leader, killed and restarted.
      for (int round = 0; round < 6; round++) {
        Thread.sleep(1500); // let work happen between faults
        InstanceSpec victim = round % 2 == 0 ? leader(cluster) : follower(cluster);
        cluster.killServer(victim);
        Thread.sleep(1000 + ThreadLocalRandom.current().nextInt(1500));
        cluster.restartServer(victim);
      }
      Thread.sleep(2000);
      running.set(false);
      CompletableFuture.allOf(workers.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);

      List<Interval> sorted = new ArrayList<>(intervals);
      sorted.sort(Comparator.comparingLong(Interval::start));
      assertThat(sorted).as("runs during the faults").hasSizeGreaterThanOrEqualTo(6);
      for (int i = 1; i < sorted.size(); i++) {
        Interval prev = sorted.get(i - 1);
        Interval next = sorted.get(i);
        assertThat(next.start())
            .as("%s started before %s stopped", next, prev)
            .isGreaterThanOrEqualTo(prev.end());
        assertThat(next.token())
            .as("fencing tokens grow in grant order")
            .isGreaterThan(prev.token());
      }
    } finally {
      for (AutoCloseable c : toClose) {
        try {
          c.close();
        } catch (Exception e) {
          // best effort
        }
      }
    }
  }

  /** Takes the lock repeatedly; "works" while the grant is held, polling it every 2 ms. */
  private static void work(
      String name, SwitchmanEngine engine, AtomicBoolean running, List<Interval> intervals) {
    while (running.get()) {
      try {
        Acquisition acq =
            engine.acquire(GrantRequest.builder("shared").lockWait(Duration.ofSeconds(1)).build());
        Grant g = acq.grant();
        if (g == null) {
          continue;
        }
        long start = System.nanoTime();
        long until =
            start + TimeUnit.MILLISECONDS.toNanos(50 + ThreadLocalRandom.current().nextInt(250));
        while (System.nanoTime() < until && g.isHeld()) {
          Thread.sleep(2);
        }
        long end = System.nanoTime();
        intervals.add(new Interval(name, start, end, g.fencingToken()));
        g.release();
      } catch (SwitchmanException e) {
        sleepQuietly(50); // unavailable during elections: skipped, never run unguarded
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  private static void sleepQuietly(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static InstanceSpec leader(TestingCluster cluster) throws Exception {
    return byMode(cluster, "leader");
  }

  private static InstanceSpec follower(TestingCluster cluster) throws Exception {
    return byMode(cluster, "follower");
  }

  private static InstanceSpec byMode(TestingCluster cluster, String mode) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (System.nanoTime() < deadline) {
      for (InstanceSpec spec : cluster.getInstances()) {
        if (srvr(spec.getPort()).contains("Mode: " + mode)) {
          return spec;
        }
      }
      Thread.sleep(100);
    }
    throw new IllegalStateException("no " + mode + " found");
  }

  private static String srvr(int port) {
    try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
      s.setSoTimeout(1000);
      OutputStream out = s.getOutputStream();
      out.write("srvr".getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = s.getInputStream();
      ByteArrayOutputStream buf = new ByteArrayOutputStream();
      in.transferTo(buf);
      return buf.toString(StandardCharsets.US_ASCII);
    } catch (Exception e) {
      return "";
    }
  }
}
