/*
 * Copyright 2026 the switchman authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package io.switchman.benchmarks;

import io.switchman.core.Acquisition;
import io.switchman.core.Grant;
import io.switchman.core.GrantRequest;
import io.switchman.core.SwitchmanEngine;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Lock;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.recipes.locks.InterProcessMutex;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.jspecify.annotations.Nullable;
import org.springframework.integration.zookeeper.lock.ZookeeperLockRegistry;

/** The kinds of lock cycle compared in section 1, each on a ZooKeeper session of its own. */
final class LockCycles {

  private LockCycles() {}

  static final int SESSION_MS = 30_000;
  static final byte[] DATA = "bench-host 1".getBytes(StandardCharsets.UTF_8);

  /** One kind of lock cycle: acquire, then release, uncontended. */
  interface LockCycle extends AutoCloseable {
    /** Takes the lock; fails if it was not granted. */
    void acquire() throws Exception;

    void release() throws Exception;

    @Override
    void close() throws Exception;
  }

  /** Makes a {@link LockCycle} connected to a given connect string. */
  interface Factory {
    LockCycle open(String connect) throws Exception;
  }

  /**
   * A kind of cycle in the comparison.
   *
   * @param key short id
   * @param label what the table shows
   * @param floor whether this is the floor the ratios are taken to
   * @param factory how to open one
   */
  record Kind(String key, String label, boolean floor, Factory factory) {}

  /** The kinds that need only the core and the peers' libraries. */
  static List<Kind> coreKinds() {
    List<Kind> kinds = new ArrayList<>();
    kinds.add(
        new Kind(
            "floor",
            "ZooKeeper `create` ephemeral + `delete` (the floor)",
            true,
            c -> new RawCycle(c, "/bench-raw/floor", Raw.PLAIN)));
    kinds.add(new Kind("read", "ZooKeeper `exists` (one read, for scale)", false, ReadCycle::new));
    kinds.add(
        new Kind(
            "switchman",
            "switchman-core `acquire` (try-lock) + `release`",
            false,
            SwitchmanCycle::new));
    kinds.add(
        new Kind(
            "spring",
            "`@SwitchmanLock` empty method through the Spring interceptor (whole call)",
            false,
            SpringInterceptorCycle::new));
    kinds.add(
        new Kind(
            "curator",
            "Curator `InterProcessMutex` `acquire` + `release`",
            false,
            CuratorCycle::new));
    kinds.add(
        new Kind(
            "spring-integration",
            "Spring Integration `ZookeeperLockRegistry` `tryLock` + `unlock`",
            false,
            SpringIntegrationCycle::new));
    kinds.add(
        new Kind(
            "raw3",
            "profile: ZooKeeper `create`, then `exists` with watch, awaited, then `delete`",
            false,
            c -> new RawCycle(c, "/bench-raw/watched", Raw.WATCHED)));
    kinds.add(
        new Kind(
            "raw-pipelined",
            "profile: `create` + `exists` with watch sent behind it, reply not awaited + `delete`",
            false,
            c -> new RawCycle(c, "/bench-raw/pipelined", Raw.PIPELINED)));
    kinds.add(
        new Kind(
            "raw-async-delete",
            "profile: as the row above, the `delete` awaited through the client's event thread (the"
                + " engine's requests, without the engine)",
            false,
            c -> new RawCycle(c, "/bench-raw/async", Raw.PIPELINED_ASYNC_DELETE)));
    return kinds;
  }

  /** What a raw cycle does besides create and delete. */
  enum Raw {
    /** Create, delete: the floor. */
    PLAIN,
    /** Create, then {@code exists} with a watch awaited, then delete: switchman's requests. */
    WATCHED,
    /**
     * Create, then {@code exists} with a watch sent without waiting for its reply (the session's
     * FIFO order makes it see the node), then delete: the read off the critical path.
     */
    PIPELINED,
    /**
     * As {@link #PIPELINED}, and the delete is asynchronous, awaited through a future completed on
     * the client's event thread: the engine's exact requests and threads, without the engine.
     */
    PIPELINED_ASYNC_DELETE
  }

  /** Raw ZooKeeper: create an ephemeral node, maybe watch it, delete it. */
  static final class RawCycle implements LockCycle {
    private final ZooKeeper zk;
    private final String path;
    private final Raw mode;

    RawCycle(String connect, String path, Raw mode) throws Exception {
      this.zk = Clients.zooKeeper(connect, SESSION_MS);
      this.path = path;
      this.mode = mode;
      mkdirs(zk, path.substring(0, path.lastIndexOf('/')));
      try {
        zk.delete(path, -1);
      } catch (KeeperException.NoNodeException e) {
        // not there: fine
      }
    }

    @Override
    public void acquire() throws Exception {
      zk.create(path, DATA, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.EPHEMERAL);
      switch (mode) {
        case WATCHED -> {
          if (zk.exists(path, e -> {}) == null) {
            throw new IllegalStateException("node vanished: " + path);
          }
        }
        case PIPELINED, PIPELINED_ASYNC_DELETE ->
            zk.exists(path, e -> {}, (rc, p, ctx, stat) -> {}, null);
        default -> {}
      }
    }

    @Override
    public void release() throws Exception {
      if (mode == Raw.PIPELINED_ASYNC_DELETE) {
        java.util.concurrent.CompletableFuture<Void> done =
            new java.util.concurrent.CompletableFuture<>();
        zk.delete(path, 0, (rc, p, ctx) -> done.complete(null), null);
        done.get(10, TimeUnit.SECONDS);
      } else {
        zk.delete(path, -1);
      }
    }

    @Override
    public void close() throws Exception {
      zk.close();
    }
  }

  /** One read of an existing node: the unit of a read's cost. */
  static final class ReadCycle implements LockCycle {
    private final ZooKeeper zk;
    private final String path = "/bench-raw";

    ReadCycle(String connect) throws Exception {
      this.zk = Clients.zooKeeper(connect, SESSION_MS);
      mkdirs(zk, path);
    }

    @Override
    public void acquire() throws Exception {
      if (zk.exists(path, false) == null) {
        throw new IllegalStateException("missing " + path);
      }
    }

    @Override
    public void release() {}

    @Override
    public void close() throws Exception {
      zk.close();
    }
  }

  /** switchman-core: a try-lock request and the grant's release. */
  static final class SwitchmanCycle implements LockCycle {
    private final CuratorFramework client;
    private final SwitchmanEngine engine;
    private final GrantRequest request;
    private @Nullable Grant grant;

    SwitchmanCycle(String connect) throws Exception {
      this.client = Clients.curator(connect, SESSION_MS);
      this.engine = Clients.engine(client, "/bench-switchman");
      this.request = GrantRequest.builder("cycle").build();
    }

    @Override
    public void acquire() throws Exception {
      Acquisition a = engine.acquire(request);
      if (a.grant() == null) {
        throw new IllegalStateException("not granted: " + a.outcome() + " " + a.detail());
      }
      grant = a.grant();
    }

    @Override
    public void release() {
      Grant g = grant;
      if (g != null) {
        g.release();
        grant = null;
      }
    }

    @Override
    public void close() {
      engine.close();
      client.close();
    }
  }

  /** Curator's {@code InterProcessMutex}. */
  static final class CuratorCycle implements LockCycle {
    private final CuratorFramework client;
    private final InterProcessMutex mutex;

    CuratorCycle(String connect) throws Exception {
      this.client = Clients.curator(connect, SESSION_MS);
      this.mutex = new InterProcessMutex(client, "/bench-curator/cycle");
    }

    @Override
    public void acquire() throws Exception {
      if (!mutex.acquire(10, TimeUnit.SECONDS)) {
        throw new IllegalStateException("InterProcessMutex not acquired");
      }
    }

    @Override
    public void release() throws Exception {
      mutex.release();
    }

    @Override
    public void close() {
      client.close();
    }
  }

  /**
   * Spring Integration's {@code ZookeeperLockRegistry} (Curator's mutex behind a task executor).
   */
  static final class SpringIntegrationCycle implements LockCycle {
    private final CuratorFramework client;
    private final ZookeeperLockRegistry registry;
    private final Lock lock;

    SpringIntegrationCycle(String connect) throws Exception {
      this.client = Clients.curator(connect, SESSION_MS);
      this.registry = new ZookeeperLockRegistry(client, "/bench-spring-integration");
      this.lock = registry.obtain("cycle");
    }

    @Override
    public void acquire() {
      if (!lock.tryLock()) {
        throw new IllegalStateException("ZookeeperLockRegistry lock not acquired");
      }
    }

    @Override
    public void release() {
      lock.unlock();
    }

    @Override
    public void close() {
      registry.destroy();
      client.close();
    }
  }

  static void mkdirs(ZooKeeper zk, String dir) throws Exception {
    if (dir.isEmpty() || zk.exists(dir, false) != null) {
      return;
    }
    int slash = dir.lastIndexOf('/');
    if (slash > 0) {
      mkdirs(zk, dir.substring(0, slash));
    }
    try {
      zk.create(dir, new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
    } catch (KeeperException.NodeExistsException e) {
      // fine
    }
  }
}
