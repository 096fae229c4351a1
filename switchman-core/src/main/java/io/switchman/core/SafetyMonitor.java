/*
 * Copyright 2026 the switchman authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package io.switchman.core;

import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.state.ConnectionState;
import org.apache.curator.framework.state.ConnectionStateListener;
import org.apache.zookeeper.KeeperException.Code;
import org.apache.zookeeper.WatchedEvent;
import org.apache.zookeeper.ZooKeeper;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The safety monitor: one daemon thread ({@code switchman-safety-monitor}) that compares every
 * grant's safety deadline with the monotonic clock each tick, refreshes the deadlines (every S/6 at
 * least), and turns connection states into losses. It also holds the one mapping from ZooKeeper
 * result codes, watch events and connection states to {@link LossReason}s. Its thread runs the
 * session's background clean-up too ({@link #scheduler()}).
 *
 * <p>Not to be confused with the CLI's watchdog, the bash process that stops a command's process
 * group.
 */
final class SafetyMonitor {

  private static final Logger log = LoggerFactory.getLogger(SafetyMonitor.class);

  /** The thread's name. */
  static final String THREAD_NAME = "switchman-safety-monitor";

  private final ScheduledThreadPoolExecutor executor;
  private final long tickMs;
  private final ConnectionStateListener connectionListener = this::connectionStateChanged;
  private @Nullable GrantRegistry grants;
  private @Nullable ClusterDataCache clusterData;

  /** The tick while grants are held; null while none is (nothing wakes an idle engine). */
  private @Nullable ScheduledFuture<?> ticking;

  /**
   * @param tick how often deadlines are compared with the clock; clamped to 10-100 ms
   */
  SafetyMonitor(Duration tick) {
    this.tickMs = Math.max(10, Math.min(100, tick.toMillis()));
    this.executor =
        new ScheduledThreadPoolExecutor(
            1,
            r -> {
              Thread t = new Thread(r, THREAD_NAME);
              t.setDaemon(true);
              return t;
            });
    this.executor.setRemoveOnCancelPolicy(true); // a cancelled tick must not wake the thread
  }

  /** The monitor's thread, for background work of the session. */
  ScheduledExecutorService scheduler() {
    return executor;
  }

  /**
   * The time a grant's deadline reserves for its holder: the stop budget plus one tick, the most
   * the monitor may notice a passed deadline late.
   */
  long reservedNanos(Duration stopBudget) {
    return stopBudget.toNanos() + TimeUnit.MILLISECONDS.toNanos(tickMs);
  }

  /** Starts watching the grants of {@code registry} and the connection of {@code client}. */
  void start(GrantRegistry registry, ClusterDataCache cache, CuratorFramework client) {
    this.grants = registry;
    this.clusterData = cache;
    client.getConnectionStateListenable().addListener(connectionListener);
    registry.onGrantAdded(this::ensureTicking);
    ensureTicking();
  }

  /** For the benchmark's before/after comparison: tick with no grant held too, as before. */
  private boolean tickWhileIdle;

  void tickWhileIdle(boolean always) {
    this.tickWhileIdle = always;
  }

  /** Starts the tick unless it runs; called after a grant was added. */
  private synchronized void ensureTicking() {
    if (ticking == null && !executor.isShutdown()) {
      ticking = executor.scheduleWithFixedDelay(this::tick, tickMs, tickMs, TimeUnit.MILLISECONDS);
    }
  }

  /**
   * Stops the tick when no grant is held: a grant added later restarts it ({@link #ensureTicking}),
   * and the check is under the same lock, so no grant goes unwatched.
   */
  private synchronized boolean stopTickingIfIdle(GrantRegistry registry) {
    if (registry.held().isEmpty() && ticking != null && !tickWhileIdle) {
      ticking.cancel(false);
      ticking = null;
      return true;
    }
    return false;
  }

  /** Stops listening to the connection (first step of closing). */
  void stopListening(CuratorFramework client) {
    client.getConnectionStateListenable().removeListener(connectionListener);
  }

  /** Stops the thread. */
  void shutdown() {
    executor.shutdownNow();
  }

  private void tick() {
    try {
      checkGrants();
    } catch (Throwable t) {
      // A task that throws is cancelled for good: never let the safety deadline stop.
      log.error("The switchman safety monitor failed; it goes on", t);
    }
  }

  private void checkGrants() {
    GrantRegistry registry = grants;
    if (registry == null || stopTickingIfIdle(registry)) {
      return;
    }
    long now = System.nanoTime();
    for (ZkGrant g : registry.held()) {
      g.checkDeadline(now);
    }
    // Refresh every S/6 at least: a read of the own node proves the session alive.
    for (ZkGrant g : registry.held()) {
      if (g.refreshDue(now) && g.isHeld()) {
        refresh(g);
      }
    }
  }

  /**
   * Proves the grant's session alive: {@code sync} (which goes through the leader, so a follower
   * cut off from the leader cannot answer it from stale state), then a read of the grant's own node
   * checking its owner and czxid. Success moves the safety deadline to the send time + S - reserve.
   */
  private static void refresh(ZkGrant g) {
    long sentAt = System.nanoTime();
    ZooKeeper zk = g.zk();
    zk.sync(
        g.primaryPath(),
        (rc, path, ctx) -> {
          if (Code.get(rc) != Code.OK) {
            loseIfKnown(g, lossOf(Code.get(rc)));
            return;
          }
          zk.exists(
              g.primaryPath(),
              false,
              (rc2, p2, c2, stat) -> {
                if (Code.get(rc2) != Code.OK) {
                  loseIfKnown(g, lossOf(Code.get(rc2)));
                } else if (stat.getEphemeralOwner() == g.sessionId()
                    && stat.getCzxid() == g.primaryCzxid()) {
                  g.provenAlive(sentAt);
                } else {
                  g.lose(LossReason.NODE_CHANGED);
                }
              },
              null);
        },
        null);
  }

  private static void loseIfKnown(ZkGrant g, @Nullable LossReason reason) {
    if (reason != null) {
      g.lose(reason); // else connection loss: the deadline decides
    }
  }

  private void connectionStateChanged(CuratorFramework c, ConnectionState state) {
    LossReason reason = lossOf(state);
    GrantRegistry registry = grants;
    if (reason != null && registry != null) {
      registry.loseAll(reason);
    } else if ((state == ConnectionState.CONNECTED || state == ConnectionState.RECONNECTED)
        && clusterData != null) {
      clusterData.invalidate(); // CONNECTED, RECONNECTED: read the cluster data again
    }
  }

  // ---------------------------------------------------------------- the one mapping to losses

  /**
   * The loss a failed call on a grant's node means: {@code NONODE} the node was deleted; session
   * expired, moved or authentication failed the session is lost; null for the rest (connection
   * loss, which the safety deadline decides).
   */
  static @Nullable LossReason lossOf(Code code) {
    return switch (code) {
      case NONODE -> LossReason.NODE_DELETED;
      case SESSIONEXPIRED, SESSIONMOVED, AUTHFAILED -> LossReason.SESSION_LOST;
      default -> null;
    };
  }

  /**
   * The loss a watch event on a grant's node means: deleted, changed or created (replaced) by
   * someone else, a disconnect (suspended), or the session's end; null for other events.
   */
  static @Nullable LossReason lossOf(WatchedEvent event) {
    return switch (event.getType()) {
      case NodeDeleted -> LossReason.NODE_DELETED;
      case NodeDataChanged, NodeCreated -> LossReason.NODE_CHANGED;
      case None ->
          switch (event.getState()) {
            case Disconnected -> LossReason.CONNECTION_SUSPENDED;
            case Expired, Closed, AuthFailed -> LossReason.SESSION_LOST;
            default -> null;
          };
      default -> null;
    };
  }

  /** The loss a connection state means for every grant: suspended or lost; null for the rest. */
  static @Nullable LossReason lossOf(ConnectionState state) {
    return switch (state) {
      case SUSPENDED -> LossReason.CONNECTION_SUSPENDED;
      case LOST -> LossReason.SESSION_LOST;
      default -> null;
    };
  }
}
