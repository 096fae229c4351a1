/*
 * Copyright 2026 the switchman authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package io.switchman.core;

import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.KeeperException.Code;
import org.apache.zookeeper.WatchedEvent;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.client.ZKClientConfig;
import org.apache.zookeeper.common.ZKConfig;
import org.apache.zookeeper.data.Stat;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The prefix znode's data, read once per session and then kept current by a watch, so that a
 * guarded run costs no read of it. Invalid data is kept as the error it gives, so requests fail
 * closed with that message until the data is fixed.
 */
final class ClusterDataCache implements Watcher {

  private static final Logger log = LoggerFactory.getLogger(ClusterDataCache.class);

  /**
   * What was read, on which session.
   *
   * @param sessionId the session whose watch keeps this current
   * @param data the parsed data, or {@link ClusterData#EMPTY} when invalid
   * @param error why the data is invalid, or null
   * @param readNumber order of the read that produced it; later reads win
   */
  record Snapshot(
      long sessionId, ClusterData data, @Nullable SwitchmanException error, long readNumber) {}

  private final ZkSession session;
  private final String znode;
  private volatile @Nullable Snapshot snapshot;
  private volatile Runnable onChange = () -> {};
  private long reads;

  ClusterDataCache(ZkSession session, String znode) {
    this.session = session;
    this.znode = znode;
  }

  /** Sets what to run after the data changed (the grant registry's group recheck). */
  void onChange(Runnable action) {
    this.onChange = action;
  }

  @Nullable Snapshot current() {
    return snapshot;
  }

  void invalidate() {
    snapshot = null;
  }

  /** The data, reading it when this session has not yet, or the error it gives. */
  ClusterData get(ZooKeeper zk) throws InterruptedException {
    Snapshot s = snapshot;
    if (s == null || s.sessionId() != zk.getSessionId()) {
      s = readNow(zk);
    }
    if (s.error() != null) {
      throw s.error();
    }
    return s.data();
  }

  private Snapshot readNow(ZooKeeper zk) throws InterruptedException {
    long n = nextRead();
    while (true) {
      try {
        Stat stat = new Stat();
        byte[] bytes = zk.getData(znode, this, stat);
        return apply(zk.getSessionId(), bytes, n);
      } catch (KeeperException.NoNodeException e) {
        try {
          if (zk.exists(znode, this) == null) {
            return apply(zk.getSessionId(), null, n);
          }
        } catch (KeeperException e2) {
          throw session.unavailable("reading the cluster data in " + znode, e2);
        }
      } catch (KeeperException.ConnectionLossException e) {
        Snapshot tooLarge = tooLarge(zk, n);
        if (tooLarge != null) {
          return tooLarge;
        }
        throw session.unavailable("reading the cluster data in " + znode, e);
      } catch (KeeperException e) {
        throw session.unavailable("reading the cluster data in " + znode, e);
      }
    }
  }

  /**
   * The znode's stat, read right after a connection loss: a request sent while the client is still
   * cleaning up the dropped connection fails with connection loss too, one sent once it reconnects
   * is answered, so a few attempts are made.
   */
  static @Nullable Stat statAfterConnectionLoss(ZooKeeper zk, String znode, @Nullable Watcher watch)
      throws KeeperException, InterruptedException {
    for (int attempt = 1; ; attempt++) {
      try {
        return watch == null ? zk.exists(znode, false) : zk.exists(znode, watch);
      } catch (KeeperException.ConnectionLossException e) {
        if (attempt >= 5) {
          throw e;
        }
      }
    }
  }

  /**
   * Why a znode of this {@code stat} cannot be read by this client ({@code it holds N bytes, too
   * large ...}), or null when its data fits the client's {@code jute.maxbuffer}.
   */
  static @Nullable String tooLargeProblem(ZooKeeper zk, Stat stat) {
    int limit =
        zk.getClientConfig()
            .getInt(ZKConfig.JUTE_MAXBUFFER, ZKClientConfig.CLIENT_MAX_PACKET_LENGTH_DEFAULT);
    if (stat.getDataLength() + REPLY_OVERHEAD <= limit) {
      return null;
    }
    return "it holds "
        + stat.getDataLength()
        + " bytes, too large for this ZooKeeper client, whose jute.maxbuffer allows replies of at"
        + " most "
        + limit
        + " bytes (Java system property jute.maxbuffer, default 1048575); write smaller cluster"
        + " data, or raise jute.maxbuffer on every client";
  }

  /** The bytes of a getData reply besides the data: reply header 16, data length 4, stat 68. */
  private static final int REPLY_OVERHEAD = 88;

  /**
   * After a connection loss while reading the data: whether the znode is larger than this client
   * accepts in a reply ({@code jute.maxbuffer}). The client then drops the connection on every
   * read, which would look like an unreachable ZooKeeper; it is invalid cluster data instead, kept
   * (with a watch, so that fixing the data is seen) until the data changes.
   */
  private @Nullable Snapshot tooLarge(ZooKeeper zk, long readNumber) throws InterruptedException {
    Stat stat;
    try {
      stat = statAfterConnectionLoss(zk, znode, this);
    } catch (KeeperException e) {
      return null;
    }
    String problem = stat == null ? null : tooLargeProblem(zk, stat);
    if (problem == null) {
      return null;
    }
    SwitchmanException e =
        new SwitchmanException(
            SwitchmanException.Kind.INVALID_CLUSTER_DATA,
            "Invalid cluster data in znode " + znode + ": " + problem);
    log.error("{}; guarded jobs are skipped until it is fixed", e.getMessage());
    Snapshot next = new Snapshot(zk.getSessionId(), ClusterData.EMPTY, e, readNumber);
    synchronized (this) {
      Snapshot prev = snapshot;
      if (prev != null && prev.sessionId() == next.sessionId() && prev.readNumber() > readNumber) {
        return prev;
      }
      snapshot = next;
    }
    return next;
  }

  private synchronized long nextRead() {
    return ++reads;
  }

  private Snapshot apply(long sessionId, byte @Nullable [] bytes, long readNumber) {
    Snapshot next;
    try {
      next = new Snapshot(sessionId, ClusterData.parse(znode, bytes), null, readNumber);
    } catch (SwitchmanException e) {
      log.error("{}; guarded jobs are skipped until it is fixed", e.getMessage());
      next = new Snapshot(sessionId, ClusterData.EMPTY, e, readNumber);
    }
    synchronized (this) {
      Snapshot prev = snapshot;
      if (prev != null && prev.sessionId() == sessionId && prev.readNumber() > readNumber) {
        return prev;
      }
      snapshot = next;
    }
    return next;
  }

  /** The watch on the prefix znode: re-read (and re-watch) on every change. */
  @Override
  public void process(WatchedEvent event) {
    if (event.getType() == Event.EventType.None) {
      return;
    }
    ZooKeeper zk;
    try {
      zk = session.connectedZooKeeperNow();
    } catch (RuntimeException e) {
      invalidate();
      return;
    }
    if (zk == null) {
      invalidate();
      return;
    }
    long n = nextRead();
    zk.getData(
        znode,
        this,
        (rc, path, ctx, data, stat) -> {
          Code code = Code.get(rc);
          if (code == Code.OK) {
            apply(zk.getSessionId(), data, n);
            onChange.run();
          } else if (code == Code.NONODE) {
            zk.exists(
                znode,
                this,
                (rc2, p2, c2, st2) -> {
                  if (Code.get(rc2) == Code.NONODE) {
                    apply(zk.getSessionId(), null, n);
                    onChange.run();
                  } else {
                    invalidate();
                  }
                },
                null);
          } else {
            invalidate();
          }
        },
        null);
  }
}
