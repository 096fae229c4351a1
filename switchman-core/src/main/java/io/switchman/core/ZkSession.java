/*
 * Copyright 2026 the switchman authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package io.switchman.core;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.apache.curator.framework.CuratorFramework;
import org.apache.zookeeper.AsyncCallback;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.KeeperException.Code;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.data.ACL;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The engine's access to ZooKeeper through one Curator client: the connected session handle, the
 * "unavailable" errors, the persistent parents, the ephemeral nodes this engine created and has not
 * deleted yet (own nodes), and the background clean-up of this session's nodes (delete retries and
 * the orphan sweep), always on the handle of the session that created them.
 */
final class ZkSession {

  private static final Logger log = LoggerFactory.getLogger(ZkSession.class);
  private static final byte[] EMPTY = new byte[0];

  private final CuratorFramework client;
  private final Layout layout;
  private final List<ACL> acl;
  private final Duration operationTimeout;
  private final byte[] holderData;
  private final ScheduledExecutorService background;
  private final Set<String> ensuredParents = ConcurrentHashMap.newKeySet();

  /** Ephemeral sequential nodes this engine created and has not deleted yet. */
  private final Set<String> ownNodes = ConcurrentHashMap.newKeySet();

  /**
   * Creates of sequential nodes in progress (sent, or about to be sent, and not yet recorded in
   * {@link #ownNodes} or failed), by ticket, with their directory. The orphan sweep waits for those
   * that were in progress when it listed a directory before it calls a node of that directory an
   * orphan: such a node may be one whose request has not recorded it yet.
   */
  private final ConcurrentHashMap<Long, String> creating = new ConcurrentHashMap<>();

  private final AtomicLong tickets = new AtomicLong();

  private volatile boolean closed;

  /**
   * Test seam: called with the path of every node a request created, after the create returned and
   * before the request records the node as its own.
   */
  volatile Consumer<String> afterCreate = path -> {};

  /** Test seam: how many directory listings of the orphan sweep have been handled. */
  final AtomicLong sweepListings = new AtomicLong();

  /**
   * @param background the thread that runs retries and sweeps (the safety monitor's)
   */
  ZkSession(
      CuratorFramework client,
      Layout layout,
      List<ACL> acl,
      Duration operationTimeout,
      HostFacts host,
      ScheduledExecutorService background) {
    this.client = client;
    this.layout = layout;
    this.acl = acl;
    this.operationTimeout = operationTimeout;
    this.holderData =
        (host.fqdn() + " " + ProcessHandle.current().pid()).getBytes(StandardCharsets.UTF_8);
    this.background = background;
  }

  CuratorFramework client() {
    return client;
  }

  Layout layout() {
    return layout;
  }

  List<ACL> acl() {
    return acl;
  }

  Duration operationTimeout() {
    return operationTimeout;
  }

  /** The data of every node a request creates: {@code "<fqdn> <pid>"}, as switchman. */
  byte[] holderData() {
    return holderData;
  }

  boolean isClosed() {
    return closed;
  }

  /** Refuses new requests and background work from now on. */
  void close() {
    closed = true;
  }

  // ---------------------------------------------------------------- the handle

  /** The handle of a connected session, waiting up to the operation timeout for one. */
  ZooKeeper connectedZooKeeper() throws InterruptedException {
    if (closed) {
      throw new SwitchmanException(
          SwitchmanException.Kind.CLOSED, "The switchman engine is closed");
    }
    try {
      if (!client.getZookeeperClient().isConnected()
          && !client.blockUntilConnected(
              (int) operationTimeout.toMillis(), TimeUnit.MILLISECONDS)) {
        throw SwitchmanException.unreachable(
            client.getZookeeperClient().getCurrentConnectionString(), operationTimeout);
      }
      return client.getZookeeperClient().getZooKeeper();
    } catch (InterruptedException | SwitchmanException e) {
      throw e;
    } catch (Exception e) {
      throw unavailable("while connecting", e);
    }
  }

  /** The current handle if connected now, without waiting; else null. */
  @Nullable ZooKeeper connectedZooKeeperNow() {
    if (closed || !client.getZookeeperClient().isConnected()) {
      return null;
    }
    try {
      return client.getZookeeperClient().getZooKeeper();
    } catch (Exception e) {
      return null;
    }
  }

  /** The session timeout the server granted, or 0 while never connected. */
  int negotiatedSessionTimeoutMs() {
    return client.getZookeeperClient().getLastNegotiatedSessionTimeoutMs();
  }

  /** The current session's id, or 0 when not connected. */
  long sessionId() {
    try {
      return client.getZookeeperClient().isConnected()
          ? client.getZookeeperClient().getZooKeeper().getSessionId()
          : 0;
    } catch (Exception e) {
      return 0;
    }
  }

  boolean isConnected() {
    return client.getZookeeperClient().isConnected();
  }

  /** A ZooKeeper failure {@code when} doing something, as an UNAVAILABLE error. */
  SwitchmanException unavailable(String when, Exception e) {
    String what =
        e instanceof KeeperException ke
            ? ke.code() + (ke.getPath() != null ? " on " + ke.getPath() : "")
            : e.toString();
    return new SwitchmanException(
        SwitchmanException.Kind.UNAVAILABLE,
        "ZooKeeper at "
            + client.getZookeeperClient().getCurrentConnectionString()
            + " failed "
            + when
            + ": "
            + what,
        e);
  }

  /** Waits for {@code future} up to the operation timeout, keeping an interrupt for later. */
  <T> T awaitUninterruptibly(CompletableFuture<T> future) throws TimeoutException {
    boolean interrupted = false;
    long deadline = System.nanoTime() + operationTimeout.toNanos();
    try {
      while (true) {
        try {
          return future.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
          interrupted = true;
        } catch (ExecutionException e) {
          throw new IllegalStateException(e.getCause());
        }
      }
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  // ---------------------------------------------------------------- parents

  /** Creates the persistent parents of {@code path} (switchman never deletes them). */
  void ensureParents(ZooKeeper zk, String dir) throws KeeperException, InterruptedException {
    if (ensuredParents.contains(dir)) {
      return;
    }
    mkdirs(zk, dir);
    ensuredParents.add(dir);
  }

  void forgetParents(String dir) {
    ensuredParents.remove(dir);
  }

  /** A parent was removed (an operator's clean-up): create the parents again next time. */
  void forgetAllParents() {
    ensuredParents.clear();
  }

  void mkdirs(ZooKeeper zk, String dir) throws KeeperException, InterruptedException {
    if (zk.exists(dir, false) != null) {
      return;
    }
    int slash = dir.lastIndexOf('/');
    if (slash > 0) {
      mkdirs(zk, dir.substring(0, slash));
    }
    try {
      zk.create(dir, EMPTY, acl, CreateMode.PERSISTENT);
    } catch (KeeperException.NodeExistsException e) {
      // created concurrently: fine
    }
  }

  /**
   * Writes {@code data} into the persistent node {@code path}, creating it and its parents if
   * missing.
   */
  void writePersistent(ZooKeeper zk, String path, byte[] data) throws InterruptedException {
    try {
      try {
        zk.setData(path, data, -1);
      } catch (KeeperException.NoNodeException e) {
        int slash = path.lastIndexOf('/');
        if (slash > 0) {
          mkdirs(zk, path.substring(0, slash));
        }
        try {
          zk.create(path, data, acl, CreateMode.PERSISTENT);
        } catch (KeeperException.NodeExistsException race) {
          zk.setData(path, data, -1);
        }
      }
    } catch (KeeperException e) {
      throw unavailable("writing the cluster data to " + path, e);
    }
  }

  // ---------------------------------------------------------------- own nodes and clean-up

  /** Records a node this engine created. */
  void ownNodeCreated(String path) {
    ownNodes.add(path);
  }

  /**
   * Announces a create of a sequential node in {@code dir}, before it is sent; {@link #createEnded}
   * with the ticket after the request recorded the node ({@link #ownNodeCreated}) or the create
   * failed. Until then the orphan sweep keeps every unknown node of {@code dir}.
   */
  long createStarting(String dir) {
    long ticket = tickets.incrementAndGet();
    creating.put(ticket, dir);
    return ticket;
  }

  void createEnded(long ticket) {
    creating.remove(ticket);
  }

  private Set<Long> createsIn(String dir) {
    Set<Long> out = new java.util.HashSet<>();
    creating.forEach(
        (ticket, d) -> {
          if (d.equals(dir)) {
            out.add(ticket);
          }
        });
    return out;
  }

  /** Forgets a node this engine deleted (or handed to the session's end). */
  void ownNodeGone(String path) {
    ownNodes.remove(path);
  }

  /**
   * Deletes, in {@code dirs}, the nodes of this session that no request of this engine knows: a
   * create whose reply was lost to a connection loss may have left one, which would otherwise block
   * a queue or hold capacity for as long as the session lives. Runs in the background once the
   * session is reachable again, and gives up when it has ended (its nodes are gone then). Replies
   * come in request order on a session, so a node listed here was either known to its request by
   * then or is an orphan.
   */
  void sweepOrphans(ZooKeeper zk, Set<String> dirs) {
    if (closed || !zk.getState().isAlive()) {
      return;
    }
    try {
      background.schedule(() -> sweepNow(zk, dirs), 200, TimeUnit.MILLISECONDS);
    } catch (RejectedExecutionException e) {
      // engine closing: the nodes go with the session
    }
  }

  private void sweepNow(ZooKeeper zk, Set<String> dirs) {
    for (String dir : dirs) {
      // sync first: after a reconnect to another server, a plain listing may not show yet a node
      // whose create reply was lost (a follower behind the leader).
      zk.sync(
          dir,
          (rc0, p0, c0) -> {
            if (Code.get(rc0) == Code.CONNECTIONLOSS) {
              sweepOrphans(zk, Set.of(dir));
              return;
            }
            if (Code.get(rc0) != Code.OK) {
              return;
            }
            zk.getChildren(
                dir,
                false,
                (rc, p, ctx, children) -> {
                  Code code = Code.get(rc);
                  if (code == Code.CONNECTIONLOSS) {
                    sweepOrphans(zk, Set.of(dir));
                    return;
                  }
                  if (code == Code.OK) {
                    // Creates in progress now were sent before this listing or not at all: a
                    // listed node that no request knows may be one of theirs, not recorded yet.
                    Set<Long> inProgress = createsIn(dir);
                    List<String> unknown = new ArrayList<>();
                    for (String child : children) {
                      String path = dir + "/" + child;
                      if (!ownNodes.contains(path)) {
                        unknown.add(path);
                      }
                    }
                    decide(zk, unknown, inProgress);
                  }
                  sweepListings.incrementAndGet();
                },
                null);
          },
          null);
    }
  }

  /**
   * Deletes the listed unknown nodes that are still unknown once every create that was in progress
   * at the listing has ended (recorded its node, or failed).
   */
  private void decide(ZooKeeper zk, List<String> unknown, Set<Long> inProgress) {
    if (unknown.isEmpty() || closed || !zk.getState().isAlive()) {
      return;
    }
    inProgress.removeIf(ticket -> !creating.containsKey(ticket));
    if (!inProgress.isEmpty()) {
      try {
        background.schedule(() -> decide(zk, unknown, inProgress), 50, TimeUnit.MILLISECONDS);
      } catch (RejectedExecutionException e) {
        // engine closing: the nodes go with the session
      }
      return;
    }
    for (String path : unknown) {
      if (!ownNodes.contains(path)) {
        deleteIfOrphan(zk, path);
      }
    }
  }

  private void deleteIfOrphan(ZooKeeper zk, String path) {
    zk.exists(
        path,
        false,
        (rc, p, c, stat) -> {
          if (Code.get(rc) == Code.OK
              && stat.getEphemeralOwner() == zk.getSessionId()
              && !ownNodes.contains(path)) {
            log.info("Deleting {}: a create whose reply was lost left it behind", path);
            zk.delete(
                path,
                -1,
                (rc2, p2, c2) -> {
                  if (mayRetry(Code.get(rc2))) {
                    retryDeleteLater(zk, path, -1);
                  }
                },
                null);
          }
        },
        null);
  }

  /**
   * Whether a delete that failed with {@code code} may not have happened and must be tried again on
   * the same handle: connection loss, or the session moved to another server (the server then
   * refused the request; the node stayed).
   */
  static boolean mayRetry(Code code) {
    return code == Code.CONNECTIONLOSS
        || code == Code.SESSIONMOVED
        || code == Code.OPERATIONTIMEOUT;
  }

  /**
   * Reads {@code path}'s stat after a {@code sync}, so that the answer is no older than any write
   * this session made before (the server the client is connected to may be behind the leader, for
   * instance after a reconnect to another server while a create's reply was lost). The callback
   * gets the sync's code if the sync failed.
   */
  static void syncThenExists(ZooKeeper zk, String path, AsyncCallback.StatCallback cb) {
    zk.sync(
        path,
        (rc, p, ctx) -> {
          if (Code.get(rc) != Code.OK) {
            cb.processResult(rc, path, null, null);
          } else {
            zk.exists(path, false, cb, null);
          }
        },
        null);
  }

  /**
   * Retries a delete that failed with connection loss, on the same session handle only, until it
   * succeeds or the session ends. {@code czxid >= 0} requires the node to be ours first.
   */
  void retryDeleteLater(ZooKeeper zk, String path, long czxid) {
    retryDeleteLater(zk, path, czxid, () -> {});
  }

  /**
   * As {@link #retryDeleteLater(ZooKeeper, String, long)}; {@code czxid} -2 deletes the node only
   * if it is this session's, whatever its czxid. {@code done} runs once the question is settled
   * (deleted, gone, not ours, or the session ended).
   */
  void retryDeleteLater(ZooKeeper zk, String path, long czxid, Runnable done) {
    if (closed || !zk.getState().isAlive()) {
      done.run();
      return;
    }
    try {
      background.schedule(() -> deleteIfOurs(zk, path, czxid, done), 500, TimeUnit.MILLISECONDS);
    } catch (RejectedExecutionException e) {
      done.run(); // engine closing: the nodes go with the session
    }
  }

  /**
   * As {@link #retryDeleteLater(ZooKeeper, String, long, Runnable)}, but tries at once: an
   * owner-checked delete (read after {@code sync}) that is retried until settled.
   */
  void retryDeleteNow(ZooKeeper zk, String path, long czxid, Runnable done) {
    if (closed || !zk.getState().isAlive()) {
      done.run();
      return;
    }
    deleteIfOurs(zk, path, czxid, done);
  }

  private void deleteIfOurs(ZooKeeper zk, String path, long czxid, Runnable done) {
    syncThenExists(
        zk,
        path,
        (rc, p, ctx, stat) -> {
          Code code = Code.get(rc);
          if (mayRetry(code)) {
            retryDeleteLater(zk, path, czxid, done);
          } else if (code == Code.OK
              && stat != null
              && stat.getEphemeralOwner() == zk.getSessionId()
              && (czxid < 0 || stat.getCzxid() == czxid)) {
            zk.delete(
                path,
                stat.getVersion(),
                (rc2, p2, c2) -> {
                  if (mayRetry(Code.get(rc2))) {
                    retryDeleteLater(zk, path, czxid, done);
                  } else {
                    done.run();
                  }
                },
                null);
          } else {
            done.run();
          }
        });
  }
}
