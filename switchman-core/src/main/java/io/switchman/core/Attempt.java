/*
 * Copyright 2026 the switchman authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package io.switchman.core;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.CreateOptions;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.Op;
import org.apache.zookeeper.OpResult;
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

  /** Paths whose watch of this request fired (a fired watch needs no removal). */
  private final Set<String> fired = new HashSet<>();

  /** Directories with a child watch that our own create in them fires. */
  private final Set<String> firesOnCreate = new HashSet<>();

  /** Directories this request created a node in. */
  private final Set<String> createdIn = new HashSet<>();

  /**
   * The highest zxid of a child change of each directory that a watch of this request reported with
   * its zxid (a watch fired again when the client reconnects reports none).
   */
  private final Map<String, Long> childChanges = new HashMap<>();

  /** Paths this request saw deleted through its watches. */
  private final Set<String> deleted = new HashSet<>();

  /** Whether only watches that have not fired are removed at the end (the present protocol). */
  private boolean removeOnlyUnfired;

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
      String path = event.getPath();
      if (path != null
          && event.getType() == Event.EventType.NodeChildrenChanged
          && event.getZxid() != WatchedEvent.NO_ZXID) {
        childChanges.merge(path, event.getZxid(), Math::max);
      }
      if (path != null && event.getType() != Event.EventType.None) {
        fired.add(path);
        if (event.getType() == Event.EventType.NodeDeleted) {
          deleted.add(path);
        }
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

  /** Whether a watch of this request saw {@code path} deleted. */
  boolean sawDeleted(String path) {
    synchronized (this) {
      return deleted.contains(path);
    }
  }

  /** Whether a watch of this request on {@code path} fired; forgets it (a new watch may be set). */
  boolean takeFired(String path) {
    synchronized (this) {
      return fired.remove(path);
    }
  }

  /**
   * A directory whose child watch fires when this request creates a node in it; its watch needs no
   * removal once that node was created.
   */
  void firesOnOwnCreate(String dir) {
    synchronized (this) {
      firesOnCreate.add(dir);
    }
  }

  /** Remove only the watches that have not fired when the request ends. */
  void removeOnlyUnfiredWatches() {
    removeOnlyUnfired = true;
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
  /**
   * The children of {@code dir} with a child watch, and the zxid of the last change of its children
   * that the listing includes (the directory's pzxid), for {@link #childChangedAfter}.
   */
  Listing childrenWatched(String dir) throws KeeperException, InterruptedException {
    watched.add(dir);
    Stat stat = new Stat();
    List<String> children = idempotent(() -> zk.getChildren(dir, this, stat));
    return new Listing(children == null ? new ArrayList<>() : new ArrayList<>(children), stat);
  }

  /** A listing and the stat of its directory. */
  record Listing(List<String> children, Stat stat) {}

  /**
   * Whether a watch reported a change of {@code dir}'s children made after a listing that included
   * every change up to {@code pzxid}. A report without its zxid (a watch fired again on
   * reconnection, for a change the listing may include already) does not count.
   */
  boolean childChangedAfter(String dir, long pzxid) {
    synchronized (this) {
      Long zxid = childChanges.get(dir);
      return zxid != null && zxid > pzxid;
    }
  }

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
   * Sets this request's watch on {@code path} if it exists (a {@code getData}: unlike {@code
   * exists}, it leaves no watch for the node's creation when it is gone).
   *
   * @return whether it exists
   */
  boolean watchIfExists(String path) throws KeeperException, InterruptedException {
    watched.add(path);
    try {
      idempotent(() -> zk.getData(path, this, null));
      return true;
    } catch (KeeperException.NoNodeException e) {
      watched.remove(path);
      return false;
    }
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

  /**
   * Creates an ephemeral sequential node and deletes {@code deletes} (nodes of this request) in one
   * transaction: all of it happens or none. The lease protocol creates a lease node and releases
   * the semaphore mutex (and leaves the queues) this way: one request instead of two, the mutex
   * free the moment the lease exists, and no lease created once the mutex is no longer ours (its
   * delete fails, so the whole transaction does). A lost reply is handled as in {@link
   * #createSequential}; the deleted nodes stay this request's until the transaction is known to
   * have happened, so an abandoned request deletes them (gone already is fine).
   *
   * @return the created path and its stat (its czxid is the fencing token)
   */
  Created createSequentialDeleting(String prefix, byte[] nodeData, List<String> deletes)
      throws KeeperException, InterruptedException {
    String dir = prefix.substring(0, prefix.lastIndexOf('/'));
    List<Op> ops = new ArrayList<>();
    // CreateOptions makes it a create2 inside the transaction: its result carries the stat.
    ops.add(
        Op.create(
            prefix,
            nodeData,
            CreateOptions.newBuilder(session.acl(), CreateMode.EPHEMERAL_SEQUENTIAL).build()));
    for (String path : deletes) {
      ops.add(Op.delete(path, -1));
    }
    long ticket = session.createStarting(dir);
    try {
      List<OpResult> results;
      try {
        results = zk.multi(ops);
      } catch (KeeperException.ConnectionLossException | InterruptedException e) {
        suspect(dir); // the transaction may have happened although its reply never came
        throw e;
      }
      OpResult.CreateResult create = (OpResult.CreateResult) results.get(0);
      String path = create.getPath();
      Stat stat = create.getStat();
      if (stat == null) {
        throw new IllegalStateException("the server returned no stat for the create of " + path);
      }
      session.afterCreate.accept(path);
      created(path);
      for (String gone : deletes) {
        temporary.remove(gone);
        session.ownNodeGone(gone);
      }
      return new Created(path, stat);
    } finally {
      session.createEnded(ticket); // after created(): the sweep then knows the node
    }
  }

  /** A created node and its stat. */
  record Created(String path, Stat stat) {}

  /**
   * The children of each of {@code dirs} in one request ({@code multiRead}, no watches); a missing
   * directory reads as empty.
   */
  List<List<String>> childrenOf(List<String> dirs) throws KeeperException, InterruptedException {
    List<Op> reads = new ArrayList<>();
    for (String d : dirs) {
      reads.add(Op.getChildren(d));
    }
    List<OpResult> results = idempotent(() -> zk.multi(reads));
    return childLists(results == null ? List.of() : results, dirs);
  }

  private static List<List<String>> childLists(List<OpResult> results, List<String> dirs)
      throws KeeperException {
    List<List<String>> out = new ArrayList<>();
    for (int i = 0; i < dirs.size(); i++) {
      OpResult r = i < results.size() ? results.get(i) : null;
      if (r instanceof OpResult.GetChildrenResult c) {
        out.add(new ArrayList<>(c.getChildren()));
      } else if (r instanceof OpResult.ErrorResult e
          && KeeperException.Code.get(e.getErr()) == KeeperException.Code.NONODE) {
        out.add(new ArrayList<>());
      } else if (r instanceof OpResult.ErrorResult e) {
        throw KeeperException.create(KeeperException.Code.get(e.getErr()), dirs.get(i));
      } else {
        throw new KeeperException.SystemErrorException();
      }
    }
    return out;
  }

  /**
   * Creates an ephemeral sequential node and sends one {@code multiRead} of the children of {@code
   * dirs} right behind it, without waiting for the create's reply: the session runs them in order,
   * so the listings include the new node. One round trip instead of two. A lost create reply is
   * handled as in {@link #createSequential}; a lost read reply is read again.
   *
   * @return the created path, then the listings in the order of {@code dirs}
   */
  CreatedAndListed createSequentialThenList(String prefix, byte[] nodeData, List<String> dirs)
      throws KeeperException, InterruptedException {
    String dir = prefix.substring(0, prefix.lastIndexOf('/'));
    CreatedAllAndListed done =
        writeThenList(
            created ->
                zk.create(
                    prefix,
                    nodeData,
                    session.acl(),
                    CreateMode.EPHEMERAL_SEQUENTIAL,
                    (rc, p, ctx, name) -> complete(created, rc, rc == 0 ? List.of(name) : null, p),
                    null),
            List.of(dir),
            dirs);
    return new CreatedAndListed(done.paths().get(0), done.listings());
  }

  /**
   * Creates ephemeral sequential nodes in one transaction ({@code creates}, one per directory of
   * {@code createDirs}) and lists {@code listDirs} in the same round trip, as {@link
   * #createSequentialThenList} does for one node (each directory is suspect if the reply is lost).
   *
   * @return the created paths in the order of {@code creates}, then the listings
   */
  CreatedAllAndListed createAllThenList(
      List<Op> creates, List<String> createDirs, List<String> listDirs)
      throws KeeperException, InterruptedException {
    return writeThenList(
        created ->
            zk.multi(
                creates,
                (rc, p, ctx, results) -> {
                  List<String> paths = null;
                  if (rc == 0 && results != null) {
                    paths = new ArrayList<>();
                    for (OpResult r : results) {
                      paths.add(((OpResult.CreateResult) r).getPath());
                    }
                  }
                  complete(created, rc, paths, p);
                },
                null),
        createDirs,
        listDirs);
  }

  /**
   * The one body of the two above: sends the write ({@code send} completes its future with the
   * created paths) and a {@code multiRead} of {@code listDirs} right behind it; records the created
   * nodes for the orphan sweep (tickets of {@code createDirs}), marks the directories suspect when
   * the write's reply is lost, and reads again when the listing's reply is lost.
   */
  private CreatedAllAndListed writeThenList(
      Consumer<CompletableFuture<List<String>>> send,
      List<String> createDirs,
      List<String> listDirs)
      throws KeeperException, InterruptedException {
    List<Op> reads = new ArrayList<>();
    for (String d : listDirs) {
      reads.add(Op.getChildren(d));
    }
    CompletableFuture<List<String>> created = new CompletableFuture<>();
    CompletableFuture<List<OpResult>> listed = new CompletableFuture<>();
    List<Long> tickets = new ArrayList<>();
    for (String d : createDirs) {
      tickets.add(session.createStarting(d));
    }
    try {
      send.accept(created);
      zk.multi(reads, (rc, p, ctx, results) -> complete(listed, rc, results, p), null);
      List<String> paths;
      try {
        paths = created.get();
      } catch (ExecutionException e) {
        if (e.getCause() instanceof KeeperException.ConnectionLossException) {
          createDirs.forEach(this::suspect); // it may have happened although its reply never came
        } else if (e.getCause() instanceof KeeperException.NoNodeException) {
          createDirs.forEach(session::forgetParents);
        }
        throw rethrow(e);
      } catch (InterruptedException e) {
        createDirs.forEach(this::suspect);
        throw e;
      }
      for (String path : paths) {
        session.afterCreate.accept(path);
        created(path);
      }
      List<OpResult> listings;
      try {
        listings = listed.get();
      } catch (ExecutionException e) {
        if (e.getCause() instanceof KeeperException.ConnectionLossException) {
          return new CreatedAllAndListed(paths, childrenOf(listDirs)); // after the creates
        }
        throw rethrow(e);
      }
      return new CreatedAllAndListed(paths, childLists(listings, listDirs));
    } finally {
      tickets.forEach(session::createEnded); // after created(): the sweep then knows the nodes
    }
  }

  private static <T> void complete(
      CompletableFuture<T> future, int rc, @Nullable T result, String path) {
    if (rc == 0 && result != null) {
      future.complete(result);
    } else {
      future.completeExceptionally(KeeperException.create(KeeperException.Code.get(rc), path));
    }
  }

  /** Nodes created in one transaction and the listings read right behind it. */
  record CreatedAllAndListed(List<String> paths, List<List<String>> listings) {}

  /** A created node and the listings read right behind its create. */
  record CreatedAndListed(String path, List<List<String>> listings) {}

  private static KeeperException rethrow(ExecutionException e) {
    if (e.getCause() instanceof KeeperException k) {
      return k;
    }
    if (e.getCause() instanceof RuntimeException r) {
      throw r;
    }
    throw new IllegalStateException(e.getCause());
  }

  /**
   * Deletes nodes of this request in one transaction without waiting for the reply (the session
   * runs later requests after it). If the transaction fails (a node gone already), each is deleted
   * on its own; a delete lost to a connection loss is retried on this session.
   */
  void deleteAllLater(List<String> paths) {
    for (String path : paths) {
      temporary.remove(path);
    }
    if (paths.size() == 1) {
      deleteLater(paths.get(0));
      return;
    }
    List<Op> ops = new ArrayList<>();
    for (String path : paths) {
      ops.add(Op.delete(path, -1));
    }
    zk.multi(
        ops,
        (rc, p, ctx, results) -> {
          if (rc != 0) {
            paths.forEach(this::deleteLater);
          } else {
            paths.forEach(session::ownNodeGone);
          }
        },
        null);
  }

  private void deleteLater(String path) {
    temporary.remove(path);
    zk.delete(
        path,
        -1,
        (rc, p, ctx) -> {
          if (ZkSession.mayRetry(KeeperException.Code.get(rc))) {
            session.retryDeleteLater(zk, path, -1);
          } else {
            session.ownNodeGone(path);
          }
        },
        null);
  }

  /** A sequential node this request created, to delete unless it becomes part of the grant. */
  void created(String path) {
    synchronized (this) {
      createdIn.add(path.substring(0, path.lastIndexOf('/')));
    }
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

  /** A node of this request that someone else deleted: nothing to delete for it any more. */
  void goneAlready(String path) {
    temporary.remove(path);
    session.ownNodeGone(path);
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
      if (removeOnlyUnfired) {
        synchronized (this) {
          if (fired.contains(path) || (firesOnCreate.contains(path) && createdIn.contains(path))) {
            continue; // a fired watch is gone already: no request to remove it
          }
        }
      }
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
