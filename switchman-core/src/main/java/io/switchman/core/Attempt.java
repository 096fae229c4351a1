/*
 * Copyright 2026 the switchman authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package io.switchman.core;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.WatchedEvent;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.data.Stat;
import org.jspecify.annotations.Nullable;

/**
 * The seam between the queues ({@link LeaseQueue}, {@link LockQueue}) and ZooKeeper for one request
 * on one session handle: the calls (reads and deletes repeated on connection loss, creates never),
 * the nodes created that are not (yet) part of a grant, the directories where a lost reply may have
 * left one, the watches set and the wake-ups they give. As Curator's {@code LockInternals} is to
 * its lock recipes, minus the queue logic.
 */
final class Attempt implements Watcher {

  private volatile long syncSentNanos;
  private final ZooKeeper zk;
  private final ZkSession session;
  private final GrantRequest request;
  private final Layout layout;

  /** Nodes created so far that are not (yet) part of a grant. */
  private final List<String> temporary = new ArrayList<>();

  /** Directories where a create may have happened although its reply was lost. */
  private final Set<String> suspectDirs = new HashSet<>();

  /** Paths this request set a watch on; the watches are removed when it ends. */
  private final Set<String> watched = new HashSet<>();

  private long signals;
  private boolean lockAppeared;

  Attempt(ZooKeeper zk, ZkSession session, GrantRequest request) {
    this.zk = zk;
    this.session = session;
    this.request = request;
    this.layout = session.layout();
  }

  ZooKeeper zk() {
    return zk;
  }

  ZkSession session() {
    return session;
  }

  Layout layout() {
    return layout;
  }

  GrantRequest request() {
    return request;
  }

  // ---------------------------------------------------------------- waiting

  long signalCount() {
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
   * Waits for a watch to fire after {@code seen} or the lock node to appear, up to {@code deadline}
   * on the nano clock ({@link Long#MAX_VALUE}: no limit).
   *
   * @return false if the deadline passed first
   */
  boolean awaitSignalOrLock(long seen, long deadline) throws InterruptedException {
    synchronized (this) {
      while (signals == seen && !lockAppeared) {
        if (deadline == Long.MAX_VALUE) {
          wait();
        } else {
          long left = deadline - System.nanoTime();
          if (left <= 0) {
            return false;
          }
          TimeUnit.NANOSECONDS.timedWait(this, left);
        }
      }
      return true;
    }
  }

  /** Whether the lock node was created while this request waited. */
  boolean lockAppeared() {
    synchronized (this) {
      return lockAppeared;
    }
  }

  /** Waits up to {@code nanos} once, unless a watch fired after {@code seen}. */
  void awaitSignal(long seen, long nanos) throws InterruptedException {
    synchronized (this) {
      if (signals == seen) {
        TimeUnit.NANOSECONDS.timedWait(this, nanos);
      }
    }
  }

  // ---------------------------------------------------------------- calls

  /** The children of {@code dir}; {@code watch} sets this request's watch. */
  List<String> children(String dir, boolean watch) throws KeeperException, InterruptedException {
    Watcher watcher = watch ? this : null;
    if (watch) {
      watched.add(dir);
    }
    List<String> children = idempotent(() -> zk.getChildren(dir, watcher));
    return children == null ? new ArrayList<>() : new ArrayList<>(children);
  }

  /**
   * The node's stat, or null, read after a {@code sync}: the answer is no older than any write of
   * this session, even if the create's reply was lost and the client reconnected to a server that
   * is behind the leader. For deciding whether a create happened.
   */
  @Nullable Stat existsAfterSync(String path) throws KeeperException, InterruptedException {
    return idempotent(
        () -> {
          if (!zk.getState().isConnected()) {
            // A request made while disconnected is sent only once reconnected: wait, so that
            // the send time noted is (about) the real one, not seconds earlier.
            session().connectedZooKeeper();
          }
          syncSentNanos = System.nanoTime();
          zk.sync(path);
          return zk.exists(path, false);
        });
  }

  /**
   * When the {@code sync} of the last {@link #existsAfterSync} was sent (the attempt that
   * succeeded): a leader read, for the safety deadline.
   */
  long syncSentNanos() {
    return syncSentNanos;
  }

  /** The node's stat, or null; {@code watch} sets this request's watch. */
  @Nullable Stat exists(String path, boolean watch) throws KeeperException, InterruptedException {
    Watcher watcher = watch ? this : null;
    if (watch) {
      watched.add(path);
    }
    return idempotent(() -> zk.exists(path, watcher));
  }

  /**
   * The node's data (empty for none) and stat, or null; {@code watch} sets this request's watch.
   */
  byte @Nullable [] data(String path, boolean watch, Stat stat)
      throws KeeperException, InterruptedException {
    Watcher watcher = watch ? this : null;
    if (watch) {
      watched.add(path);
    }
    while (true) {
      try {
        byte[] b = idempotent(() -> zk.getData(path, watcher, stat));
        return b == null ? new byte[0] : b;
      } catch (KeeperException.NoNodeException e) {
        // getData sets no watch on a missing node: exists does (and sees a node created since)
        if (!watch || idempotent(() -> zk.exists(path, watcher)) == null) {
          return null;
        }
      }
    }
  }

  /**
   * Creates an ephemeral sequential node. When the reply is lost (connection loss), the node may
   * exist under a name nobody knows; its directory is swept for it when the request is abandoned,
   * so it cannot block a queue or hold capacity for the rest of the session.
   */
  String createSequential(String prefix, byte[] nodeData, Stat stat)
      throws KeeperException, InterruptedException {
    String dir = prefix.substring(0, prefix.lastIndexOf('/'));
    long ticket = session.createStarting(dir);
    try {
      String path =
          zk.create(prefix, nodeData, session.acl(), CreateMode.EPHEMERAL_SEQUENTIAL, stat);
      session.afterCreate.accept(path);
      created(path);
      return path;
    } catch (KeeperException.ConnectionLossException | InterruptedException e) {
      // The create may have happened although its reply never came.
      suspect(dir);
      throw e;
    } finally {
      session.createEnded(ticket); // after created(): the sweep then knows the node
    }
  }

  /** A sequential node this request created, to delete unless it becomes part of the grant. */
  void created(String path) {
    temporary.add(path);
    session.ownNodeCreated(path);
  }

  /** A node of this request that is not sequential (the lock node), to delete on abandon. */
  void createdLockNode(String path) {
    temporary.add(path);
  }

  /** A directory where a create may have happened although its reply was lost. */
  void suspect(String dir) {
    suspectDirs.add(dir);
  }

  /** Deletes a node of this request (gone already is fine). */
  void delete(String path) throws KeeperException, InterruptedException {
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
    session.ownNodeGone(path);
  }

  /** A ZooKeeper call that may be repeated. */
  @FunctionalInterface
  interface Call<T> {
    @Nullable T call() throws KeeperException, InterruptedException;
  }

  /**
   * Runs a read or a delete, repeating it on connection loss while the session lives, up to the
   * operation timeout: a short disconnect must not cost a request its place in a queue. Creates are
   * never repeated this way (a repeated sequential create would leave a second node).
   */
  <T> @Nullable T idempotent(Call<T> call) throws KeeperException, InterruptedException {
    long deadline = System.nanoTime() + session.operationTimeout().toNanos();
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

  // ---------------------------------------------------------------- the end

  /** The nodes created became the grant's: nothing to delete any more. */
  void keepAll() {
    temporary.clear();
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

  /**
   * Deletes every node this attempt created that is not part of a grant. Runs without blocking (the
   * thread may be interrupted); a delete that fails for connection loss is retried on this session
   * only, the lock node only while it is this session's with czxid {@code lockCzxid}; {@code
   * lockSettled} runs once the lock node is deleted or provably not ours.
   */
  void abandon(@Nullable String lockPath, long lockCzxid, Runnable lockSettled) {
    if (lockPath == null || !temporary.contains(lockPath)) {
      lockSettled.run(); // no lock node of this request to delete
    }
    for (String path : List.copyOf(temporary)) {
      if (path.equals(lockPath)) {
        // Owner-checked, through the leader, retried on connection loss; the request's claim of
        // the lock path ends only once the node is gone or provably not ours.
        session.retryDeleteNow(zk, path, lockCzxid, lockSettled);
        continue;
      }
      zk.delete(
          path,
          -1,
          (rc, p, ctx) -> {
            if (ZkSession.mayRetry(KeeperException.Code.get(rc))) {
              session.retryDeleteLater(zk, path, -1);
            }
          },
          null);
    }
    for (String path : temporary) {
      session.ownNodeGone(path);
    }
    temporary.clear();
    if (!suspectDirs.isEmpty()) {
      session.sweepOrphans(zk, Set.copyOf(suspectDirs));
    }
  }
}
