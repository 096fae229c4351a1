/*
 * Copyright 2026 the switchman authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package io.switchman.core;

import io.switchman.core.Acquisition.Outcome;
import io.switchman.core.RequestPlan.Resolved;
import java.util.List;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.data.Stat;
import org.jspecify.annotations.Nullable;

/**
 * Serves one {@link GrantRequest} on one session handle, as switchman 1.16 does: the driver of the
 * {@link LeaseQueue} and the {@link LockQueue}, which share the request's {@link Attempt}.
 *
 * <ol>
 *   <li>With leases and a lock that must not be waited for: skip if the lock is held.
 *   <li>Take the leases (all queues joined in one transaction, strict FIFO per resource).
 *   <li>Take the lock (or wait for it in arrival order).
 *   <li>Hand the nodes to a new {@link ZkGrant}.
 * </ol>
 *
 * <p>Whatever the outcome, every node created here that does not become part of the grant is
 * deleted ({@link #abandon}).
 */
final class Acquirer {

  private final GrantRequest request;
  private final ZkSession session;
  private final GrantRegistry registry;
  private final long reservedNanos;
  private final SafetyMonitor.LeaderContact leaderContact;
  private final List<Resolved> leases;
  private final Attempt attempt;
  private final LeaseProtocol leaseQueue;
  private final LockQueue lockQueue;

  Acquirer(
      ZkSession session,
      GrantRegistry registry,
      long reservedNanos,
      SafetyMonitor.LeaderContact leaderContact,
      ZooKeeper zk,
      GrantRequest request,
      List<Resolved> leases,
      boolean previousLeaseProtocol) {
    this.request = request;
    this.session = session;
    this.registry = registry;
    this.reservedNanos = reservedNanos;
    this.leaderContact = leaderContact;
    this.leases = leases;
    this.attempt = new Attempt(zk, session, request);
    long now = System.nanoTime();
    this.leaseQueue =
        previousLeaseProtocol
            ? new PreviousLeaseQueue(attempt, leases, now)
            : new LeaseQueue(attempt, leases, now);
    this.lockQueue = new LockQueue(attempt, registry, now);
  }

  /** Serves the request; the grant is not registered yet. */
  Acquisition run() throws KeeperException, InterruptedException {
    String name = request.name();
    if (!leases.isEmpty()) {
      // switchman step 3: a held lock means skip, before queueing; keep watching it.
      if (request.lock() && request.lockWait().isZero()) {
        Acquisition held = lockQueue.skipIfHeld();
        if (held != null) {
          return held;
        }
      }
      Acquisition skipped = leaseQueue.take();
      if (skipped != null) {
        abandon();
        if (skipped.outcome() == Outcome.BUSY && request.lock()) {
          // the lock appeared while waiting for leases: say so if it is a pause
          Acquisition paused = lockQueue.skipIfHeld();
          if (paused != null && paused.outcome() == Outcome.PAUSED) {
            return paused;
          }
        }
        return skipped;
      }
    }
    if (request.lock()) {
      Acquisition skipped = lockQueue.take(!leases.isEmpty());
      if (skipped != null) {
        abandon();
        return skipped;
      }
    }
    return new Acquisition(Outcome.ACQUIRED, grant(), "granted '" + name + "'");
  }

  private Grant grant() {
    @Nullable String lockPath = lockQueue.lockPath();
    ZkGrant g =
        new ZkGrant(
            session,
            registry,
            reservedNanos,
            leaderContact,
            attempt.zk(),
            request.name(),
            lockPath,
            lockQueue.lockCzxid(),
            leaseQueue.held(),
            request.group(),
            lockPath != null ? lockQueue.lastProofNanos() : leaseQueue.lastProofNanos());
    lockQueue.handOver(g);
    g.watchOwnNodes();
    attempt.keepAll();
    leaseQueue.clear();
    proveFreshIfOld(g);
    return g;
  }

  /**
   * A grant whose first safety deadline would pass before its first refresh (S/6 away) can end (its
   * proof is old: a create whose reply was lost and resolved after a reconnection) gets one more
   * leader read now: {@code sync}, then a read of its primary node. Rare; the normal grant costs
   * nothing more.
   */
  private void proveFreshIfOld(ZkGrant g) {
    long now = System.nanoTime();
    long window = g.leaderContact().windowNanos();
    if (g.safeUntilNanos() - now > window + window / 2) {
      return;
    }
    try {
      Stat stat = attempt.existsAfterSync(g.primaryPath());
      long syncSent = attempt.syncSentNanos();
      if (stat == null) {
        g.lose(LossReason.NODE_DELETED);
      } else if (stat.getEphemeralOwner() != g.sessionId() || stat.getCzxid() != g.primaryCzxid()) {
        g.lose(LossReason.NODE_CHANGED);
      } else {
        g.touched(syncSent);
        g.leaderReached(syncSent);
      }
    } catch (KeeperException e) {
      LossReason reason = SafetyMonitor.lossOf(e.code());
      if (reason != null) {
        g.lose(reason);
      } // else the deadline decides
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt(); // the deadline decides
    }
  }

  /** Removes the request's watches that have not fired. */
  void removeWatches() {
    attempt.removeWatches();
  }

  /**
   * Deletes every node this request created that is not part of a grant, and drops its lock claim
   * (once its lock node, if it created one, is deleted or provably not ours). Does not block.
   */
  void abandon() {
    @Nullable String lockPath = lockQueue.lockPath();
    long lockCzxid = lockQueue.lockCzxid();
    Runnable lockSettled = lockQueue.abandon();
    attempt.abandon(lockPath, lockCzxid, lockSettled);
    leaseQueue.clear();
  }
}
