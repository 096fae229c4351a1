/*
 * Copyright 2026 the switchman authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package io.switchman.core;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.curator.framework.CuratorFramework;
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

  private volatile boolean closed;

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
      zk.getChildren(
          dir,
          false,
          (rc, p, ctx, children) -> {
            Code code = Code.get(rc);
            if (code == Code.CONNECTIONLOSS) {
              sweepOrphans(zk, Set.of(dir));
              return;
            }
            if (code != Code.OK) {
              return;
            }
            for (String child : children) {
              String path = dir + "/" + child;
              if (!ownNodes.contains(path)) {
                deleteIfOrphan(zk, path);
              }
            }
          },
          null);
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
                  if (Code.get(rc2) == Code.CONNECTIONLOSS) {
                    retryDeleteLater(zk, path, -1);
                  }
                },
                null);
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

  private void deleteIfOurs(ZooKeeper zk, String path, long czxid, Runnable done) {
    zk.exists(
        path,
        false,
        (rc, p, ctx, stat) -> {
          Code code = Code.get(rc);
          if (code == Code.CONNECTIONLOSS) {
            retryDeleteLater(zk, path, czxid, done);
          } else if (code == Code.OK
              && stat.getEphemeralOwner() == zk.getSessionId()
              && (czxid < 0 || stat.getCzxid() == czxid)) {
            zk.delete(
                path,
                stat.getVersion(),
                (rc2, p2, c2) -> {
                  if (Code.get(rc2) == Code.CONNECTIONLOSS) {
                    retryDeleteLater(zk, path, czxid, done);
                  } else {
                    done.run();
                  }
                },
                null);
          } else {
            done.run();
          }
        },
        null);
  }
}
