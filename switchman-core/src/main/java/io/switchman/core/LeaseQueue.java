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
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The lease protocol of switchman 1.16 for one request (its znode layout and node data, so mixed
 * fleets stay correct), woken by watches instead of polling and at the fewest requests:
 *
 * <ol>
 *   <li>Before joining, one {@code multiRead} of every queue and lease directory: skip if a request
 *       of the same name is queued, fail on a capacity disagreement. The queues are joined in one
 *       {@code multi()}, and one listing of the queues is sent right behind it in the same round
 *       trip: the nodes before ours. Every queue then orders all contenders alike, which makes
 *       requests for several resources deadlock-free. Nodes with a lower sequence number can only
 *       leave a queue, never join it (sequence numbers grow), and leave it normally only as its
 *       head, so waiting for the head is one watch on the nearest lower node, without listing
 *       again.
 *   <li>For each resource in turn, at the head of its queue: take switchman's semaphore mutex and,
 *       in the same round trip, list the mutex, the leases and the queue again (one {@code
 *       multiRead} sent right behind the create). If the mutex is ours and the amount fits, create
 *       the lease node; if it does not fit, keep the mutex and watch the lease nodes, which can
 *       then only leave: when the watch reports a change after the listing (by zxid) and the
 *       smallest lease seen would do, the lease is created without listing again.
 *   <li>The lease node's create, the mutex's delete and (with the last lease) the queue nodes'
 *       deletes are one transaction: the mutex is free the moment the lease exists, and no lease is
 *       created if the mutex is no longer ours.
 * </ol>
 *
 * <p>The previous protocol ({@link PreviousLeaseQueue}) is kept for the benchmark's comparison.
 */
final class LeaseQueue implements LeaseProtocol {

  private static final Logger log = LoggerFactory.getLogger(LeaseQueue.class);

  private final Attempt attempt;
  private final List<Resolved> leases;
  private final long deadline;
  private final List<HeldLease> held = new ArrayList<>();
  private long lastProofNanos;

  LeaseQueue(Attempt attempt, List<Resolved> leases, long startNanos) {
    this.attempt = attempt;
    this.leases = leases;
    attempt.removeOnlyUnfiredWatches();
    GrantRequest request = attempt.request();
    this.deadline =
        request.leaseWait().isZero() ? Long.MAX_VALUE : startNanos + request.leaseWait().toNanos();
  }

  @Override
  public List<HeldLease> held() {
    return held;
  }

  @Override
  public long lastProofNanos() {
    return lastProofNanos;
  }

  @Override
  public void clear() {
    held.clear();
  }

  @Override
  public @Nullable Acquisition take() throws KeeperException, InterruptedException {
    ZkSession session = attempt.session();
    Layout layout = attempt.layout();
    String name = attempt.request().name();
    List<Op> joins = new ArrayList<>();
    List<String> dirs = new ArrayList<>();
    for (Resolved l : leases) {
      String queue = layout.queue(l.resource());
      session.ensureParents(attempt.zk(), queue);
      session.ensureParents(attempt.zk(), layout.semaphoreMutex(l.resource()));
      session.ensureParents(attempt.zk(), layout.leases(l.resource()));
      joins.add(
          Op.create(
              queue + "/" + name + "-",
              session.holderData(),
              session.acl(),
              CreateMode.EPHEMERAL_SEQUENTIAL));
      dirs.add(queue);
      dirs.add(layout.leases(l.resource()));
    }
    // Before joining, one listing of every queue and lease directory (switchman step 2): a node of
    // the same name already queued means skip; lease nodes disagreeing on the capacity fail fast.
    List<List<String>> listings = attempt.childrenOf(dirs);
    for (int i = 0; i < leases.size(); i++) {
      Resolved l = leases.get(i);
      String queue = layout.queue(l.resource());
      for (String child : listings.get(2 * i)) {
        // A request of this engine (the same JVM) queued under the same name is not "another run
        // already queued": concurrent calls of one method in one application all queue, as they
        // did when the check raced with their joins.
        if (name.equals(Layout.queuedName(child)) && !session.isOwnNode(queue + "/" + child)) {
          return Acquisition.skipped(
              Outcome.BUSY, "'" + name + "' is already queued for resource " + l.resource());
        }
      }
      sumLeases(l, listings.get(2 * i + 1)); // a capacity disagreement fails before joining
    }
    // Join every queue in one transaction and, in the same round trip, list the queues: the nodes
    // ahead of ours.
    List<String> queues = new ArrayList<>();
    for (Resolved l : leases) {
      queues.add(layout.queue(l.resource()));
    }
    Attempt.CreatedAllAndListed joined = attempt.createAllThenList(joins, queues, queues);
    List<String> queueNodes = joined.paths();
    List<List<String>> ahead = new ArrayList<>();
    for (int i = 0; i < leases.size(); i++) {
      ahead.add(before(joined.listings().get(i), leafOf(queueNodes.get(i))));
    }
    for (int i = 0; i < leases.size(); i++) {
      Resolved l = leases.get(i);
      String queue = layout.queue(l.resource());
      Acquisition skipped = awaitHead(queue, ahead.get(i));
      if (skipped != null) {
        return skipped;
      }
      skipped = takeLease(l, queueNodes, i);
      if (skipped != null) {
        return skipped;
      }
    }
    return null;
  }

  private static String leafOf(String path) {
    return path.substring(path.lastIndexOf('/') + 1);
  }

  /**
   * Waits until the nearest of {@code ahead} (the nodes of {@code dir} before ours, by sequence) is
   * gone, watching only it. A node leaves a queue normally once it is the head, after every lower
   * one left, so the request then takes itself for the head and the listing sent behind the mutex's
   * create checks it (a node that left from the middle, after a lease wait ran out, sends it back
   * to waiting). Costs one request per wait.
   */
  private @Nullable Acquisition awaitHead(String dir, List<String> ahead)
      throws KeeperException, InterruptedException {
    if (ahead.isEmpty()) {
      return null;
    }
    String pred = dir + "/" + ahead.get(ahead.size() - 1);
    while (true) {
      attempt.takeFired(pred);
      long seen = attempt.signalCount();
      if (!attempt.watchIfExists(pred)) {
        return null;
      }
      while (true) {
        Acquisition busy = awaitSignal(seen, "a place at the head of " + dir);
        if (busy != null) {
          return busy;
        }
        seen = attempt.signalCount();
        if (attempt.sawDeleted(pred)) {
          return null;
        }
        if (attempt.takeFired(pred) || !attempt.zk().getState().isAlive()) {
          break; // another event on it, or the session ended: look again
        }
        // a wake-up for something else (a session event): keep waiting on the same watch
      }
    }
  }

  /**
   * At the head of the queue: takes the semaphore mutex, then the lease as soon as the amount fits,
   * keeping the mutex while it waits (only the head takes it, so nobody else waits for it).
   */
  private @Nullable Acquisition takeLease(Resolved l, List<String> queueNodes, int index)
      throws KeeperException, InterruptedException {
    Layout layout = attempt.layout();
    String leasesDir = layout.leases(l.resource());
    String mutexDir = layout.semaphoreMutex(l.resource());
    String queue = layout.queue(l.resource());
    String ownQueueNode = leafOf(queueNodes.get(index));
    long room = l.capacity() - l.amount();
    while (true) {
      // Take the mutex and, in the same round trip, list the mutex, the leases and our queue.
      Attempt.CreatedAndListed taken =
          attempt.createSequentialThenList(
              mutexDir + "/acquire-", new byte[0], List.of(mutexDir, leasesDir, queue));
      String mutex = taken.path();
      List<String> mutexAhead = before(taken.listings().get(0), leafOf(mutex));
      List<String> leaseNodes = taken.listings().get(1);
      List<String> queueNow = taken.listings().get(2);
      while (!mutexAhead.isEmpty()) {
        // Someone else holds the mutex (a switchman 1.16 host, or a node left by a lost reply):
        // wait for it, then list again.
        Acquisition busy = awaitHead(mutexDir, mutexAhead);
        if (busy != null) {
          return busy;
        }
        List<List<String>> again = attempt.childrenOf(List.of(mutexDir, leasesDir, queue));
        mutexAhead = before(again.get(0), leafOf(mutex));
        leaseNodes = again.get(1);
        queueNow = again.get(2);
      }
      if (!queueNow.contains(ownQueueNode)) {
        throw new SwitchmanException(
            SwitchmanException.Kind.UNAVAILABLE,
            "Lost queue position: node " + queueNodes.get(index) + " disappeared while waiting");
      }
      List<String> queueAhead = before(queueNow, ownQueueNode);
      if (!queueAhead.isEmpty()) {
        // Not the head after all (a node ahead left from the middle of the queue, after its lease
        // wait ran out, before the head did): give the mutex back and wait again.
        attempt.deleteAllLater(List.of(mutex));
        Acquisition busy = awaitHead(queue, queueAhead);
        if (busy != null) {
          return busy;
        }
        continue;
      }
      try {
        if (sumLeases(l, leaseNodes) <= room) {
          createLease(l, mutex, queueNodes, index);
          return null;
        }
        return awaitRoom(l, mutex, queueNodes, index);
      } catch (MutexLost e) {
        // Someone deleted our mutex node (an operator, a clean-up script): another host may hold
        // the mutex now, so nothing was created. Take it again, keeping the place in the queue.
        log.warn(
            "The semaphore mutex {} of resource {} was deleted while request '{}' held it; taking"
                + " it again",
            mutex,
            l.resource(),
            attempt.request().name());
      }
    }
  }

  /** The transaction creating the lease found the mutex node gone: nothing happened. */
  private static final class MutexLost extends Exception {
    private static final long serialVersionUID = 1L;

    MutexLost() {
      super(null, null, false, false);
    }
  }

  /**
   * Holding the mutex with the amount short: watches the lease nodes until it fits. While the mutex
   * is ours no well-behaved host creates a lease node (switchman 1.16 and both protocols of this
   * engine create them only under the mutex), so the lease nodes only leave: when a watch reports a
   * change made after the last listing (its zxid above the listing's pzxid; a report fired again on
   * reconnection has no zxid and does not count), at least one node of that listing is gone. If the
   * smallest of them would do, the lease is created at once, without listing again (the transaction
   * that creates it fails if the mutex is no longer ours); if not, the nodes are listed again with
   * a new watch. The watch fires at the latest when our own lease node is created, so it never
   * needs removing then.
   */
  private @Nullable Acquisition awaitRoom(
      Resolved l, String mutex, List<String> queueNodes, int index)
      throws KeeperException, InterruptedException, MutexLost {
    String leasesDir = attempt.layout().leases(l.resource());
    long room = l.capacity() - l.amount();
    attempt.firesOnOwnCreate(leasesDir);
    while (true) {
      long seen = attempt.signalCount();
      attempt.takeFired(leasesDir);
      Attempt.Listing listing = attempt.childrenWatched(leasesDir);
      List<String> leaseNodes = listing.children();
      long sum = sumLeases(l, leaseNodes);
      if (sum <= room) {
        createLease(l, mutex, queueNodes, index);
        return null;
      }
      Acquisition busy = awaitSignal(seen, l.amount() + " units of resource " + l.resource());
      if (busy != null) {
        return busy;
      }
      // Only a change made after the listing (its zxid above the listing's pzxid) is a release of
      // one of the nodes listed: a watch's report may arrive after the listing that includes it
      // (a watch fired again when the client reconnected, a report queued behind the reply).
      if (attempt.childChangedAfter(leasesDir, listing.stat().getPzxid())
          && attempt.zk().getState().isConnected()
          && sum - smallest(leaseNodes) <= room) {
        createLease(l, mutex, queueNodes, index);
        return null;
      }
      // another wake-up (a session event), or one release too small: list again
    }
  }

  /** The smallest amount among lease nodes (names checked by {@link #sumLeases} already). */
  private static long smallest(List<String> leaseNodes) {
    long min = Long.MAX_VALUE;
    for (String child : leaseNodes) {
      Layout.LeaseName ln = Layout.LeaseName.parse(child);
      if (ln != null) {
        min = Math.min(min, ln.amount());
      }
    }
    return min == Long.MAX_VALUE ? 0 : min;
  }

  /** The children before {@code own} by sequence number, sorted. */
  private static List<String> before(List<String> children, String own) {
    long ownSeq = Layout.sequenceOf(own);
    List<String> out = new ArrayList<>();
    for (String child : children) {
      if (!child.equals(own) && Layout.sequenceOf(child) < ownSeq) {
        out.add(child);
      }
    }
    return Layout.sorted(out);
  }

  /**
   * Creates the lease node under the mutex and, in the same transaction, releases the mutex (and,
   * with the last lease, leaves every queue: switchman step 7).
   *
   * @throws MutexLost when the mutex node is gone (nothing happened then); a queue node gone fails
   *     the request ("Lost queue position")
   */
  private void createLease(Resolved l, String mutex, List<String> queueNodes, int index)
      throws KeeperException, InterruptedException, MutexLost {
    String leasesDir = attempt.layout().leases(l.resource());
    List<String> done = new ArrayList<>();
    done.add(mutex);
    if (index == leases.size() - 1) {
      done.addAll(queueNodes);
    }
    long sentAt = System.nanoTime();
    Attempt.Created lease;
    try {
      lease =
          attempt.createSequentialDeleting(
              leasesDir + "/" + l.amount() + "_" + l.capacity() + "_",
              attempt.session().holderData(),
              done);
    } catch (KeeperException.NoNodeException e) {
      List<OpResult> results = e.getResults();
      for (int i = 1; results != null && i < results.size(); i++) {
        if (results.get(i) instanceof OpResult.ErrorResult err
            && KeeperException.Code.get(err.getErr()) == KeeperException.Code.NONODE) {
          if (i == 1) {
            attempt.goneAlready(mutex);
            throw new MutexLost();
          }
          throw new SwitchmanException(
              SwitchmanException.Kind.UNAVAILABLE,
              "Lost queue position: node " + done.get(i - 1) + " disappeared while waiting");
        }
      }
      throw e; // the lease directory is gone: the parents are made again on the next request
    }
    held.add(
        new HeldLease(
            l.resource(), l.amount(), l.capacity(), lease.path(), lease.stat().getCzxid()));
    lastProofNanos = sentAt;
  }

  /** The units held on the resource, checking that every holder agrees on its capacity. */
  private long sumLeases(Resolved l, List<String> children) {
    String leasesDir = attempt.layout().leases(l.resource());
    long sum = 0;
    for (String child : children) {
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
