/*
 * Copyright 2026 the switchman authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package io.switchman.core;

import io.switchman.core.Acquisition.Outcome;
import io.switchman.core.Grant.HeldLease;
import io.switchman.core.RequestPlan.Resolved;
import io.switchman.core.internal.Durations;
import java.util.ArrayList;
import java.util.List;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.Op;
import org.apache.zookeeper.OpResult;
import org.apache.zookeeper.data.Stat;
import org.jspecify.annotations.Nullable;

/**
 * The lease protocol of switchman 1.16 for one request, woken by watches instead of polling:
 *
 * <ol>
 *   <li>Skip if a request of the same name is already queued for one of the resources.
 *   <li>Join the queue of every resource in one {@code multi()}: every queue then orders all
 *       contenders alike, which makes requests for several resources deadlock-free.
 *   <li>For each resource in turn: wait to be the head of its queue (watching only the next lower
 *       node), then take switchman's semaphore mutex, sum the lease nodes, create ours if it fits,
 *       release the mutex; if it does not fit, wait for the leases to change (only the head watches
 *       them, so there is no herd).
 *   <li>Leave the queues.
 * </ol>
 */
final class LeaseQueue {

  private final Attempt attempt;
  private final List<Resolved> leases;
  private final long deadline;
  private final List<HeldLease> held = new ArrayList<>();
  private long lastProofNanos;

  LeaseQueue(Attempt attempt, List<Resolved> leases, long startNanos) {
    this.attempt = attempt;
    this.leases = leases;
    GrantRequest request = attempt.request();
    this.deadline =
        request.leaseWait().isZero() ? Long.MAX_VALUE : startNanos + request.leaseWait().toNanos();
  }

  /** The leases taken, in order. */
  List<HeldLease> held() {
    return held;
  }

  /** When the request for the last lease node was sent (its reply proved the session alive). */
  long lastProofNanos() {
    return lastProofNanos;
  }

  /** Forgets the leases (abandoned, or handed to a grant). */
  void clear() {
    held.clear();
  }

  /** Takes every lease; null when all are held, else why the request is skipped. */
  @Nullable Acquisition take() throws KeeperException, InterruptedException {
    ZkSession session = attempt.session();
    Layout layout = attempt.layout();
    String name = attempt.request().name();
    List<Op> joins = new ArrayList<>();
    for (Resolved l : leases) {
      String queue = layout.queue(l.resource());
      session.ensureParents(attempt.zk(), queue);
      session.ensureParents(attempt.zk(), layout.semaphoreMutex(l.resource()));
      session.ensureParents(attempt.zk(), layout.leases(l.resource()));
      for (String child : attempt.children(queue, false)) {
        if (name.equals(Layout.queuedName(child))) {
          return Acquisition.skipped(
              Outcome.BUSY, "'" + name + "' is already queued for resource " + l.resource());
        }
      }
      // Fail fast on a capacity disagreement instead of only when reaching the head.
      sumLeases(l, false);
      joins.add(
          Op.create(
              queue + "/" + name + "-",
              session.holderData(),
              session.acl(),
              CreateMode.EPHEMERAL_SEQUENTIAL));
    }
    List<String> queueNodes = new ArrayList<>();
    List<OpResult> results;
    List<Long> tickets = new ArrayList<>();
    for (Resolved l : leases) {
      tickets.add(session.createStarting(layout.queue(l.resource())));
    }
    try {
      try {
        results = attempt.zk().multi(joins);
      } catch (KeeperException.NoNodeException e) {
        for (Resolved l : leases) {
          session.forgetParents(layout.queue(l.resource()));
        }
        throw e;
      } catch (KeeperException.ConnectionLossException | InterruptedException e) {
        // The transaction may have happened although its reply never came.
        for (Resolved l : leases) {
          attempt.suspect(layout.queue(l.resource()));
        }
        throw e;
      }
    } catch (KeeperException | InterruptedException | RuntimeException e) {
      tickets.forEach(session::createEnded);
      throw e;
    }
    try {
      for (OpResult r : results) {
        String path = ((OpResult.CreateResult) r).getPath();
        session.afterCreate.accept(path);
        attempt.created(path);
        queueNodes.add(path);
      }
    } finally {
      tickets.forEach(session::createEnded); // after created(): the sweep then knows the nodes
    }
    for (int i = 0; i < leases.size(); i++) {
      Acquisition skipped = awaitHead(layout.queue(leases.get(i).resource()), queueNodes.get(i));
      if (skipped != null) {
        return skipped;
      }
      skipped = takeLease(leases.get(i));
      if (skipped != null) {
        return skipped;
      }
    }
    // switchman step 7: leave all queues once every lease is held.
    for (String q : queueNodes) {
      attempt.delete(q);
    }
    return null;
  }

  /**
   * Waits until {@code node} is the lowest in {@code dir}, watching only its predecessor: the head
   * of a queue, or the holder of the semaphore mutex.
   */
  private @Nullable Acquisition awaitHead(String dir, String node)
      throws KeeperException, InterruptedException {
    String own = node.substring(node.lastIndexOf('/') + 1);
    while (true) {
      long seen = attempt.signalCount();
      List<String> children = Layout.sorted(attempt.children(dir, false));
      int i = children.indexOf(own);
      if (i < 0) {
        throw new SwitchmanException(
            SwitchmanException.Kind.UNAVAILABLE,
            "Lost queue position: node " + node + " disappeared while waiting");
      }
      if (i == 0) {
        return null;
      }
      if (attempt.exists(dir + "/" + children.get(i - 1), true) == null) {
        continue;
      }
      Acquisition busy = awaitSignal(seen, "a place at the head of " + dir);
      if (busy != null) {
        return busy;
      }
    }
  }

  private @Nullable Acquisition takeLease(Resolved l) throws KeeperException, InterruptedException {
    Layout layout = attempt.layout();
    String leasesDir = layout.leases(l.resource());
    while (true) {
      String mutex = joinMutex(l.resource());
      Acquisition busy = awaitHead(layout.semaphoreMutex(l.resource()), mutex);
      if (busy != null) {
        return busy;
      }
      long seen = attempt.signalCount();
      boolean created;
      try {
        long sum = sumLeases(l, true);
        created = sum <= l.capacity() - l.amount(); // amount <= capacity: no overflow
        if (created) {
          Stat stat = new Stat();
          long sentAt = System.nanoTime();
          String path =
              attempt.createSequential(
                  leasesDir + "/" + l.amount() + "_" + l.capacity() + "_",
                  attempt.session().holderData(),
                  stat);
          held.add(new HeldLease(l.resource(), l.amount(), l.capacity(), path, stat.getCzxid()));
          lastProofNanos = sentAt;
        }
      } finally {
        attempt.delete(mutex);
      }
      if (created) {
        return null;
      }
      busy = awaitSignal(seen, l.amount() + " units of resource " + l.resource());
      if (busy != null) {
        return busy;
      }
    }
  }

  /** The units held on the resource, checking that every holder agrees on its capacity. */
  private long sumLeases(Resolved l, boolean watch) throws KeeperException, InterruptedException {
    String leasesDir = attempt.layout().leases(l.resource());
    long sum = 0;
    for (String child : attempt.children(leasesDir, watch)) {
      Layout.LeaseName ln = Layout.LeaseName.parse(child);
      if (ln == null) {
        // Its units cannot be counted, so the capacity left is unknown: fail closed, as switchman
        // 1.16 does (its "Totals mismatch").
        throw new SwitchmanException(
            SwitchmanException.Kind.TOTALS_MISMATCH,
            "Totals mismatch for resource "
                + l.resource()
                + ": lease node "
                + leasesDir
                + "/"
                + child
                + " is not <count>_<total>_<sequence>, so the units held cannot be counted;"
                + " refusing to lease (remove the node if no switchman host made it)");
      }
      if (ln.capacity() != l.capacity()) {
        throw new SwitchmanException(
            SwitchmanException.Kind.TOTALS_MISMATCH,
            "Totals mismatch for resource "
                + l.resource()
                + ": lease "
                + leasesDir
                + "/"
                + child
                + " has capacity "
                + ln.capacity()
                + ", this request says "
                + l.capacity());
      }
      sum = sum > Long.MAX_VALUE - ln.amount() ? Long.MAX_VALUE : sum + ln.amount();
    }
    return sum;
  }

  /** Joins switchman's semaphore mutex: the lowest {@code acquire-<seq>} node holds it. */
  private String joinMutex(String resource) throws KeeperException, InterruptedException {
    return attempt.createSequential(
        attempt.layout().semaphoreMutex(resource) + "/acquire-", new byte[0], new Stat());
  }

  /**
   * Waits for a watch to fire after {@code seen}, up to the lease wait.
   *
   * @return a BUSY skip if the lock appeared meanwhile (switchman skips then), a LEASE_TIMEOUT when
   *     the lease wait ran out, else null
   */
  private @Nullable Acquisition awaitSignal(long seen, String waitingFor)
      throws InterruptedException {
    GrantRequest request = attempt.request();
    if (!attempt.awaitSignalOrLock(seen, deadline)) {
      return Acquisition.skipped(
          Outcome.LEASE_TIMEOUT,
          "Timed out after "
              + Durations.format(request.leaseWait())
              + " waiting for "
              + waitingFor
              + " (request '"
              + request.name()
              + "')");
    }
    if (attempt.lockAppeared() && request.lockWait().isZero()) {
      return Acquisition.skipped(
          Outcome.BUSY, "lock '" + request.name() + "' appeared while waiting for leases");
    }
    return null;
  }
}
