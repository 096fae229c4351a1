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
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.data.Stat;
import org.jspecify.annotations.Nullable;

/** Reads a {@link ClusterStatus}; nodes vanishing while it reads are skipped. */
final class StatusReader {

  private final ZooKeeper zk;

  private StatusReader(ZooKeeper zk) {
    this.zk = zk;
  }

  static ClusterStatus read(ZooKeeper zk, Layout layout, List<Grant> own)
      throws KeeperException, InterruptedException {
    StatusReader r = new StatusReader(zk);
    List<ClusterStatus.LockInfo> locks = new ArrayList<>();
    for (String name : r.sortedChildren(layout.locksDir())) {
      Stat stat = new Stat();
      String holder = r.data(layout.lock(name), stat);
      if (holder != null) {
        Instant since = Instant.ofEpochMilli(stat.getCtime());
        locks.add(
            new ClusterStatus.LockInfo(
                name,
                holder,
                since,
                stat.getCzxid(),
                stat.getEphemeralOwner(),
                stat.getEphemeralOwner() == 0 ? Pause.parse(holder, since) : null));
      }
    }
    Map<String, List<ClusterStatus.QueueEntry>> queues = new LinkedHashMap<>();
    for (String res : r.sortedChildren(layout.queuesDir())) {
      List<ClusterStatus.QueueEntry> entries = r.queue(layout.queue(res));
      if (!entries.isEmpty()) {
        queues.put(res, entries);
      }
    }
    Map<String, List<ClusterStatus.LeaseInfo>> leases = new LinkedHashMap<>();
    for (String res : r.sortedChildren(layout.semaphoresDir())) {
      String dir = layout.leases(res);
      List<ClusterStatus.LeaseInfo> list = new ArrayList<>();
      for (String child : Layout.sorted(r.children(dir))) {
        Layout.LeaseName ln = Layout.LeaseName.parse(child);
        Stat stat = new Stat();
        String holder = r.data(dir + "/" + child, stat);
        if (ln != null && holder != null) {
          list.add(
              new ClusterStatus.LeaseInfo(
                  child,
                  ln.amount(),
                  ln.capacity(),
                  holder,
                  Instant.ofEpochMilli(stat.getCtime()),
                  stat.getCzxid()));
        }
      }
      if (!list.isEmpty()) {
        leases.put(res, list);
      }
    }
    Map<String, List<ClusterStatus.QueueEntry>> waiters = new LinkedHashMap<>();
    for (String name : r.sortedChildren(layout.waitersDir())) {
      List<ClusterStatus.QueueEntry> entries = r.queue(layout.waiters(name));
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

  private List<ClusterStatus.QueueEntry> queue(String dir)
      throws KeeperException, InterruptedException {
    List<ClusterStatus.QueueEntry> entries = new ArrayList<>();
    for (String child : Layout.sorted(children(dir))) {
      Stat stat = new Stat();
      String holder = data(dir + "/" + child, stat);
      if (holder != null) {
        String name = Layout.queuedName(child);
        entries.add(
            new ClusterStatus.QueueEntry(
                child,
                name != null ? name : child,
                Layout.sequenceOf(child),
                holder,
                Instant.ofEpochMilli(stat.getCtime())));
      }
    }
    return entries;
  }

  private List<String> sortedChildren(String dir) throws KeeperException, InterruptedException {
    List<String> c = children(dir);
    c.sort(null);
    return c;
  }

  private List<String> children(String dir) throws KeeperException, InterruptedException {
    try {
      return new ArrayList<>(zk.getChildren(dir, false));
    } catch (KeeperException.NoNodeException e) {
      return new ArrayList<>();
    }
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
}
