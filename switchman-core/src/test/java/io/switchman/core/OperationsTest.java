/*
 * Copyright 2026 the switchman authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package io.switchman.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.switchman.core.Acquisition.Outcome;
import io.switchman.core.SwitchmanException.Kind;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.curator.framework.CuratorFramework;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.data.Stat;
import org.junit.jupiter.api.Test;

/** Pause, resume and abort (issue 12), on a real ZooKeeper server. */
class OperationsTest extends EngineTestBase {

  private static final String LOCK = "/switchman/locks/job";

  /** A raw ZooKeeper client, as switchman 1.16 uses it: ephemeral create of the lock node. */
  private ZooKeeper perlHost() throws Exception {
    CuratorFramework c = zk.client(SESSION);
    return c.getZookeeperClient().getZooKeeper();
  }

  private void locksDir() throws Exception {
    zk.client(SESSION).create().creatingParentsIfNeeded().forPath("/switchman/locks");
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private String data(String path) throws Exception {
    return new String(perlHost().getData(path, false, null), StandardCharsets.UTF_8);
  }

  @Test
  void pauseMakesOurRequestsSkipAsPausedAndPerlHostsFindTheLockTaken() throws Exception {
    CuratorFramework opClient = zk.client(SESSION);
    SwitchmanEngine op = engine(opClient, "ops-host");
    SwitchmanEngine worker = engine("worker");

    OperationResult r =
        op.operations().by("alice").pause("job", "disk full", PauseMode.FAIL_IF_HELD);

    assertThat(r.action()).isEqualTo(OperationResult.Action.PAUSE);
    assertThat(r.aborted()).isNull();
    Pause p = r.pause();
    assertThat(p.who()).isEqualTo("alice@ops-host");
    assertThat(r.message())
        .isEqualTo(
            "Paused lock 'job' (paused by alice@ops-host since " + p.since() + ": disk full)");
    Stat stat = new Stat();
    String line = new String(perlHost().getData(LOCK, false, stat), StandardCharsets.UTF_8);
    assertThat(stat.getEphemeralOwner()).as("persistent").isZero();
    assertThat(stat.getVersion()).as("created at version 1").isEqualTo(1);
    assertThat(line)
        .isEqualTo(
            "ops-host "
                + ProcessHandle.current().pid()
                + " paused "
                + p.since()
                + " by alice: disk full");
    assertThat(Pause.parse(line, Instant.EPOCH)).isEqualTo(p);

    Acquisition a = worker.acquire(lock("job"));
    assertThat(a.outcome()).isEqualTo(Outcome.PAUSED);
    assertThat(a.outcome().tag()).isEqualTo("paused");
    assertThat(a.detail())
        .isEqualTo("lock 'job' is paused by alice@ops-host since " + p.since() + ": disk full");

    // switchman 1.16: create ephemeral, "node exists" means skip
    assertThatThrownBy(
            () ->
                perlHost()
                    .create(
                        LOCK, bytes("perl 1"), ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.EPHEMERAL))
        .isInstanceOf(KeeperException.NodeExistsException.class);

    ClusterStatus.LockInfo info = worker.status().locks().get(0);
    assertThat(info.paused()).isTrue();
    assertThat(info.pause()).isEqualTo(p);
    assertThat(info.sessionId()).isZero();
    assertThat(info.holder()).isEqualTo(line);

    // the pause outlives the operator's session
    op.close();
    opClient.close();
    assertThat(worker.acquire(lock("job")).outcome()).isEqualTo(Outcome.PAUSED);

    OperationResult resumed = worker.operations().resume("job");
    assertThat(resumed.pause()).isEqualTo(p);
    assertThat(resumed.message())
        .isEqualTo(
            "Resumed lock 'job' (by worker, it was paused by alice@ops-host since "
                + p.since()
                + ": disk full)");
    Acquisition after = worker.acquire(lock("job"));
    assertThat(after.outcome()).isEqualTo(Outcome.ACQUIRED);
    after.grant().release();
  }

  @Test
  void pausedLockSkipsRequestsWithLeasesAndWaitersButNotLockLessOnes() throws Exception {
    clusterData("{\"resources\": [\"db\"]}");
    SwitchmanEngine op = engine("ops-host");
    SwitchmanEngine worker = engine("worker");
    op.operations().pause("job", null, PauseMode.FAIL_IF_HELD);

    Acquisition withLease =
        worker.acquire(GrantRequest.builder("job").lease("db", "1", "4").build());
    assertThat(withLease.outcome()).isEqualTo(Outcome.PAUSED);
    assertThat(withLease.detail()).startsWith("lock 'job' is paused by ops-host since ");

    long t0 = System.nanoTime();
    Acquisition waiter =
        worker.acquire(GrantRequest.builder("job").lockWait(Duration.ofSeconds(30)).build());
    assertThat(waiter.outcome()).isEqualTo(Outcome.PAUSED);
    assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(20));

    Acquisition leaseOnly =
        worker.acquire(GrantRequest.builder("job").lock(false).lease("db", "1", "4").build());
    assertThat(leaseOnly.outcome()).isEqualTo(Outcome.ACQUIRED);
    leaseOnly.grant().release();
  }

  @Test
  void aRequestWaitingForLeasesWhenItsLockIsPausedIsSkippedAsPaused() throws Exception {
    clusterData("{\"resources\": [\"db\"]}");
    SwitchmanEngine holder = engine("holder");
    SwitchmanEngine worker = engine("worker");
    SwitchmanEngine op = engine("ops-host");
    Grant lease =
        holder
            .acquire(GrantRequest.builder("other").lock(false).lease("db", "1", "1").build())
            .grant();
    CompletableFuture<Acquisition> waiting =
        CompletableFuture.supplyAsync(
            () ->
                acquire(
                    worker,
                    GrantRequest.builder("job")
                        .lease("db", "1", "1")
                        .leaseWait(Duration.ofSeconds(60))
                        .build()));
    await().atMost(Duration.ofSeconds(10)).until(() -> !worker.status().queues().isEmpty());

    op.operations().pause("job", "later", PauseMode.FAIL_IF_HELD);

    Acquisition a = waiting.get(20, java.util.concurrent.TimeUnit.SECONDS);
    assertThat(a.outcome()).isEqualTo(Outcome.PAUSED);
    assertThat(a.detail())
        .startsWith("lock 'job' is paused by ops-host since ")
        .endsWith(": later");
    lease.release();
  }

  @Test
  void waitersOfALockThatGetsPausedAreSkippedAsPaused() throws Exception {
    SwitchmanEngine holder = engine("holder");
    SwitchmanEngine worker = engine("worker");
    SwitchmanEngine op = engine("ops-host");
    Grant g = holder.acquire(lock("job")).grant();
    CompletableFuture<Acquisition> waiting =
        CompletableFuture.supplyAsync(
            () ->
                acquire(
                    worker, GrantRequest.builder("job").lockWait(Duration.ofSeconds(60)).build()));
    await().atMost(Duration.ofSeconds(10)).until(() -> !worker.status().waiters().isEmpty());

    op.operations().pause("job", "maintenance", PauseMode.ABORT);

    Acquisition a = waiting.get(20, java.util.concurrent.TimeUnit.SECONDS);
    assertThat(a.outcome()).isEqualTo(Outcome.PAUSED);
    assertThat(a.detail()).contains("paused by ops-host since ").endsWith(": maintenance");
    await().atMost(Duration.ofSeconds(10)).until(() -> !g.isHeld());
  }

  @Test
  void pauseOfAHeldLockIsRefusedNamingTheHolder() throws Exception {
    SwitchmanEngine holder = engine("holder");
    SwitchmanEngine op = engine("ops-host");
    Grant g = holder.acquire(lock("job")).grant();

    assertThatThrownBy(() -> op.operations().pause("job", "x", PauseMode.FAIL_IF_HELD))
        .isInstanceOfSatisfying(
            SwitchmanException.class, e -> assertThat(e.kind()).isEqualTo(Kind.LOCK_HELD))
        .hasMessage(
            "Cannot pause lock 'job': a running job holds it (holder holder "
                + ProcessHandle.current().pid()
                + ", fencing token "
                + g.fencingToken()
                + ", since "
                + holder.status().locks().get(0).since()
                + "); pause with abort to stop it, or with a wait to pause once it ends");
    assertThat(g.isHeld()).isTrue();
    assertThat(op.status().locks().get(0).paused()).isFalse();
  }

  @Test
  void pauseWithAbortReplacesTheHoldersNodeSoTheHolderStopsAndItsReleaseKeepsThePause()
      throws Exception {
    SwitchmanEngine holder = engine("holder");
    SwitchmanEngine op = engine("ops-host");
    Grant g = holder.acquire(lock("job")).grant();
    List<LossReason> losses = new CopyOnWriteArrayList<>();
    g.onLoss(losses::add);

    OperationResult r = op.operations().pause("job", "bad data", PauseMode.ABORT);
    // released at once, possibly before the watch told the grant: the blind delete at version 0
    // must not remove the pause node (version 1)
    g.release();

    assertThat(r.aborted()).isNotNull();
    assertThat(r.aborted().fencingToken()).isEqualTo(g.fencingToken());
    assertThat(r.message())
        .startsWith("Paused lock 'job' (paused by ops-host since ")
        .contains(": bad data); aborted the running job of holder ")
        .contains("(fencing token " + g.fencingToken() + ", since ");
    Stat stat = perlHost().exists(LOCK, false);
    assertThat(stat).isNotNull();
    assertThat(stat.getEphemeralOwner()).isZero();
    assertThat(data(LOCK)).contains(" paused ").endsWith(": bad data");
  }

  @Test
  void holdersReleaseSentBeforeItHeardOfTheAbortKeepsThePause() throws Exception {
    CuratorFramework holderClient = zk.client(SESSION);
    SwitchmanEngine holder = engine(holderClient, "holder");
    SwitchmanEngine op = engine("ops-host");
    Grant g = holder.acquire(lock("job")).grant();
    // Block the holder's event thread, so its grant does not hear that its node was deleted: its
    // release then deletes the lock node blindly, at version 0.
    ZooKeeper hz = holderClient.getZookeeperClient().getZooKeeper();
    perlHost().create("/block", new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
    java.util.concurrent.CountDownLatch blocked = new java.util.concurrent.CountDownLatch(1);
    java.util.concurrent.CountDownLatch unblock = new java.util.concurrent.CountDownLatch(1);
    hz.exists(
        "/block",
        e -> {
          blocked.countDown();
          try {
            unblock.await();
          } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
          }
        });
    perlHost().delete("/block", -1);
    assertThat(blocked.await(10, java.util.concurrent.TimeUnit.SECONDS)).isTrue();

    op.operations().pause("job", "bad data", PauseMode.ABORT);
    g.release(); // its delete is sent; the answer waits for the event thread (up to 3 s)
    unblock.countDown();

    Stat stat = perlHost().exists(LOCK, false);
    assertThat(stat).as("the pause node survived the holder's release").isNotNull();
    assertThat(stat.getEphemeralOwner()).isZero();
    assertThat(data(LOCK)).endsWith(": bad data");
  }

  @Test
  void abortedHolderLosesItsGrantByNodeDeleted() throws Exception {
    SwitchmanEngine holder = engine("holder");
    SwitchmanEngine op = engine("ops-host");
    Grant g = holder.acquire(lock("job")).grant();
    List<LossReason> losses = new CopyOnWriteArrayList<>();
    g.onLoss(losses::add);

    op.operations().pause("job", null, PauseMode.ABORT);

    await().atMost(Duration.ofSeconds(5)).until(() -> !losses.isEmpty());
    assertThat(losses).containsExactly(LossReason.NODE_DELETED);
    g.release();
    assertThat(perlHost().exists(LOCK, false).getEphemeralOwner()).isZero();
    assertThat(holder.acquire(lock("job")).outcome()).isEqualTo(Outcome.PAUSED);
  }

  @Test
  void pauseWithAbortLeavesNoGapForAThirdHost() throws Exception {
    SwitchmanEngine op = engine("ops-host");
    locksDir();
    for (int round = 0; round < 5; round++) {
      ZooKeeper holder = perlHost();
      holder.create(LOCK, bytes("holder 1"), ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.EPHEMERAL);
      ZooKeeper third = perlHost();
      AtomicBoolean stop = new AtomicBoolean();
      AtomicInteger taken = new AtomicInteger();
      AtomicInteger tries = new AtomicInteger();
      Thread hammer =
          new Thread(
              () -> {
                while (!stop.get()) {
                  try {
                    third.create(
                        LOCK, bytes("third 1"), ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.EPHEMERAL);
                    taken.incrementAndGet();
                    return;
                  } catch (KeeperException.NodeExistsException e) {
                    tries.incrementAndGet();
                  } catch (Exception e) {
                    return;
                  }
                }
              });
      hammer.start();
      await().atMost(Duration.ofSeconds(10)).until(() -> tries.get() > 20);
      op.operations().pause("job", "round " + round, PauseMode.ABORT);
      int before = tries.get();
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> tries.get() > before + 20 || taken.get() > 0);
      stop.set(true);
      hammer.join();
      assertThat(taken.get()).as("round %d: third host took the lock", round).isZero();
      assertThat(data(LOCK)).endsWith(": round " + round);
      op.operations().resume("job");
    }
  }

  @Test
  void pauseWithWaitIsTakenWhenTheRunEndsInArrivalOrder() throws Exception {
    SwitchmanEngine holder = engine("holder");
    SwitchmanEngine early = engine("early");
    SwitchmanEngine late = engine("late");
    SwitchmanEngine op = engine("ops-host");
    Grant g = holder.acquire(lock("job")).grant();
    Duration wait = Duration.ofSeconds(60);
    CompletableFuture<Acquisition> first =
        CompletableFuture.supplyAsync(
            () -> acquire(early, GrantRequest.builder("job").lockWait(wait).build()));
    await().atMost(Duration.ofSeconds(10)).until(() -> waiters(op) == 1);
    CompletableFuture<OperationResult> pause =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                return op.operations().pause("job", "after the run", PauseMode.waitFor(wait));
              } catch (InterruptedException e) {
                throw new IllegalStateException(e);
              }
            });
    await().atMost(Duration.ofSeconds(10)).until(() -> waiters(op) == 2);
    ClusterStatus.QueueEntry pauseWaiter = op.status().waiters().get("job").get(1);
    assertThat(pauseWaiter.name()).isEqualTo("pause");
    assertThat(pauseWaiter.holder()).contains(" paused ").endsWith(": after the run");
    CompletableFuture<Acquisition> third =
        CompletableFuture.supplyAsync(
            () -> acquire(late, GrantRequest.builder("job").lockWait(wait).build()));
    await().atMost(Duration.ofSeconds(10)).until(() -> waiters(op) == 3);
    assertThat(g.isHeld()).isTrue();
    assertThat(pause).isNotDone();

    g.release(); // the waiter that came first runs first
    Acquisition a = first.get(20, java.util.concurrent.TimeUnit.SECONDS);
    assertThat(a.outcome()).isEqualTo(Outcome.ACQUIRED);
    assertThat(pause).isNotDone();
    a.grant().release(); // then the pause is taken, and the later waiter skips as paused

    OperationResult r = pause.get(20, java.util.concurrent.TimeUnit.SECONDS);
    assertThat(r.aborted()).isNull();
    assertThat(third.get(20, java.util.concurrent.TimeUnit.SECONDS).outcome())
        .isEqualTo(Outcome.PAUSED);
    assertThat(op.status().locks().get(0).paused()).isTrue();
    await().atMost(Duration.ofSeconds(10)).until(() -> waiters(op) == 0);
  }

  @Test
  void pauseWithWaitThatRunsOutIsRefusedAndLeavesTheQueue() throws Exception {
    SwitchmanEngine holder = engine("holder");
    SwitchmanEngine op = engine("ops-host");
    Grant g = holder.acquire(lock("job")).grant();

    assertThatThrownBy(
            () -> op.operations().pause("job", null, PauseMode.waitFor(Duration.ofMillis(500))))
        .isInstanceOfSatisfying(
            SwitchmanException.class, e -> assertThat(e.kind()).isEqualTo(Kind.LOCK_HELD))
        .hasMessageStartingWith(
            "Cannot pause lock 'job': a running job still holds it after waiting 500ms (holder"
                + " holder ");
    await().atMost(Duration.ofSeconds(10)).until(() -> waiters(op) == 0);
    assertThat(g.isHeld()).isTrue();
  }

  @Test
  void resumeRefusesARunningHoldersNodeAndAFreeLock() throws Exception {
    SwitchmanEngine holder = engine("holder");
    SwitchmanEngine op = engine("ops-host");
    assertThatThrownBy(() -> op.operations().resume("job"))
        .isInstanceOfSatisfying(
            SwitchmanException.class, e -> assertThat(e.kind()).isEqualTo(Kind.LOCK_FREE))
        .hasMessage("Cannot resume lock 'job': it is not paused (no node at " + LOCK + ")");

    Grant g = holder.acquire(lock("job")).grant();
    assertThatThrownBy(() -> op.operations().resume("job"))
        .isInstanceOfSatisfying(
            SwitchmanException.class, e -> assertThat(e.kind()).isEqualTo(Kind.LOCK_HELD))
        .hasMessageStartingWith(
            "Cannot resume lock 'job': it is not paused but held by a running job (holder holder ")
        .hasMessageEndingWith("; resume deletes only a pause node, abort stops a running job");
    assertThat(g.isHeld()).isTrue();
    assertThat(perlHost().exists(LOCK, false).getCzxid()).isEqualTo(g.fencingToken());
  }

  @Test
  void abortDeletesOnlyARunningHoldersNode() throws Exception {
    SwitchmanEngine holder = engine("holder");
    SwitchmanEngine op = engine("ops-host");
    assertThatThrownBy(() -> op.operations().abort("job", "stuck"))
        .isInstanceOfSatisfying(
            SwitchmanException.class, e -> assertThat(e.kind()).isEqualTo(Kind.LOCK_FREE))
        .hasMessage("Cannot abort lock 'job': no job holds it (no node at " + LOCK + ")");

    Grant g = holder.acquire(lock("job")).grant();
    List<LossReason> losses = new CopyOnWriteArrayList<>();
    g.onLoss(losses::add);
    OperationResult r = op.operations().by("bob").abort("job", "stuck");
    assertThat(r.aborted().fencingToken()).isEqualTo(g.fencingToken());
    assertThat(r.message())
        .startsWith("Aborted the job of lock 'job' (holder holder ")
        .contains(") by bob@ops-host at ")
        .endsWith(": stuck");
    await().atMost(Duration.ofSeconds(5)).until(() -> !losses.isEmpty());
    assertThat(losses).containsExactly(LossReason.NODE_DELETED);
    g.release();
    Acquisition next = op.acquire(lock("job"));
    assertThat(next.outcome()).isEqualTo(Outcome.ACQUIRED);
    next.grant().release();

    op.operations().pause("job", "hold on", PauseMode.FAIL_IF_HELD);
    assertThatThrownBy(() -> op.operations().abort("job", null))
        .isInstanceOfSatisfying(
            SwitchmanException.class, e -> assertThat(e.kind()).isEqualTo(Kind.LOCK_PAUSED))
        .hasMessageStartingWith(
            "Cannot abort lock 'job': no job runs, it is paused by ops-host since ")
        .hasMessageEndingWith(": hold on; resume it instead");
    assertThatThrownBy(() -> op.operations().pause("job", "again", PauseMode.ABORT))
        .isInstanceOfSatisfying(
            SwitchmanException.class, e -> assertThat(e.kind()).isEqualTo(Kind.LOCK_PAUSED))
        .hasMessageStartingWith("Cannot pause lock 'job': it is already paused by ops-host since ")
        .hasMessageEndingWith(": hold on");
    assertThat(perlHost().exists(LOCK, false).getEphemeralOwner()).isZero();
  }

  @Test
  void abortStopsASwitchman116HolderByDeletingItsNode() throws Exception {
    SwitchmanEngine op = engine("ops-host");
    locksDir();
    ZooKeeper perl = perlHost();
    perl.create(LOCK, bytes("perlhost 77"), ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.EPHEMERAL);
    AtomicBoolean deleted = new AtomicBoolean();
    perl.exists(
        LOCK,
        e -> {
          if (e.getType() == org.apache.zookeeper.Watcher.Event.EventType.NodeDeleted) {
            deleted.set(true);
          }
        });
    OperationResult r = op.operations().abort("job", null);
    assertThat(r.aborted().holder()).isEqualTo("perlhost 77");
    await().atMost(Duration.ofSeconds(5)).untilTrue(deleted);
  }

  @Test
  void badInputIsAClearError() throws Exception {
    SwitchmanEngine op = engine("ops-host");
    SwitchmanOperations ops = op.operations();
    assertThatThrownBy(() -> ops.pause("a/b", null, PauseMode.FAIL_IF_HELD))
        .isInstanceOfSatisfying(
            SwitchmanException.class, e -> assertThat(e.kind()).isEqualTo(Kind.INVALID_ARGUMENT))
        .hasMessageContaining("'a/b'");
    assertThatThrownBy(() -> ops.resume(""))
        .isInstanceOfSatisfying(
            SwitchmanException.class, e -> assertThat(e.kind()).isEqualTo(Kind.INVALID_ARGUMENT));
    assertThatThrownBy(() -> ops.pause("job", "  ", PauseMode.FAIL_IF_HELD))
        .isInstanceOfSatisfying(
            SwitchmanException.class, e -> assertThat(e.kind()).isEqualTo(Kind.INVALID_ARGUMENT))
        .hasMessage(
            "Invalid reason '  ': it is empty; give a few words saying why, or no reason at all");
    assertThatThrownBy(() -> ops.abort("job", "two\nlines"))
        .isInstanceOfSatisfying(
            SwitchmanException.class, e -> assertThat(e.kind()).isEqualTo(Kind.INVALID_ARGUMENT))
        .hasMessageEndingWith(
            "': it must be one line of text, without line breaks or control characters");
    assertThatThrownBy(() -> ops.pause("job", "x".repeat(1001), PauseMode.FAIL_IF_HELD))
        .hasMessage("Invalid reason of 1001 characters: at most 1000 are allowed");
    assertThatThrownBy(() -> PauseMode.waitFor(Duration.ZERO))
        .hasMessage("Invalid pause wait 0s: must be positive");
    assertThat(perlHost().exists(LOCK, false)).isNull();
  }

  @Test
  void aPersistentNodeMadeByHandIsAPause() throws Exception {
    SwitchmanEngine worker = engine("worker");
    ZooKeeper admin = perlHost();
    admin.create("/switchman", new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
    admin.create(
        "/switchman/locks", new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
    admin.create(LOCK, bytes("carol did this"), ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
    Acquisition a = worker.acquire(lock("job"));
    assertThat(a.outcome()).isEqualTo(Outcome.PAUSED);
    assertThat(a.detail())
        .startsWith("lock 'job' is paused by carol since ")
        .endsWith(": carol did this");
    assertThat(worker.operations().resume("job").pause().reason()).isEqualTo("carol did this");
    assertThat(admin.exists(LOCK, false)).isNull();
  }

  @Test
  void pauseLineParsing() {
    Instant t = Instant.parse("2026-12-01T09:50:00.123Z");
    Pause full = new Pause("h.example.com", "42", t, "alice", "disk: full");
    assertThat(full.line())
        .isEqualTo("h.example.com 42 paused 2026-12-01T09:50:00.123Z by alice: disk: full");
    assertThat(Pause.parse(full.line(), Instant.EPOCH)).isEqualTo(full);
    Pause bare = new Pause("h", "42", t, null, "");
    assertThat(bare.line()).isEqualTo("h 42 paused 2026-12-01T09:50:00.123Z");
    assertThat(Pause.parse(bare.line(), Instant.EPOCH)).isEqualTo(bare);
    Pause noBy = new Pause("h", "42", t, null, "why");
    assertThat(Pause.parse(noBy.line(), Instant.EPOCH)).isEqualTo(noBy);
    assertThat(Pause.parse("h 42 paused yesterday: x", t))
        .isEqualTo(new Pause("h", "", t, null, "h 42 paused yesterday: x"));
    assertThat(Pause.parse(new byte[0], t)).isEqualTo(new Pause("unknown", "", t, null, ""));
  }

  private static int waiters(SwitchmanEngine e) throws InterruptedException {
    List<ClusterStatus.QueueEntry> w = e.status().waiters().get("job");
    return w == null ? 0 : w.size();
  }

  private static Acquisition acquire(SwitchmanEngine e, GrantRequest r) {
    try {
      return e.acquire(r);
    } catch (InterruptedException ex) {
      throw new IllegalStateException(ex);
    }
  }
}
