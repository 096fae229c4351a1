/*
 * Copyright 2026 the switchman authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package io.switchman.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.switchman.core.Acquisition.Outcome;
import io.switchman.core.testing.LinkedEnsemble;
import java.lang.reflect.Field;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryNTimes;
import org.apache.zookeeper.ClientCnxn;
import org.apache.zookeeper.ZooKeeper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 10 item 3: a holder connected to a follower that is cut off from the leader. The leader
 * expires sessions and hears of a follower's sessions only in the follower's answers to its pings
 * (every tickTime/2), so the send time of the holder's last refresh is not a lower bound of the
 * leader's last contact: the touch of a refresh sent just before the cut never reaches the leader.
 * The holder's safety deadline alone (the ZooKeeper client's read timeout is put out of the way,
 * and the follower's syncLimit is longer than the session) must still tell the holder of the loss
 * at least its stop time before the client waiting on the leader is granted the lock.
 */
class FollowerCutOffTest {

  private static final int TICK_MS = 500;

  /** The stop time the simulated job needs once told of the loss. */
  private static final Duration STOP_TIME = Duration.ofMillis(100);

  /** The session timeouts of the runs; {@code -Dswitchman.cutOffRuns=8000,4000,...} for more. */
  private static final long[] RUNS =
      Arrays.stream(System.getProperty("switchman.cutOffRuns", "8000,8000,4000").split(","))
          .mapToLong(s -> Long.parseLong(s.trim()))
          .toArray();

  private record Run(
      long sessionMs, String reason, long lossBeforeTakeoverMs, long cutToTakeoverMs) {
    boolean safe() {
      return reason.equals(LossReason.SAFETY_DEADLINE.name())
          && lossBeforeTakeoverMs > STOP_TIME.toMillis();
    }

    @Override
    public String toString() {
      return String.format(
          "S=%d ms: holder told %s %d ms before the takeover (takeover %d ms after the cut)%s",
          sessionMs, reason, lossBeforeTakeoverMs, cutToTakeoverMs, safe() ? "" : " <-- UNSAFE");
    }
  }

  @Test
  @Timeout(value = 3, unit = TimeUnit.MINUTES)
  void holderOnACutOffFollowerIsToldBeforeTheLeaderExpiresItsSession(@TempDir Path dir)
      throws Exception {
    // syncLimit 30 ticks (15 s): the follower keeps serving its clients for longer than the
    // session lives, as in the runs; only the safety deadline can stop the holder.
    try (LinkedEnsemble ensemble =
        new LinkedEnsemble(dir, 3, TICK_MS, 30, Duration.ofSeconds(60))) {
      List<Run> runs = new ArrayList<>();
      for (int i = 0; i < RUNS.length; i++) {
        runs.add(run(ensemble, i, RUNS[i]));
      }
      System.out.println("follower cut-off runs:");
      runs.forEach(r -> System.out.println("  " + r));
      assertThat(runs)
          .as(
              "every holder must be told of the loss (SAFETY_DEADLINE) at least its stop time"
                  + " (%d ms) before the leader expires its session and the waiter takes the lock",
              STOP_TIME.toMillis())
          .allMatch(Run::safe);
    }
  }

  private Run run(LinkedEnsemble ensemble, int index, long sessionMs) throws Exception {
    int leader = ensemble.leader();
    List<Integer> followers = ensemble.followers();
    int follower = followers.get(index % followers.size());
    Duration stopBudget = StopBudget.of(sessionMs, STOP_TIME).budget();

    List<AutoCloseable> toClose = new ArrayList<>();
    try {
      CuratorFramework holderClient = client(ensemble.connectString(follower), sessionMs, toClose);
      CuratorFramework waiterClient = client(ensemble.connectString(leader), sessionMs, toClose);
      SwitchmanEngine holder = engine(holderClient, "holder", stopBudget, toClose);
      SwitchmanEngine waiter = engine(waiterClient, "waiter", stopBudget, toClose);
      assertThat(holder.negotiatedSessionTimeoutMs()).isEqualTo(sessionMs);
      assertThat(holder.isSingleServer()).as("three servers: the leader-view rule").isFalse();
      String name = "cut-" + index;

      Grant held = holder.acquire(GrantRequest.builder(name).build()).grant();
      assertThat(held).as("holder's grant").isNotNull();
      AtomicLong lostAt = new AtomicLong();
      AtomicReference<LossReason> reason = new AtomicReference<>();
      held.onLoss(
          r -> {
            lostAt.compareAndSet(0, System.nanoTime());
            reason.compareAndSet(null, r);
          });
      // Only the safety deadline may act: the ZooKeeper client's own read timeout (2S/3 without
      // a reply) would otherwise report a suspended connection first.
      disableReadTimeout(holderClient);

      AtomicLong takenAt = new AtomicLong();
      CompletableFuture<Acquisition> waiting =
          CompletableFuture.supplyAsync(
              () -> {
                try {
                  Acquisition a =
                      waiter.acquire(
                          GrantRequest.builder(name)
                              .lockWait(Duration.ofMillis(sessionMs + 30_000))
                              .build());
                  takenAt.set(System.nanoTime());
                  return a;
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                  throw new IllegalStateException(e);
                }
              });

      // Cut right after a refresh through the follower (not the first one): its touch has not
      // been reported to the leader yet, and never will be.
      long initial = held.safeUntilNanos();
      long step = TimeUnit.MILLISECONDS.toNanos(sessionMs / 12);
      await()
          .atMost(Duration.ofMillis(sessionMs))
          .pollInterval(Duration.ofMillis(5))
          .until(() -> held.safeUntilNanos() - initial >= step);
      long before = held.safeUntilNanos();
      await()
          .atMost(Duration.ofMillis(sessionMs))
          .pollInterval(Duration.ofMillis(1))
          .until(() -> held.safeUntilNanos() != before);
      ensemble.cut(follower, leader);
      long cutAt = System.nanoTime();
      assertThat(held.isHeld()).as("held at the cut").isTrue();

      Acquisition taken = waiting.get(sessionMs + 30_000, TimeUnit.MILLISECONDS);
      assertThat(taken.outcome()).as("waiter on the leader").isEqualTo(Outcome.ACQUIRED);
      await().atMost(Duration.ofSeconds(30)).until(() -> reason.get() != null);
      taken.grant().release();

      return new Run(
          sessionMs,
          reason.get().name(),
          TimeUnit.NANOSECONDS.toMillis(takenAt.get() - lostAt.get()),
          TimeUnit.NANOSECONDS.toMillis(takenAt.get() - cutAt));
    } finally {
      // Heal first: the follower then drops its clients at once, so closing the holder's client
      // does not wait for a close-session reply that the cut-off follower can never get.
      ensemble.heal(follower, leader);
      for (AutoCloseable c : toClose) {
        try {
          c.close();
        } catch (Exception e) {
          // best effort
        }
      }
      ensemble.awaitQuorum(Duration.ofSeconds(60));
    }
  }

  private static CuratorFramework client(
      String connectString, long sessionMs, List<AutoCloseable> toClose)
      throws InterruptedException {
    CuratorFramework c =
        CuratorFrameworkFactory.builder()
            .connectString(connectString)
            .sessionTimeoutMs((int) sessionMs)
            .connectionTimeoutMs(5000)
            .retryPolicy(new RetryNTimes(3, 200))
            .build();
    c.start();
    toClose.add(0, c);
    if (!c.blockUntilConnected(20, TimeUnit.SECONDS)) {
      throw new IllegalStateException("could not connect to " + connectString);
    }
    return c;
  }

  private static SwitchmanEngine engine(
      CuratorFramework client, String host, Duration stopBudget, List<AutoCloseable> toClose) {
    SwitchmanEngine e =
        SwitchmanEngine.builder(client)
            .host(new HostFacts(host, 1, 1024))
            .stopBudget(stopBudget)
            .operationTimeout(Duration.ofSeconds(10))
            .build();
    toClose.add(0, e);
    return e;
  }

  /**
   * Sets the ZooKeeper client's read timeout (2S/3 on connect) of the current connection to an
   * hour: the client then never reports Disconnected on its own while the follower keeps the socket
   * open. (It also stops the client's own pings, sent after half the read timeout of idleness; the
   * engine's refreshes every S/6 keep the session busy anyway.)
   */
  private static void disableReadTimeout(CuratorFramework client) throws Exception {
    ZooKeeper zk = client.getZookeeperClient().getZooKeeper();
    Field cnxnField = ZooKeeper.class.getDeclaredField("cnxn");
    cnxnField.setAccessible(true);
    ClientCnxn cnxn = (ClientCnxn) cnxnField.get(zk);
    Field readTimeout = ClientCnxn.class.getDeclaredField("readTimeout");
    readTimeout.setAccessible(true);
    readTimeout.setInt(cnxn, 3_600_000);
  }
}
