/*
 * Copyright 2026 the switchman authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package io.switchman.core;

import io.switchman.core.Acquisition.Outcome;
import io.switchman.core.internal.Durations;
import java.util.List;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.data.Stat;
import org.jspecify.annotations.Nullable;

/**
 * The lock protocol for one request: the ephemeral lock node {@code P/locks/<name>}, created at
 * once or, with a lock wait, in arrival order behind the waiter nodes {@code
 * P/waiters/<name>/waiter-<seq>} (each waiter watches only its predecessor, the head watches the
 * lock node). While it creates the node, the request claims the lock path in the {@link
 * GrantRegistry}, so a node of this session there is known to be this request's.
 */
final class LockQueue implements GrantRegistry.LockClaimant {

  /**
   * What the head of the queue creates at the lock path instead of a job's ephemeral lock node: an
   * operator's pause ({@link SwitchmanOperations}). True when created, false when the path is
   * taken.
   */
  @FunctionalInterface
  interface HeadCreate {
    boolean tryCreate() throws KeeperException, InterruptedException;
  }

  private final Attempt attempt;
  private final GrantRegistry registry;
  private final String path;
  private final long deadline;
  private final @Nullable HeadCreate headCreate;
  private final String waiterName;
  private final byte[] waiterData;
  private @Nullable String lockPath;
  private long lockCzxid;
  private long lastProofNanos;
  private boolean claimed;

  LockQueue(Attempt attempt, GrantRegistry registry, long startNanos) {
    this(attempt, registry, startNanos, null, "waiter-", attempt.session().holderData());
  }

  /**
   * A queue whose head creates something else than a job's lock node ({@code headCreate}), with its
   * own waiter nodes {@code P/waiters/<name>/<waiterName><seq>} holding {@code waiterData}; such a
   * queue never holds a lock node or a claim.
   */
  LockQueue(
      Attempt attempt,
      GrantRegistry registry,
      long startNanos,
      @Nullable HeadCreate headCreate,
      String waiterName,
      byte[] waiterData) {
    this.attempt = attempt;
    this.registry = registry;
    this.path = attempt.layout().lock(attempt.request().name());
    this.deadline = startNanos + attempt.request().lockWait().toNanos();
    this.headCreate = headCreate;
    this.waiterName = waiterName;
    this.waiterData = waiterData;
  }

  /** The lock node once created, else null. */
  @Nullable String lockPath() {
    return lockPath;
  }

  long lockCzxid() {
    return lockCzxid;
  }

  /** When the create of the lock node was sent (its reply proved the session alive). */
  long lastProofNanos() {
    return lastProofNanos;
  }

  /**
   * Why the request must skip now, without waiting: the lock is held (BUSY) or paused (PAUSED);
   * null when it is free. Watches it, so its appearance wakes the request.
   */
  @Nullable Acquisition skipIfHeld() throws KeeperException, InterruptedException {
    Stat stat = new Stat();
    byte[] data = attempt.data(path, true, stat);
    if (data == null) {
      return null;
    }
    return stat.getEphemeralOwner() == 0
        ? paused(data, stat)
        : Acquisition.skipped(Outcome.BUSY, "lock '" + attempt.request().name() + "' is held");
  }

  private Acquisition paused(byte @Nullable [] data, Stat stat) {
    Pause p = Pause.parse(data, java.time.Instant.ofEpochMilli(stat.getCtime()));
    return Acquisition.skipped(
        Outcome.PAUSED, "lock '" + attempt.request().name() + "' is " + p.describe());
  }

  /** After a create found the path taken: PAUSED if a pause node is there, else BUSY. */
  private Acquisition busyOrPaused(String busyDetail) throws KeeperException, InterruptedException {
    Stat stat = new Stat();
    byte[] data = attempt.data(path, false, stat);
    if (data != null && stat.getEphemeralOwner() == 0) {
      return paused(data, stat);
    }
    return Acquisition.skipped(Outcome.BUSY, busyDetail);
  }

  /**
   * Takes the lock; null when held, else why the request is skipped.
   *
   * @param afterLeases whether leases were taken first (for the message)
   */
  @Nullable Acquisition take(boolean afterLeases) throws KeeperException, InterruptedException {
    GrantRequest request = attempt.request();
    String name = request.name();
    if (request.lockWait().isZero()) {
      return create()
          ? null
          : busyOrPaused(
              afterLeases
                  ? "lock '" + name + "' appeared while waiting for leases"
                  : "lock '" + name + "' is held");
    }
    ZkSession session = attempt.session();
    String waitersDir = attempt.layout().waiters(name);
    session.ensureParents(attempt.zk(), waitersDir);
    if (attempt.children(waitersDir, false).isEmpty() && create()) {
      return null;
    }
    String waiter = attempt.createSequential(waitersDir + "/" + waiterName, waiterData, new Stat());
    String own = waiter.substring(waitersDir.length() + 1);
    while (true) {
      long seen = attempt.signalCount();
      List<String> children = Layout.sorted(attempt.children(waitersDir, false));
      int i = children.indexOf(own);
      if (i < 0) {
        throw new SwitchmanException(
            SwitchmanException.Kind.UNAVAILABLE,
            "Lost queue position: node " + waiter + " disappeared while waiting for the lock");
      }
      String watched = i == 0 ? path : waitersDir + "/" + children.get(i - 1);
      if (i == 0 && create()) {
        attempt.delete(waiter);
        return null;
      }
      Stat watchedStat = attempt.exists(watched, true);
      if (watchedStat == null) {
        continue;
      }
      if (i == 0 && watchedStat.getEphemeralOwner() == 0) {
        // Paused: an operator's pause may last for days; waiting for it helps nobody.
        Acquisition paused = busyOrPaused("lock '" + name + "' is held");
        if (paused.outcome() == Outcome.PAUSED) {
          return paused;
        }
      }
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        return Acquisition.skipped(
            Outcome.TIMEOUT,
            "lock '" + name + "' still held after waiting " + Durations.format(request.lockWait()));
      }
      attempt.awaitSignal(seen, left);
    }
  }

  private boolean create() throws KeeperException, InterruptedException {
    return headCreate != null ? headCreate.tryCreate() : tryCreate();
  }

  private boolean tryCreate() throws KeeperException, InterruptedException {
    if (!claimed) {
      if (!registry.claim(path, this)) {
        return false; // another request of this JVM holds or is taking it
      }
      claimed = true;
    }
    ZkSession session = attempt.session();
    Stat stat = new Stat();
    long sentAt = System.nanoTime();
    try {
      attempt.zk().create(path, session.holderData(), session.acl(), CreateMode.EPHEMERAL, stat);
      session.afterCreate.accept(path);
    } catch (KeeperException.NodeExistsException e) {
      unclaim();
      return false;
    } catch (KeeperException.NoNodeException e) {
      session.forgetParents(attempt.layout().locksDir());
      session.ensureParents(attempt.zk(), attempt.layout().locksDir());
      return tryCreate();
    } catch (KeeperException.ConnectionLossException e) {
      // The create may have happened. This request alone claims the path in this session, so a
      // node of this session there is its own. Read after a sync: the client may have reconnected
      // to a server that has not applied the create yet.
      Stat existing;
      try {
        existing = attempt.existsAfterSync(path);
      } catch (KeeperException | InterruptedException unknown) {
        resolveLater();
        throw unknown;
      }
      if (existing == null || existing.getEphemeralOwner() != attempt.zk().getSessionId()) {
        unclaim();
        throw e;
      }
      stat = existing;
      // The sync was answered by the leader: a leader read, later than the create (whose send
      // time alone, before the reconnection, would give a needlessly early first deadline).
      sentAt = attempt.syncSentNanos();
    } catch (InterruptedException e) {
      resolveLater(); // the create may still happen: delete it then
      throw e;
    }
    lockPath = path;
    lockCzxid = stat.getCzxid();
    attempt.createdLockNode(path);
    lastProofNanos = sentAt;
    return true;
  }

  private void unclaim() {
    registry.unclaim(path, this);
    claimed = false;
  }

  /**
   * A create of the lock node whose outcome is unknown: delete the node if it is this session's.
   */
  private void resolveLater() {
    claimed = false;
    attempt.session().retryDeleteLater(attempt.zk(), path, -2, () -> registry.unclaim(path, this));
  }

  /** The lock node became {@code grant}'s: so does the claim. */
  void handOver(ZkGrant grant) {
    if (lockPath != null) {
      registry.handOver(lockPath, this, grant);
      claimed = false;
    }
    lockPath = null;
  }

  /**
   * The request ended without a grant. Without a lock node, the claim ends now; with one, the claim
   * lasts until the attempt's owner-checked delete of the node is settled (the returned action):
   * until then another request of this JVM must not take the path, where it could adopt the node
   * that the pending delete then removes.
   *
   * @return what to run once the lock node is deleted or provably not ours
   */
  Runnable abandon() {
    String created = lockPath;
    lockPath = null;
    if (!claimed) {
      return () -> {};
    }
    claimed = false;
    if (created == null) {
      registry.unclaim(path, this);
      return () -> {};
    }
    return () -> registry.unclaim(path, this);
  }
}
