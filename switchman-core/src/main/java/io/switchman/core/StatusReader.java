/*
 * Copyright 2026 the switchman authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package io.switchman.core;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.KeeperException.Code;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.data.Stat;
import org.jspecify.annotations.Nullable;

/**
 * Reads a {@link ClusterStatus}; nodes vanishing while it reads are skipped. The reads are
 * pipelined (asynchronous calls, at most {@link #IN_FLIGHT} awaiting their replies): the top-level
 * directories, then every queue, lease and waiter directory, then the data of every node, so a
 * fleet of thousands of nodes costs a few round trips instead of one per node.
 */
final class StatusReader {

  /** The most reads awaiting their replies at once. */
  static final int IN_FLIGHT = 512;

  private final ZooKeeper zk;

  private StatusReader(ZooKeeper zk) {
    this.zk = zk;
  }

  /** A node's data and stat, or null when it vanished. */
  private record Node(String data, Stat stat) {}

  static ClusterStatus read(ZooKeeper zk, Layout layout, List<Grant> own)
      throws KeeperException, InterruptedException {
    StatusReader r = new StatusReader(zk);
    List<String> tops =
        List.of(layout.locksDir(), layout.queuesDir(), layout.semaphoresDir(), layout.waitersDir());
    Map<String, List<String>> top = r.childrenAll(tops);
    List<String> lockNames = sortedCopy(top.get(layout.locksDir()));
    List<String> queueRes = sortedCopy(top.get(layout.queuesDir()));
    List<String> leaseRes = sortedCopy(top.get(layout.semaphoresDir()));
    List<String> waiterNames = sortedCopy(top.get(layout.waitersDir()));
    List<String> dirs = new ArrayList<>();
    queueRes.forEach(res -> dirs.add(layout.queue(res)));
    leaseRes.forEach(res -> dirs.add(layout.leases(res)));
    waiterNames.forEach(name -> dirs.add(layout.waiters(name)));
    Map<String, List<String>> lists = r.childrenAll(dirs);
    List<String> paths = new ArrayList<>();
    lockNames.forEach(name -> paths.add(layout.lock(name)));
    for (String dir : dirs) {
      for (String child : Layout.sorted(lists.getOrDefault(dir, new ArrayList<>()))) {
        paths.add(dir + "/" + child);
      }
    }
    Map<String, @Nullable Node> nodes = r.dataAll(paths);

    List<ClusterStatus.LockInfo> locks = new ArrayList<>();
    for (String name : lockNames) {
      Node n = nodes.get(layout.lock(name));
      if (n != null) {
        Instant since = Instant.ofEpochMilli(n.stat().getCtime());
        locks.add(
            new ClusterStatus.LockInfo(
                name,
                n.data(),
                since,
                n.stat().getCzxid(),
                n.stat().getEphemeralOwner(),
                n.stat().getEphemeralOwner() == 0 ? Pause.parse(n.data(), since) : null));
      }
    }
    Map<String, List<ClusterStatus.QueueEntry>> queues = new LinkedHashMap<>();
    for (String res : queueRes) {
      String dir = layout.queue(res);
      List<ClusterStatus.QueueEntry> entries = queue(dir, lists.get(dir), nodes);
      if (!entries.isEmpty()) {
        queues.put(res, entries);
      }
    }
    Map<String, List<ClusterStatus.LeaseInfo>> leases = new LinkedHashMap<>();
    for (String res : leaseRes) {
      String dir = layout.leases(res);
      List<ClusterStatus.LeaseInfo> list = new ArrayList<>();
      for (String child : lists.getOrDefault(dir, List.of())) {
        Layout.LeaseName ln = Layout.LeaseName.parse(child);
        Node n = nodes.get(dir + "/" + child);
        if (ln != null && n != null) {
          list.add(
              new ClusterStatus.LeaseInfo(
                  child,
                  ln.amount(),
                  ln.capacity(),
                  n.data(),
                  Instant.ofEpochMilli(n.stat().getCtime()),
                  n.stat().getCzxid()));
        }
      }
      if (!list.isEmpty()) {
        leases.put(res, list);
      }
    }
    Map<String, List<ClusterStatus.QueueEntry>> waiters = new LinkedHashMap<>();
    for (String name : waiterNames) {
      String dir = layout.waiters(name);
      List<ClusterStatus.QueueEntry> entries = queue(dir, lists.get(dir), nodes);
      if (!entries.isEmpty()) {
        waiters.put(name, entries);
      }
    }
    String data;
    try {
      data = r.data(layout.prefix(), new Stat());
    } catch (KeeperException.ConnectionLossException e) {
      // a znode above jute.maxbuffer drops the connection: say so instead of "unreachable"
      Stat stat = ClusterDataCache.statAfterConnectionLoss(zk, layout.prefix(), null);
      String problem = stat == null ? null : ClusterDataCache.tooLargeProblem(zk, stat);
      if (problem == null) {
        throw e;
      }
      data = "(not shown: " + problem + ")";
    }
    List<ClusterStatus.GrantInfo> grants = own.stream().map(ClusterStatus.GrantInfo::of).toList();
    return new ClusterStatus(layout.prefix(), locks, queues, leases, waiters, data, grants);
  }

  private @Nullable String data(String path, Stat stat)
      throws KeeperException, InterruptedException {
    try {
      byte[] b = zk.getData(path, false, stat);
      return b == null ? "" : new String(b, StandardCharsets.UTF_8);
    } catch (KeeperException.NoNodeException e) {
      return null;
    }
  }

  private static List<String> sortedCopy(@Nullable List<String> children) {
    List<String> c = children == null ? new ArrayList<>() : new ArrayList<>(children);
    c.sort(null);
    return c;
  }

  private static List<ClusterStatus.QueueEntry> queue(
      String dir, @Nullable List<String> children, Map<String, @Nullable Node> nodes) {
    List<ClusterStatus.QueueEntry> entries = new ArrayList<>();
    if (children == null) {
      return entries;
    }
    for (String child : children) { // sorted by sequence already
      Node n = nodes.get(dir + "/" + child);
      if (n != null) {
        String name = Layout.queuedName(child);
        entries.add(
            new ClusterStatus.QueueEntry(
                child,
                name != null ? name : child,
                Layout.sequenceOf(child),
                n.data(),
                Instant.ofEpochMilli(n.stat().getCtime())));
      }
    }
    return entries;
  }

  /** The children of each directory (a missing one: empty), read pipelined. */
  private Map<String, List<String>> childrenAll(List<String> dirs)
      throws KeeperException, InterruptedException {
    Map<String, List<String>> out = new ConcurrentHashMap<>();
    Pipeline p = new Pipeline(dirs.size());
    for (String dir : dirs) {
      p.permit();
      zk.getChildren(
          dir,
          false,
          (rc, path, ctx, children) -> {
            Code code = Code.get(rc);
            if (code == Code.OK) {
              out.put(dir, new ArrayList<>(children));
            } else if (code == Code.NONODE) {
              out.put(dir, new ArrayList<>());
            } else {
              p.fail(KeeperException.create(code, dir));
            }
            p.done();
          },
          null);
    }
    p.await();
    return out;
  }

  /** The data and stat of each node (a vanished one: null), read pipelined. */
  private Map<String, @Nullable Node> dataAll(List<String> paths)
      throws KeeperException, InterruptedException {
    Map<String, @Nullable Node> out = new ConcurrentHashMap<>();
    Pipeline p = new Pipeline(paths.size());
    for (String node : paths) {
      p.permit();
      zk.getData(
          node,
          false,
          (rc, path, ctx, data, stat) -> {
            Code code = Code.get(rc);
            if (code == Code.OK) {
              out.put(
                  node,
                  new Node(data == null ? "" : new String(data, StandardCharsets.UTF_8), stat));
            } else if (code != Code.NONODE) {
              p.fail(KeeperException.create(code, node));
            }
            p.done();
          },
          null);
    }
    p.await();
    return out;
  }

  /** Asynchronous reads with a bound on those awaiting replies; the first error wins. */
  private static final class Pipeline {
    private final Semaphore slots = new Semaphore(IN_FLIGHT);
    private final CountDownLatch left;
    private volatile @Nullable KeeperException error;

    Pipeline(int count) {
      this.left = new CountDownLatch(count);
    }

    void permit() throws InterruptedException {
      slots.acquire();
    }

    void done() {
      slots.release();
      left.countDown();
    }

    void fail(KeeperException e) {
      if (error == null) {
        error = e;
      }
    }

    void await() throws KeeperException, InterruptedException {
      left.await();
      KeeperException e = error;
      if (e != null) {
        throw e;
      }
    }
  }
}
