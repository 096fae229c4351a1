/*
 * Copyright 2026 the switchman authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package io.switchman.core;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.apache.zookeeper.KeeperException.Code;
import org.apache.zookeeper.WatchedEvent;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooKeeper;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A grant on one ZooKeeper session. Every operation goes through the {@link ZooKeeper} handle of
 * the session that created the nodes, so nothing is ever retried on a later session: after expiry,
 * the old handle only answers "session expired", and the nodes are gone with it.
 */
final class ZkGrant implements Grant, Watcher, GrantRegistry.LockClaimant {

  private static final Logger log = LoggerFactory.getLogger(ZkGrant.class);

  private enum State {
    HELD,
    LOST,
    RELEASED
  }

  private final ZkSession session;
  private final GrantRegistry registry;
  private final ZooKeeper zk;
  private final long sessionId;
  private final long sessionTimeoutNanos;
  private final long stopBudgetNanos;
  private final String name;
  private final @Nullable String lockPath;
  private final long lockCzxid;
  private final List<HeldLease> leases;
  private final @Nullable String group;
  private final long token;
  private final Instant acquiredAt = Instant.now();

  private final SafetyMonitor.LeaderContact leaderContact;
  private volatile long safeUntilNanos;
  private volatile long nextRefreshNanos;

  /** When the last reply to one of this grant's reads or syncs came. */
  private volatile long lastReplyNanos;

  private State state = State.HELD;
  private @Nullable LossReason lossReason;

  /** Set when a watch saw an own node deleted or changed: release must then check ownership. */
  private volatile boolean nodesTouched;

  private final List<Consumer<LossReason>> listeners = new ArrayList<>();

  /**
   * @param reservedNanos the stop budget plus one safety-monitor tick
   * @param leaderContact the lower bound of the leader's last contact with {@code zk}'s session
   * @param provenAliveAtNanos the send time of the create of the grant's primary node (the leader
   *     answered it)
   */
  ZkGrant(
      ZkSession session,
      GrantRegistry registry,
      long reservedNanos,
      SafetyMonitor.LeaderContact leaderContact,
      ZooKeeper zk,
      String name,
      @Nullable String lockPath,
      long lockCzxid,
      List<HeldLease> leases,
      @Nullable String group,
      long provenAliveAtNanos) {
    this.session = session;
    this.registry = registry;
    this.zk = zk;
    this.sessionId = zk.getSessionId();
    this.sessionTimeoutNanos = TimeUnit.MILLISECONDS.toNanos(zk.getSessionTimeout());
    this.stopBudgetNanos = reservedNanos;
    this.name = name;
    this.lockPath = lockPath;
    this.lockCzxid = lockCzxid;
    this.leases = List.copyOf(leases);
    this.group = group;
    this.token = lockPath != null ? lockCzxid : leases.get(0).czxid();
    long now = System.nanoTime();
    this.leaderContact = leaderContact;
    // The create is a leader read (a write); it is also a touch.
    long bound = leaderContact.leaderReached(provenAliveAtNanos);
    leaderContact.touched(provenAliveAtNanos, now);
    this.safeUntilNanos = bound + sessionTimeoutNanos - stopBudgetNanos;
    this.lastReplyNanos = now;
    this.nextRefreshNanos = now + sessionTimeoutNanos / 6;
  }

  /**
   * Whether the safety deadline is due for a refresh: S/6 after the last refresh was sent, and at
   * least the ping window (S/6) after the last reply, so that the touch of the refresh before is
   * known to the leader by the time the next sync reaches it (on a single server, which answers
   * every request itself, S/6 after the last refresh only). Called by the safety monitor only.
   */
  boolean refreshDue(long nowNanos) {
    if (nowNanos - nextRefreshNanos >= 0
        && (leaderContact.singleServer()
            || nowNanos - lastReplyNanos >= leaderContact.windowNanos())) {
      nextRefreshNanos = nowNanos + sessionTimeoutNanos / 6;
      return true;
    }
    return false;
  }

  /**
   * The time until the safety monitor must look at this grant again, in nanoseconds: its safety
   * deadline, or its next refresh ({@link #refreshDue}) if sooner; {@link
   * SafetyMonitor#MAX_SLEEP_NANOS} once it is no longer held. Both only move later (the deadline
   * moves forward only, refreshes and replies are S/6 and the ping window apart), so a wake-up at
   * this time is never late for either.
   */
  long checkDelayNanos(long nowNanos) {
    synchronized (this) {
      if (state != State.HELD) {
        return SafetyMonitor.MAX_SLEEP_NANOS;
      }
    }
    long refreshAt = nextRefreshNanos;
    if (!leaderContact.singleServer()) {
      long afterReply = lastReplyNanos + leaderContact.windowNanos();
      if (afterReply - refreshAt > 0) {
        refreshAt = afterReply;
      }
    }
    long delay = Math.min(safeUntilNanos - nowNanos, refreshAt - nowNanos);
    return Math.max(0, delay);
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public boolean hasLock() {
    return lockPath != null;
  }

  @Override
  public long fencingToken() {
    return token;
  }

  @Override
  public List<HeldLease> leases() {
    return leases;
  }

  @Override
  public long sessionId() {
    return sessionId;
  }

  @Override
  public Instant acquiredAt() {
    return acquiredAt;
  }

  @Nullable String group() {
    return group;
  }

  ZooKeeper zk() {
    return zk;
  }

  SafetyMonitor.LeaderContact leaderContact() {
    return leaderContact;
  }

  long sessionTimeoutNanos() {
    return sessionTimeoutNanos;
  }

  /**
   * Held: not released, not lost, and the safety deadline not passed. A passed deadline is declared
   * here at once ({@link LossReason#SAFETY_DEADLINE}), so the answer does not depend on when the
   * safety monitor's thread gets to run.
   */
  @Override
  public boolean isHeld() {
    synchronized (this) {
      if (state != State.HELD) {
        return false;
      }
    }
    checkDeadline(System.nanoTime());
    synchronized (this) {
      return state == State.HELD;
    }
  }

  @Override
  public synchronized Optional<LossReason> lossReason() {
    return Optional.ofNullable(lossReason);
  }

  @Override
  public Optional<LossReason> checkLoss() {
    checkDeadline(System.nanoTime());
    return lossReason();
  }

  @Override
  public long safeUntilNanos() {
    return safeUntilNanos;
  }

  @Override
  public void onLoss(Consumer<LossReason> listener) {
    LossReason already;
    synchronized (this) {
      if (state == State.RELEASED) {
        return;
      }
      already = lossReason;
      if (already == null) {
        listeners.add(listener);
        return;
      }
    }
    registry.dispatch(this, listener, already);
  }

  /** Marks the grant lost and tells the listeners once; later reasons are ignored. */
  void lose(LossReason reason) {
    List<Consumer<LossReason>> toTell;
    synchronized (this) {
      if (state != State.HELD) {
        return;
      }
      state = State.LOST;
      lossReason = reason;
      toTell = List.copyOf(listeners);
      listeners.clear();
    }
    registry.lost(this, reason, toTell);
  }

  /**
   * Sets a watch on every own node (lock and leases): deletion or change by anyone else is a loss.
   * Sent without waiting: this session runs requests in order, so each read runs after the create
   * of its node, and checks that the node is still this grant's; the job need not wait one more
   * round trip to start. The reads are not a proof of life, only touches (see {@link
   * SafetyMonitor.LeaderContact}).
   */
  void watchOwnNodes() {
    if (lockPath != null) {
      watch(lockPath, lockCzxid);
    }
    for (HeldLease l : leases) {
      watch(l.path(), l.czxid());
    }
  }

  private void watch(String path, long czxid) {
    long sentAt = System.nanoTime();
    zk.exists(
        path,
        this,
        (rc, p, ctx, stat) -> {
          switch (Code.get(rc)) {
            case OK -> {
              if (stat.getEphemeralOwner() != sessionId || stat.getCzxid() != czxid) {
                nodesTouched = true;
                lose(LossReason.NODE_CHANGED);
              } else if (stat.getVersion() != 0) {
                nodesTouched = true;
                lose(LossReason.NODE_CHANGED);
              } else {
                // Not a proof of life: a plain read may be answered by a follower cut off from
                // the leader. Only a touch (the connected server heard from the session), which
                // a later sync can turn into a bound of the leader's last contact.
                touched(sentAt);
              }
            }
            default -> {
              LossReason reason = SafetyMonitor.lossOf(Code.get(rc));
              if (reason == LossReason.NODE_DELETED) {
                nodesTouched = true;
              }
              lose(reason != null ? reason : LossReason.CONNECTION_SUSPENDED);
            }
          }
        },
        null);
  }

  /** The node read to refresh the safety deadline, and its expected czxid. */
  String primaryPath() {
    return lockPath != null ? lockPath : leases.get(0).path();
  }

  long primaryCzxid() {
    return lockPath != null ? lockCzxid : leases.get(0).czxid();
  }

  /**
   * Records a touch: a request of this grant sent at {@code sentAtNanos} was answered now by the
   * server this client is connected to. A touch alone is no proof that the leader heard of it.
   */
  void touched(long sentAtNanos) {
    long now = System.nanoTime();
    leaderContact.touched(sentAtNanos, now);
    lastReplyNanos = now;
  }

  /**
   * Moves the safety deadline forward after a {@code sync} sent at {@code sentAtNanos} was answered
   * by the leader and the read after it found the primary node ours: to the lower bound of the
   * leader's last contact with the session + S - reserve.
   */
  void leaderReached(long sentAtNanos) {
    long candidate =
        leaderContact.leaderReached(sentAtNanos) + sessionTimeoutNanos - stopBudgetNanos;
    synchronized (this) {
      if (candidate - safeUntilNanos > 0) {
        safeUntilNanos = candidate;
      }
    }
  }

  /** Called by the safety monitor: loses the grant if its safety deadline has passed. */
  void checkDeadline(long nowNanos) {
    if (nowNanos - safeUntilNanos >= 0) {
      lose(LossReason.SAFETY_DEADLINE);
    }
  }

  /** Watches on own nodes, set when the grant is created, and session events on them. */
  @Override
  public void process(WatchedEvent event) {
    LossReason reason = SafetyMonitor.lossOf(event);
    if (reason == LossReason.NODE_DELETED || reason == LossReason.NODE_CHANGED) {
      nodesTouched = true;
    }
    if (reason != null) {
      lose(reason);
    }
  }

  @Override
  public void release() {
    synchronized (this) {
      if (state == State.RELEASED) {
        return;
      }
      state = State.RELEASED;
      listeners.clear();
    }
    registry.unregister(this);
    new GrantRelease(this, session, registry, zk, lockPath, lockCzxid, leases).run(nodesTouched);
  }

  @Override
  public String toString() {
    return "Grant["
        + name
        + ", token "
        + token
        + ", session 0x"
        + Long.toHexString(sessionId)
        + "]";
  }
}
