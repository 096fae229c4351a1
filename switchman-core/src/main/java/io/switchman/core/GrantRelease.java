/*
 * Copyright 2026 the switchman authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package io.switchman.core;

import io.switchman.core.Grant.HeldLease;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeoutException;
import org.apache.zookeeper.KeeperException.Code;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.data.Stat;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The owner-checked release of one grant's nodes, on the handle of the session that created them:
 * lease nodes by path (their names are unique), the lock node only while it is provably the
 * grant's. A delete that fails for connection loss is retried on the same session only; the lock
 * claim is dropped once the lock node's fate is settled.
 */
final class GrantRelease {

  private static final Logger log = LoggerFactory.getLogger(GrantRelease.class);

  private final ZkGrant grant;
  private final ZkSession session;
  private final GrantRegistry registry;
  private final ZooKeeper zk;
  private final long sessionId;
  private final @Nullable String lockPath;
  private final long lockCzxid;
  private final List<HeldLease> leases;
  private boolean nodesTouched;

  GrantRelease(
      ZkGrant grant,
      ZkSession session,
      GrantRegistry registry,
      ZooKeeper zk,
      @Nullable String lockPath,
      long lockCzxid,
      List<HeldLease> leases) {
    this.grant = grant;
    this.session = session;
    this.registry = registry;
    this.zk = zk;
    this.sessionId = grant.sessionId();
    this.lockPath = lockPath;
    this.lockCzxid = lockCzxid;
    this.leases = leases;
  }

  /**
   * Deletes the nodes and waits up to the operation timeout for the answers.
   *
   * @param nodesTouched whether a watch saw an own node deleted or changed: the lock node's owner
   *     must then be read before it is deleted
   */
  void run(boolean nodesTouched) {
    this.nodesTouched = nodesTouched;
    List<CompletableFuture<Void>> deletes = new ArrayList<>();
    if (lockPath != null) {
      deletes.add(deleteLockNode(lockPath));
    }
    for (HeldLease l : leases) {
      deletes.add(deleteSequential(l.path()));
      session.ownNodeGone(l.path());
    }
    CompletableFuture<Void> all =
        CompletableFuture.allOf(deletes.toArray(CompletableFuture[]::new));
    try {
      session.awaitUninterruptibly(all);
    } catch (TimeoutException e) {
      log.warn(
          "Release of grant '{}' (fencing token {}) not confirmed within {} ms; its nodes will"
              + " go with the session if the retry fails",
          grant.name(),
          grant.fencingToken(),
          session.operationTimeout().toMillis());
    }
  }

  /**
   * Deletes the lock node only if it is still this grant's: the node was never seen deleted or
   * changed (our watch stands), or a fresh read shows our session and our czxid.
   */
  private CompletableFuture<Void> deleteLockNode(String path) {
    CompletableFuture<Void> done = new CompletableFuture<>();
    if (!nodesTouched) {
      zk.delete(
          path,
          0,
          (rc, p, ctx) -> {
            Code code = Code.get(rc);
            if (code == Code.BADVERSION) {
              checkedDelete(path, done);
            } else {
              finish(code, path, done);
            }
          },
          null);
    } else {
      checkedDelete(path, done);
    }
    return done;
  }

  private void checkedDelete(String path, CompletableFuture<Void> done) {
    // Read after a sync: a server behind the leader could show our node where another session's
    // now is (and our delete with its version would then remove that one).
    ZkSession.syncThenExists(
        zk,
        path,
        (rc, p, ctx, stat) -> {
          Code code = Code.get(rc);
          if (code != Code.OK || stat == null) {
            finish(code, path, done);
          } else if (stat.getEphemeralOwner() == 0) {
            log.info("Not deleting {}: it is an operator's pause (a persistent node)", path);
            settled(path);
            done.complete(null);
          } else if (!ours(stat)) {
            log.info(
                "Not deleting {}: it belongs to session 0x{} (czxid {}), not to this grant",
                path,
                Long.toHexString(stat.getEphemeralOwner()),
                stat.getCzxid());
            settled(path);
            done.complete(null);
          } else {
            zk.delete(
                path, stat.getVersion(), (rc2, p2, c2) -> finish(Code.get(rc2), path, done), null);
          }
        });
  }

  private boolean ours(Stat stat) {
    return stat.getEphemeralOwner() == sessionId && stat.getCzxid() == lockCzxid;
  }

  /** Sequential lease nodes have unique names: deleting by path on our own session is safe. */
  private CompletableFuture<Void> deleteSequential(String path) {
    CompletableFuture<Void> done = new CompletableFuture<>();
    zk.delete(path, -1, (rc, p, ctx) -> finish(Code.get(rc), path, done), null);
    return done;
  }

  private void finish(Code code, String path, CompletableFuture<Void> done) {
    switch (code) {
      // SESSIONMOVED is not done: the server refused the delete because the session had moved to
      // another server, and the node stayed; the retry below goes through the current connection.
      case OK, NONODE, SESSIONEXPIRED -> settled(path);
      case BADVERSION -> {
        log.info("Not deleting {}: it was replaced", path);
        settled(path);
      }
      default ->
          // Connection loss, session moved: the same session may still come back, or be reached
          // through another server; retry on this handle only.
          session.retryDeleteLater(zk, path, ownerCheckFor(path), () -> settled(path));
    }
    done.complete(null);
  }

  /** The node is deleted or provably not ours: this JVM's requests may take the lock again. */
  private void settled(String path) {
    if (path.equals(lockPath)) {
      registry.unclaim(path, grant);
    }
  }

  private long ownerCheckFor(String path) {
    return path.equals(lockPath) ? lockCzxid : -1;
  }
}
