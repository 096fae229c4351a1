/*
 * Copyright 2026 the switchman authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package io.switchman.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.switchman.core.Acquisition.Outcome;
import io.switchman.core.testing.TcpProxy;
import io.switchman.core.testing.ZooKeeperSupport;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.curator.framework.CuratorFramework;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.data.Stat;
import org.junit.jupiter.api.Test;

/** Holder failures: the loss is signalled before anyone else can be granted the lock. */
class HolderSafetyTest extends EngineTestBase {

  private static final long TICK_NANOS = TimeUnit.MILLISECONDS.toNanos(ZooKeeperSupport.TICK_MS);

  @Test
  void closedHolderHandsTheLockOverAtOnce() throws Exception {
    CuratorFramework holderClient = zk.client(SESSION);
    SwitchmanEngine holder = engine(holderClient, "host-a");
    SwitchmanEngine waiter = engine("host-b");
    holder.acquire(lock("job"));

    CompletableFuture<Acquisition> waiting = waitFor(waiter, "job", Duration.ofSeconds(10));
    holderClient.close(); // dies without releasing: closing the session deletes its nodes

    Acquisition acq = waiting.get(5, TimeUnit.SECONDS);
    assertThat(acq.outcome()).isEqualTo(Outcome.ACQUIRED);
  }

  @Test
  void partitionedHolderIsToldOfLossBeforeTheServerCanExpireItsSession() throws Exception {
    TcpProxy proxy = zk.proxy();
    SwitchmanEngine holder = engine(zk.client(proxy.connectString(), SESSION), "host-a");
    SwitchmanEngine waiter = engine("host-b");
    Grant held = holder.acquire(lock("job")).grant();
    long s = TimeUnit.MILLISECONDS.toNanos(holder.negotiatedSessionTimeoutMs());
    AtomicLong lostAt = new AtomicLong();
    AtomicReference<LossReason> reason = new AtomicReference<>();
    held.onLoss(
        r -> {
          lostAt.set(System.nanoTime());
          reason.set(r);
        });

    long partitionedAt = System.nanoTime();
    proxy.partition();
    CompletableFuture<Acquisition> waiting = waitFor(waiter, "job", Duration.ofSeconds(15));
    Acquisition taken = waiting.get(15, TimeUnit.SECONDS);
    long takenAt = System.nanoTime();

    assertThat(taken.outcome()).isEqualTo(Outcome.ACQUIRED);
    assertThat(lostAt.get()).as("holder told of the loss").isNotZero();
    assertThat(reason.get()).isIn(LossReason.SAFETY_DEADLINE, LossReason.CONNECTION_SUSPENDED);
    // The holder had at least its stop budget between the loss signal and the takeover.
    assertThat(takenAt - lostAt.get()).isGreaterThanOrEqualTo(STOP_BUDGET.toNanos());
    // The takeover came no later than S + one tick + 1 s after the holder went silent...
    assertThat(takenAt - partitionedAt).isLessThanOrEqualTo(s + TICK_NANOS + 1_000_000_000L);
    // ...and not before the server could have expired the session (last heard <= S/3 before).
    assertThat(takenAt - partitionedAt).isGreaterThanOrEqualTo(s * 2 / 3);
    assertThat(held.isHeld()).isFalse();
  }

  @Test
  void safetyDeadlineFiresWithoutAnyEventWhenTheStopBudgetIsLarge() throws Exception {
    TcpProxy proxy = zk.proxy();
    SwitchmanEngine holder =
        zk.closeLater(
            SwitchmanEngine.builder(zk.client(proxy.connectString(), SESSION))
                .host(new HostFacts("host-a", 1, 1024))
                .stopBudget(Duration.ofMillis(1400))
                .build());
    Grant held = holder.acquire(lock("job")).grant();
    AtomicReference<LossReason> reason = new AtomicReference<>();
    held.onLoss(reason::set);

    long partitionedAt = System.nanoTime();
    proxy.partition();
    await().atMost(Duration.ofSeconds(5)).until(() -> reason.get() != null);

    // S = 3 s: the connection is suspended only after about 2 s of silence, the deadline
    // (last proof + S - 1.4 s) passes well before that.
    assertThat(reason.get()).isEqualTo(LossReason.SAFETY_DEADLINE);
    assertThat(held.lossReason()).contains(LossReason.SAFETY_DEADLINE);
    assertThat(System.nanoTime() - partitionedAt).isLessThan(TimeUnit.MILLISECONDS.toNanos(2000));
  }

  @Test
  void locallyExpiredSessionLosesAtOnceButTheLockIsFreedOnlyByTheServer() throws Exception {
    TcpProxy proxy = zk.proxy();
    CuratorFramework holderClient = zk.client(proxy.connectString(), SESSION);
    SwitchmanEngine holder = engine(holderClient, "host-a");
    SwitchmanEngine waiter = engine("host-b");
    Grant held = holder.acquire(lock("job")).grant();
    AtomicReference<LossReason> reason = new AtomicReference<>();
    held.onLoss(reason::set);

    // Cut the holder off first, so that Curator's reaction to the expiry (closing the old
    // handle) cannot reach the server: the server alone decides when the session ends.
    proxy.partition();
    long expiredAt = System.nanoTime();
    holderClient.getZookeeperClient().getZooKeeper().getTestable().injectSessionExpiration();
    await().atMost(Duration.ofSeconds(2)).until(() -> reason.get() != null);
    assertThat(reason.get()).isEqualTo(LossReason.SESSION_LOST);

    // The server still holds the old session's node until it expires it.
    Acquisition acq = waitFor(waiter, "job", Duration.ofSeconds(10)).get(10, TimeUnit.SECONDS);
    assertThat(acq.outcome()).isEqualTo(Outcome.ACQUIRED);
    long s = TimeUnit.MILLISECONDS.toNanos(holder.negotiatedSessionTimeoutMs());
    assertThat(System.nanoTime() - expiredAt).isGreaterThanOrEqualTo(s * 2 / 3);
  }

  @Test
  void releaseAfterSessionExpiryLeavesTheNextHoldersNode() throws Exception {
    CuratorFramework holderClient = zk.client(SESSION);
    SwitchmanEngine holder = engine(holderClient, "host-a");
    SwitchmanEngine next = engine("host-b");
    Grant old = holder.acquire(lock("job")).grant();

    holderClient.getZookeeperClient().getZooKeeper().getTestable().injectSessionExpiration();
    Grant current = waitFor(next, "job", Duration.ofSeconds(10)).get(10, TimeUnit.SECONDS).grant();

    old.release(); // must not delete the next holder's node at the same path
    Stat stat = zk.client(SESSION).checkExists().forPath("/switchman/locks/job");
    assertThat(stat).isNotNull();
    assertThat(stat.getEphemeralOwner()).isEqualTo(current.sessionId());
    assertThat(current.isHeld()).isTrue();
  }

  @Test
  void deletedLockNodeIsALossAndTheOldReleaseLeavesTheNewNode() throws Exception {
    SwitchmanEngine holder = engine("host-a");
    SwitchmanEngine next = engine("host-b");
    Grant old = holder.acquire(lock("job")).grant();
    AtomicReference<LossReason> reason = new AtomicReference<>();
    old.onLoss(reason::set);

    CuratorFramework admin = zk.client(SESSION);
    admin.delete().forPath("/switchman/locks/job");
    await().atMost(Duration.ofSeconds(2)).until(() -> reason.get() != null);
    assertThat(reason.get()).isEqualTo(LossReason.NODE_DELETED);

    Grant current = next.acquire(lock("job")).grant();
    old.release();
    Stat stat = admin.checkExists().forPath("/switchman/locks/job");
    assertThat(stat.getEphemeralOwner()).isEqualTo(current.sessionId());
    assertThat(current.isHeld()).isTrue();
  }

  @Test
  void changedLockNodeIsALossAndIsStillDeletedOnRelease() throws Exception {
    SwitchmanEngine holder = engine("host-a");
    Grant held = holder.acquire(lock("job")).grant();
    AtomicReference<LossReason> reason = new AtomicReference<>();
    held.onLoss(reason::set);

    CuratorFramework admin = zk.client(SESSION);
    admin
        .setData()
        .forPath("/switchman/locks/job", "someone else".getBytes(StandardCharsets.UTF_8));
    await().atMost(Duration.ofSeconds(2)).until(() -> reason.get() != null);
    assertThat(reason.get()).isEqualTo(LossReason.NODE_CHANGED);

    held.release(); // still this session's node: deleted
    assertThat(admin.checkExists().forPath("/switchman/locks/job")).isNull();
  }

  @Test
  void suspendedConnectionIsALossEvenIfTheSessionSurvives() throws Exception {
    CuratorFramework holderClient = zk.client(SESSION);
    SwitchmanEngine holder = engine(holderClient, "host-a");
    Grant held = holder.acquire(lock("job")).grant();
    AtomicReference<LossReason> reason = new AtomicReference<>();
    held.onLoss(reason::set);

    holderClient.getZookeeperClient().getZooKeeper().getTestable().closeSocket();
    await().atMost(Duration.ofSeconds(2)).until(() -> reason.get() != null);
    assertThat(reason.get()).isEqualTo(LossReason.CONNECTION_SUSPENDED);

    // After reconnecting on the same session, release still removes the node.
    await().atMost(Duration.ofSeconds(5)).until(holder::isConnected);
    held.release();
    await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> zk.client(SESSION).checkExists().forPath("/switchman/locks/job") == null);
  }

  @Test
  void lossListenerRegisteredAfterTheLossIsCalledOnceAndFailingListenersAreIsolated()
      throws Exception {
    SwitchmanEngine holder = engine("host-a");
    Grant held = holder.acquire(lock("job")).grant();
    AtomicLong calls = new AtomicLong();
    held.onLoss(
        r -> {
          throw new IllegalStateException("listener bug");
        });
    held.onLoss(r -> calls.incrementAndGet());
    zk.client(SESSION).delete().forPath("/switchman/locks/job");
    await().atMost(Duration.ofSeconds(2)).until(() -> calls.get() == 1);
    held.onLoss(r -> calls.incrementAndGet());
    await().atMost(Duration.ofSeconds(2)).until(() -> calls.get() == 2);
  }

  @Test
  void ephemeralLockNodeLooksExactlyLikeSwitchmans() throws Exception {
    SwitchmanEngine holder = engine("host-a.example.com");
    Grant held = holder.acquire(lock("job")).grant();
    CuratorFramework admin = zk.client(SESSION);
    Stat stat = new Stat();
    byte[] data = admin.getData().storingStatIn(stat).forPath("/switchman/locks/job");
    assertThat(new String(data, StandardCharsets.UTF_8))
        .isEqualTo("host-a.example.com " + ProcessHandle.current().pid());
    assertThat(stat.getEphemeralOwner()).isEqualTo(held.sessionId());
    assertThat(held.fencingToken()).isEqualTo(stat.getCzxid());
  }

  @Test
  void lockNodeCreatedTheWaySwitchmanDoesMakesTheEngineSkip() throws Exception {
    CuratorFramework perl = zk.client(SESSION);
    perl.create()
        .creatingParentsIfNeeded()
        .withMode(CreateMode.EPHEMERAL)
        .forPath(
            "/switchman/locks/nightly",
            "perlhost.example.com 4242".getBytes(StandardCharsets.UTF_8));
    SwitchmanEngine engine = engine("host-a");
    Acquisition acq = engine.acquire(lock("nightly"));
    assertThat(acq.outcome()).isEqualTo(Outcome.BUSY);
    ClusterStatus status = engine.status();
    assertThat(status.locks())
        .singleElement()
        .satisfies(
            l -> {
              assertThat(l.name()).isEqualTo("nightly");
              assertThat(l.holder()).isEqualTo("perlhost.example.com 4242");
            });
  }

  private static CompletableFuture<Acquisition> waitFor(
      SwitchmanEngine engine, String name, Duration wait) {
    return CompletableFuture.supplyAsync(
        () -> {
          try {
            return engine.acquire(GrantRequest.builder(name).lockWait(wait).build());
          } catch (InterruptedException e) {
            throw new IllegalStateException(e);
          }
        });
  }
}
