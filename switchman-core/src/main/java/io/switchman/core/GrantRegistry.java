/*
 * Copyright 2026 the switchman authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package io.switchman.core;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The grants an engine holds, the lock claims of its requests and grants, the group recheck, and
 * the dispatch of losses to observers and listeners (on {@code switchman-loss-notifier} threads,
 * one task per lost grant).
 */
final class GrantRegistry {

  private static final Logger log = LoggerFactory.getLogger(GrantRegistry.class);

  /**
   * What may claim a lock path: the lock queue of a request taking it, then the grant holding it.
   */
  sealed interface LockClaimant permits LockQueue, ZkGrant {}

  private final ZkSession session;
  private final HostFacts host;
  private final Duration stopBudget;
  private final ClusterDataCache clusterData;
  private final Set<ZkGrant> grants = ConcurrentHashMap.newKeySet();

  /**
   * Lock paths that a request or grant of this engine is creating or holds, with their claimant.
   * All requests of an engine share one session, so without claims a request could not tell its own
   * lock node from another request's; with them, a node of this session at a claimed path is the
   * claimant's, and a second request of this JVM for a held lock is busy at once.
   */
  private final ConcurrentHashMap<String, LockClaimant> lockClaims = new ConcurrentHashMap<>();

  /** The name of the threads that call loss listeners. */
  static final String NOTIFIER_THREAD_NAME = "switchman-loss-notifier";

  private final List<Consumer<Grant>> lossObservers = new CopyOnWriteArrayList<>();

  /**
   * Calls the loss listeners: one task per grant (its listeners in the order they registered), each
   * on a thread of its own, so that a listener that blocks delays no other grant's stop. Threads
   * are made on demand and end after a minute of idleness.
   */
  private final ExecutorService notifier =
      new ThreadPoolExecutor(
          0,
          Integer.MAX_VALUE,
          60,
          TimeUnit.SECONDS,
          new SynchronousQueue<>(),
          r -> {
            Thread t = new Thread(r, NOTIFIER_THREAD_NAME);
            t.setDaemon(true);
            return t;
          });

  private volatile long warnedForSessionTimeoutMs = -1;

  GrantRegistry(
      ZkSession session, HostFacts host, Duration stopBudget, ClusterDataCache clusterData) {
    this.session = session;
    this.host = host;
    this.stopBudget = stopBudget;
    this.clusterData = clusterData;
  }

  /** The grants held now. */
  Set<ZkGrant> held() {
    return grants;
  }

  // ---------------------------------------------------------------- lock claims

  /** Claims {@code path} for {@code claimant}; false when another claimant has it. */
  boolean claim(String path, LockClaimant claimant) {
    return lockClaims.putIfAbsent(path, claimant) == null;
  }

  /** Hands the claim of {@code path} from the request to the grant it became. */
  void handOver(String path, LockClaimant from, LockClaimant to) {
    lockClaims.replace(path, from, to);
  }

  /** Drops the claim of {@code path} if {@code claimant} has it. */
  void unclaim(String path, LockClaimant claimant) {
    lockClaims.remove(path, claimant);
  }

  // ---------------------------------------------------------------- life cycle

  /** Told after a grant was added (the safety monitor runs only while grants are held). */
  private Consumer<ZkGrant> grantAdded = g -> {};

  void onGrantAdded(Consumer<ZkGrant> c) {
    this.grantAdded = c;
  }

  /** Registers a new grant; loses and releases it at once if the engine closed meanwhile. */
  void register(ZkGrant g) {
    grants.add(g);
    grantAdded.accept(g);
    if (session.isClosed()) {
      g.lose(LossReason.ENGINE_CLOSED);
      g.release();
      return;
    }
    warnOnceIfBudgetTooLarge(g);
    // A cluster data change between the group check and now must not go unnoticed.
    recheckGroup(g);
  }

  private void warnOnceIfBudgetTooLarge(ZkGrant g) {
    boolean single = g.leaderContact().singleServer();
    long s = TimeUnit.NANOSECONDS.toMillis(g.sessionTimeoutNanos());
    long key = s * 2 + (single ? 1 : 0); // once per session timeout and kind of server
    if (key != warnedForSessionTimeoutMs) {
      warnedForSessionTimeoutMs = key;
      int negotiated = session.negotiatedSessionTimeoutMs();
      if (negotiated > 0) {
        StopBudget.warning(stopBudget, Duration.ofMillis(negotiated), single).ifPresent(log::warn);
      }
    }
  }

  void unregister(ZkGrant g) {
    grants.remove(g);
  }

  /** Loses every grant for {@code reason} (a connection state). */
  void loseAll(LossReason reason) {
    for (ZkGrant g : grants) {
      g.lose(reason);
    }
  }

  /** Called when the cluster data changed: grants with a group this host left are lost. */
  void clusterDataChanged() {
    for (ZkGrant g : grants) {
      recheckGroup(g);
    }
  }

  private void recheckGroup(ZkGrant g) {
    String group = g.group();
    if (group == null || !g.isHeld()) {
      return;
    }
    ClusterDataCache.Snapshot s = clusterData.current();
    if (s == null) {
      return;
    }
    if (s.error() != null) {
      g.lose(LossReason.CLUSTER_DATA_INVALID);
      return;
    }
    try {
      if (!s.data().isMember(group, host.fqdn())) {
        g.lose(LossReason.LEFT_GROUP);
      }
    } catch (SwitchmanException e) {
      g.lose(LossReason.LEFT_GROUP);
    }
  }

  /** Loses every grant ({@link LossReason#ENGINE_CLOSED}), newest first, then releases them. */
  void closeAll() {
    List<ZkGrant> held = new ArrayList<>(grants);
    Collections.reverse(held);
    for (ZkGrant g : held) {
      g.lose(LossReason.ENGINE_CLOSED);
    }
    for (ZkGrant g : held) {
      g.release();
    }
  }

  /** Stops the notifier once it has told what it was given, waiting up to {@code timeout}. */
  void shutdownNotifier(Duration timeout) {
    notifier.shutdown();
    try {
      notifier.awaitTermination(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  // ---------------------------------------------------------------- loss dispatch

  /** Registers an observer told of every loss (for metrics), on a notifier thread. */
  void addLossObserver(Consumer<Grant> observer) {
    lossObservers.add(observer);
  }

  /**
   * Tells a grant's loss listeners (first, in order), then logs the loss and tells the observers:
   * all on a notifier thread, never on the thread that noticed the loss (the safety monitor, the
   * ZooKeeper event thread, Curator's state thread), so that a slow listener, observer or log
   * appender delays neither the noticing of another grant's loss nor its listeners.
   */
  void lost(ZkGrant g, LossReason reason, List<Consumer<LossReason>> listeners) {
    Runnable tell =
        () -> {
          for (Consumer<LossReason> l : listeners) {
            callListener(g, l, reason);
          }
          report(g, reason);
        };
    try {
      notifier.execute(tell);
    } catch (RejectedExecutionException e) {
      tell.run();
    }
  }

  private void report(ZkGrant g, LossReason reason) {
    log.info(
        "Grant '{}' (fencing token {}) lost: {}; its holder must stop now",
        g.name(),
        g.fencingToken(),
        reason);
    for (Consumer<Grant> o : lossObservers) {
      try {
        o.accept(g);
      } catch (RuntimeException | Error e) {
        log.warn("A loss observer failed; ignored", e);
      }
    }
  }

  /**
   * Tells a listener registered after the loss, on a notifier thread (or this one once the notifier
   * has stopped).
   */
  void dispatch(ZkGrant g, Consumer<LossReason> listener, LossReason reason) {
    try {
      notifier.execute(() -> callListener(g, listener, reason));
    } catch (RejectedExecutionException e) {
      callListener(g, listener, reason);
    }
  }

  private static void callListener(ZkGrant g, Consumer<LossReason> listener, LossReason reason) {
    try {
      listener.accept(reason);
    } catch (RuntimeException e) {
      log.warn("A loss listener of grant '{}' failed; ignored", g.name(), e);
    }
  }
}
