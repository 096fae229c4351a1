/*
 * Copyright 2026 the switchman authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package io.switchman.core;

import io.switchman.core.Acquisition.Outcome;
import io.switchman.core.Grant.HeldLease;
import io.switchman.core.RequestPlan.Resolved;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.Op;
import org.apache.zookeeper.OpResult;
import org.apache.zookeeper.WatchedEvent;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.data.Stat;
import org.jspecify.annotations.Nullable;

/**
 * Serves one {@link GrantRequest} on one session handle, as switchman 1.16 does but woken by
 * watches instead of polling:
 *
 * <ol>
 *   <li>With leases and a lock that must not be waited for: skip if the lock is held.
 *   <li>Skip if a request of the same name is already queued for one of the resources.
 *   <li>Join the queue of every resource in one {@code multi()}: every queue then orders all
 *       contenders alike, which makes requests for several resources deadlock-free.
 *   <li>For each resource in turn: wait to be the head of its queue (watching only the next lower
 *       node), then take switchman's semaphore mutex, sum the lease nodes, create ours if it fits,
 *       release the mutex; if it does not fit, wait for the leases to change (only the head watches
 *       them, so there is no herd).
 *   <li>Leave the queues; create the lock node (or wait for it in arrival order).
 * </ol>
 *
 * <p>Whatever the outcome, every node created here that does not become part of the grant is
 * deleted ({@link #abandon}).
 */
final class Acquirer implements Watcher {

  private final SwitchmanEngine engine;
  private final ZooKeeper zk;
  private final GrantRequest request;
  private final List<Resolved> leases;
  private final Layout layout;
  private final byte[] data;
  private final long leaseDeadline;
  private final long lockDeadline;

  /** Nodes created so far that are not (yet) part of a grant. */
  private final List<String> temporary = new ArrayList<>();

  /** Directories where a create may have happened although its reply was lost. */
  private final Set<String> suspectDirs = new HashSet<>();

  private final List<HeldLease> held = new ArrayList<>();
  private @Nullable String lockPath;
  private long lockCzxid;
  private long lastProofNanos;

  private long signals;
  private boolean lockAppeared;
  private boolean lockClaimed;

  /** Paths this request set a watch on; the watches are removed when it ends. */
  private final Set<String> watched = new HashSet<>();

  Acquirer(SwitchmanEngine engine, ZooKeeper zk, GrantRequest request, List<Resolved> leases) {
    this.engine = engine;
    this.zk = zk;
    this.request = request;
    this.leases = leases;
    this.layout = engine.layout();
    this.data = engine.holderData();
    long now = System.nanoTime();
    this.leaseDeadline =
        request.leaseWait().isZero() ? Long.MAX_VALUE : now + request.leaseWait().toNanos();
    this.lockDeadline = now + request.lockWait().toNanos();
  }

  Acquisition run() throws KeeperException, InterruptedException {
    String name = request.name();
    if (!leases.isEmpty()) {
      if (request.lock() && request.lockWait().isZero()) {
        // switchman step 3: a held lock means skip, before queueing; keep watching it.
        if (exists(layout.lock(name), this) != null) {
          return Acquisition.skipped(Outcome.BUSY, "lock '" + name + "' is held");
        }
      }
      Acquisition skipped = takeLeases();
      if (skipped != null) {
        abandon();
        return skipped;
      }
    }
    if (request.lock()) {
      Acquisition skipped = takeLock();
      if (skipped != null) {
        abandon();
        return skipped;
      }
    }
    return new Acquisition(Outcome.ACQUIRED, grant(), "granted '" + name + "'");
  }

  private Grant grant() {
    ZkGrant g =
        new ZkGrant(
            engine, zk, request.name(), lockPath, lockCzxid, held, request.group(), lastProofNanos);
    if (lockPath != null) {
      engine.lockClaims().replace(lockPath, this, g);
      lockClaimed = false;
    }
    g.watchOwnNodes();
    temporary.clear();
    held.clear();
    lockPath = null;
    return g;
  }

  // ---------------------------------------------------------------- leases

  private @Nullable Acquisition takeLeases() throws KeeperException, InterruptedException {
    String name = request.name();
    List<Op> joins = new ArrayList<>();
    for (Resolved l : leases) {
      String queue = layout.queue(l.resource());
      engine.ensureParents(zk, queue);
      engine.ensureParents(zk, layout.semaphoreMutex(l.resource()));
      engine.ensureParents(zk, layout.leases(l.resource()));
      for (String child : children(queue, null)) {
        if (name.equals(Layout.queuedName(child))) {
          return Acquisition.skipped(
              Outcome.BUSY, "'" + name + "' is already queued for resource " + l.resource());
        }
      }
      // Fail fast on a capacity disagreement instead of only when reaching the head.
      sumLeases(l, null);
      joins.add(
          Op.create(queue + "/" + name + "-", data, engine.acl(), CreateMode.EPHEMERAL_SEQUENTIAL));
    }
    List<String> queueNodes = new ArrayList<>();
    List<OpResult> results;
    try {
      results = zk.multi(joins);
    } catch (KeeperException.NoNodeException e) {
      for (Resolved l : leases) {
        engine.forgetParents(layout.queue(l.resource()));
      }
      throw e;
    } catch (KeeperException.ConnectionLossException | InterruptedException e) {
      // The transaction may have happened although its reply never came.
      for (Resolved l : leases) {
        suspectDirs.add(layout.queue(l.resource()));
      }
      throw e;
    }
    for (OpResult r : results) {
      String path = ((OpResult.CreateResult) r).getPath();
      created(path);
      queueNodes.add(path);
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
      delete(q);
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
      long seen = signalCount();
      List<String> children = Layout.sorted(children(dir, null));
      int i = children.indexOf(own);
      if (i < 0) {
        throw new SwitchmanException(
            SwitchmanException.Kind.UNAVAILABLE,
            "Lost queue position: node " + node + " disappeared while waiting");
      }
      if (i == 0) {
        return null;
      }
      if (exists(dir + "/" + children.get(i - 1), this) == null) {
        continue;
      }
      Acquisition busy = awaitSignal(seen, leaseDeadline, "a place at the head of " + dir);
      if (busy != null) {
        return busy;
      }
    }
  }

  private @Nullable Acquisition takeLease(Resolved l) throws KeeperException, InterruptedException {
    String leasesDir = layout.leases(l.resource());
    while (true) {
      String mutex = joinMutex(l.resource());
      Acquisition busy = awaitHead(layout.semaphoreMutex(l.resource()), mutex);
      if (busy != null) {
        return busy;
      }
      long seen = signalCount();
      boolean created;
      try {
        long sum = sumLeases(l, this);
        created = sum + l.amount() <= l.capacity();
        if (created) {
          Stat stat = new Stat();
          long sentAt = System.nanoTime();
          String path =
              createSequential(leasesDir + "/" + l.amount() + "_" + l.capacity() + "_", data, stat);
          held.add(new HeldLease(l.resource(), l.amount(), l.capacity(), path, stat.getCzxid()));
          lastProofNanos = sentAt;
        }
      } finally {
        delete(mutex);
      }
      if (created) {
        return null;
      }
      busy = awaitSignal(seen, leaseDeadline, l.amount() + " units of resource " + l.resource());
      if (busy != null) {
        return busy;
      }
    }
  }

  /** The units held on the resource, checking that every holder agrees on its capacity. */
  private long sumLeases(Resolved l, @Nullable Watcher watcher)
      throws KeeperException, InterruptedException {
    String leasesDir = layout.leases(l.resource());
    long sum = 0;
    for (String child : children(leasesDir, watcher)) {
      Layout.LeaseName ln = Layout.LeaseName.parse(child);
      if (ln == null) {
        continue;
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
      sum += ln.amount();
    }
    return sum;
  }

  /** Joins switchman's semaphore mutex: the lowest {@code acquire-<seq>} node holds it. */
  private String joinMutex(String resource) throws KeeperException, InterruptedException {
    return createSequential(layout.semaphoreMutex(resource) + "/acquire-", new byte[0], new Stat());
  }

  /**
   * Creates an ephemeral sequential node. When the reply is lost (connection loss), the node may
   * exist under a name nobody knows; its directory is swept for it when the request is abandoned,
   * so it cannot block a queue or hold capacity for the rest of the session.
   */
  private String createSequential(String prefix, byte[] nodeData, Stat stat)
      throws KeeperException, InterruptedException {
    try {
      String path =
          zk.create(prefix, nodeData, engine.acl(), CreateMode.EPHEMERAL_SEQUENTIAL, stat);
      created(path);
      return path;
    } catch (KeeperException.ConnectionLossException | InterruptedException e) {
      // The create may have happened although its reply never came.
      suspectDirs.add(prefix.substring(0, prefix.lastIndexOf('/')));
      throw e;
    }
  }

  private void created(String path) {
    temporary.add(path);
    engine.ownNodes().add(path);
  }

  // ---------------------------------------------------------------- lock

  private @Nullable Acquisition takeLock() throws KeeperException, InterruptedException {
    String name = request.name();
    String path = layout.lock(name);
    if (request.lockWait().isZero()) {
      return tryCreateLock(path)
          ? null
          : Acquisition.skipped(
              Outcome.BUSY,
              leases.isEmpty()
                  ? "lock '" + name + "' is held"
                  : "lock '" + name + "' appeared while waiting for leases");
    }
    String waitersDir = layout.waiters(name);
    engine.ensureParents(zk, waitersDir);
    if (children(waitersDir, null).isEmpty() && tryCreateLock(path)) {
      return null;
    }
    String waiter = createSequential(waitersDir + "/waiter-", data, new Stat());
    String own = waiter.substring(waitersDir.length() + 1);
    while (true) {
      long seen = signalCount();
      List<String> children = Layout.sorted(children(waitersDir, null));
      int i = children.indexOf(own);
      if (i < 0) {
        throw new SwitchmanException(
            SwitchmanException.Kind.UNAVAILABLE,
            "Lost queue position: node " + waiter + " disappeared while waiting for the lock");
      }
      String watched = i == 0 ? path : waitersDir + "/" + children.get(i - 1);
      if (i == 0 && tryCreateLock(path)) {
        delete(waiter);
        return null;
      }
      if (exists(watched, this) == null) {
        continue;
      }
      long left = lockDeadline - System.nanoTime();
      if (left <= 0) {
        return Acquisition.skipped(
            Outcome.TIMEOUT,
            "lock '" + name + "' still held after waiting " + Durations.format(request.lockWait()));
      }
      synchronized (this) {
        if (signals == seen) {
          TimeUnit.NANOSECONDS.timedWait(this, left);
        }
      }
    }
  }

  private boolean tryCreateLock(String path) throws KeeperException, InterruptedException {
    if (!lockClaimed) {
      if (engine.lockClaims().putIfAbsent(path, this) != null) {
        return false; // another request of this JVM holds or is taking it
      }
      lockClaimed = true;
    }
    Stat stat = new Stat();
    long sentAt = System.nanoTime();
    try {
      zk.create(path, data, engine.acl(), CreateMode.EPHEMERAL, stat);
    } catch (KeeperException.NodeExistsException e) {
      releaseLockClaim(path);
      return false;
    } catch (KeeperException.NoNodeException e) {
      engine.forgetParents(layout.locksDir());
      engine.ensureParents(zk, layout.locksDir());
      return tryCreateLock(path);
    } catch (KeeperException.ConnectionLossException e) {
      // The create may have happened. This request alone claims the path in this session, so a
      // node of this session there is its own.
      Stat existing;
      try {
        existing = exists(path, null);
      } catch (KeeperException | InterruptedException unknown) {
        resolveLockLater(path);
        throw unknown;
      }
      if (existing == null || existing.getEphemeralOwner() != zk.getSessionId()) {
        releaseLockClaim(path);
        throw e;
      }
      stat = existing;
    } catch (InterruptedException e) {
      resolveLockLater(path); // the create may still happen: delete it then
      throw e;
    }
    lockPath = path;
    lockCzxid = stat.getCzxid();
    temporary.add(path);
    lastProofNanos = sentAt;
    return true;
  }

  private void releaseLockClaim(String path) {
    engine.lockClaims().remove(path, this);
    lockClaimed = false;
  }

  /**
   * A create of the lock node whose outcome is unknown: delete the node if it is this session's.
   */
  private void resolveLockLater(String path) {
    lockClaimed = false;
    engine.retryDeleteLater(zk, path, -2, () -> engine.lockClaims().remove(path, this));
  }

  // ---------------------------------------------------------------- waiting

  private long signalCount() {
    synchronized (this) {
      return signals;
    }
  }

  /** Watches set while waiting: any event wakes the waiting thread to look again. */
  @Override
  public void process(WatchedEvent event) {
    synchronized (this) {
      if (event.getType() == Event.EventType.NodeCreated
          && request.lock()
          && event.getPath() != null
          && event.getPath().equals(layout.lock(request.name()))) {
        lockAppeared = true;
      }
      signals++;
      notifyAll();
    }
  }

  /**
   * Waits for a watch to fire after {@code seen}, up to {@code deadline}.
   *
   * @return a BUSY skip if the lock appeared meanwhile (switchman skips then), else null
   */
  private @Nullable Acquisition awaitSignal(long seen, long deadline, String waitingFor)
      throws InterruptedException {
    synchronized (this) {
      while (signals == seen && !lockAppeared) {
        if (deadline == Long.MAX_VALUE) {
          wait();
        } else {
          long left = deadline - System.nanoTime();
          if (left <= 0) {
            return leaseTimeout(waitingFor);
          }
          TimeUnit.NANOSECONDS.timedWait(this, left);
        }
      }
      if (lockAppeared && request.lockWait().isZero()) {
        return Acquisition.skipped(
            Outcome.BUSY, "lock '" + request.name() + "' appeared while waiting for leases");
      }
      return null;
    }
  }

  private Acquisition leaseTimeout(String waitingFor) {
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

  // ---------------------------------------------------------------- helpers

  private List<String> children(String dir, @Nullable Watcher watcher)
      throws KeeperException, InterruptedException {
    if (watcher == this) {
      watched.add(dir);
    }
    List<String> children = idempotent(() -> zk.getChildren(dir, watcher));
    return children == null ? new ArrayList<>() : new ArrayList<>(children);
  }

  private @Nullable Stat exists(String path, @Nullable Watcher watcher)
      throws KeeperException, InterruptedException {
    if (watcher == this) {
      watched.add(path);
    }
    return idempotent(() -> zk.exists(path, watcher));
  }

  /**
   * Removes this request's watches that have not fired, so that a request that ends (skipped,
   * granted, failed) leaves nothing registered: a periodic job that finds the lock busy would
   * otherwise add one watcher per run until the lock node changes.
   */
  void removeWatches() {
    for (String path : watched) {
      zk.removeWatches(path, this, Watcher.WatcherType.Any, true, (rc, p, ctx) -> {}, null);
    }
    watched.clear();
  }

  /** A ZooKeeper call that may be repeated. */
  @FunctionalInterface
  private interface Call<T> {
    @Nullable T call() throws KeeperException, InterruptedException;
  }

  /**
   * Runs a read or a delete, repeating it on connection loss while the session lives, up to the
   * operation timeout: a short disconnect must not cost a request its place in a queue. Creates are
   * never repeated this way (a repeated sequential create would leave a second node).
   */
  private <T> @Nullable T idempotent(Call<T> call) throws KeeperException, InterruptedException {
    long deadline = System.nanoTime() + engine.operationTimeout().toNanos();
    while (true) {
      try {
        return call.call();
      } catch (KeeperException.ConnectionLossException e) {
        if (!zk.getState().isAlive() || System.nanoTime() - deadline > 0) {
          throw e;
        }
        TimeUnit.MILLISECONDS.sleep(50); // back off while the client reconnects
      }
    }
  }

  private void delete(String path) throws KeeperException, InterruptedException {
    try {
      idempotent(
          () -> {
            zk.delete(path, -1);
            return null;
          });
    } catch (KeeperException.NoNodeException e) {
      // gone already
    }
    temporary.remove(path);
    engine.ownNodes().remove(path);
  }

  /**
   * Deletes every node this attempt created that is not part of a grant. Runs without blocking (the
   * thread may be interrupted); a delete that fails for connection loss is retried on this session
   * only.
   */
  void abandon() {
    for (String path : List.copyOf(temporary)) {
      long czxid = path.equals(lockPath) ? lockCzxid : -1;
      zk.delete(
          path,
          -1,
          (rc, p, ctx) -> {
            if (KeeperException.Code.get(rc) == KeeperException.Code.CONNECTIONLOSS) {
              engine.retryDeleteLater(zk, path, czxid);
            }
          },
          null);
    }
    for (String path : temporary) {
      engine.ownNodes().remove(path);
    }
    if (lockClaimed) {
      engine.lockClaims().remove(layout.lock(request.name()), this);
      lockClaimed = false;
    }
    temporary.clear();
    held.clear();
    lockPath = null;
    if (!suspectDirs.isEmpty()) {
      engine.sweepOrphans(zk, Set.copyOf(suspectDirs));
    }
  }
}
