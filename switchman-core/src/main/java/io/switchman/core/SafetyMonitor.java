/*
 * Copyright 2026 the switchman authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package io.switchman.core;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.state.ConnectionState;
import org.apache.curator.framework.state.ConnectionStateListener;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.KeeperException.Code;
import org.apache.zookeeper.WatchedEvent;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooKeeper;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The safety monitor: one daemon thread ({@code switchman-safety-monitor}) that compares every
 * grant's safety deadline with the monotonic clock, refreshes the deadlines (every S/6 at least),
 * and turns connection states into losses. It wakes only while grants are held, at the earliest
 * safety deadline, refresh or keep-alive due (and at least once a second), not at a fixed tick:
 * every deadline and due time only moves later, so a wake-up planned at the earliest is never late.
 * It also holds the one mapping from ZooKeeper result codes, watch events and connection states to
 * {@link LossReason}s. Its thread runs the session's background clean-up too ({@link
 * #scheduler()}).
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
  private @Nullable ZooKeeper handle;
  private @Nullable LeaderContact contact;
  private boolean keepAliveInFlight;

  /**
   * The next wake-up while grants are held: at the earliest safety deadline, refresh or keep-alive
   * due (at most {@link #MAX_SLEEP_NANOS} away); null while none is held (nothing wakes an idle
   * engine) and while a check runs.
   */
  private @Nullable ScheduledFuture<?> next;

  /** When {@link #next} is due (System.nanoTime()). */
  private long nextAtNanos;

  /**
   * The longest the monitor sleeps while grants are held, whatever their deadlines say: a bound
   * that does not rest on every deadline moving only later (they do: see {@link
   * ZkGrant#checkDelayNanos}).
   */
  static final long MAX_SLEEP_NANOS = TimeUnit.SECONDS.toNanos(1);

  /** The shortest gap between two checks, so that a due time just missed cannot spin. */
  private static final long MIN_GAP_NANOS = TimeUnit.MILLISECONDS.toNanos(1);

  /**
   * @param tick the most a passed deadline may be noticed late (part of the reserve, {@link
   *     #reservedNanos}), and the fixed period of the scheduling before issue 16 ({@link
   *     #tickWhileIdle}); clamped to 10-100 ms
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
    registry.onGrantAdded(
        g -> {
          long now = System.nanoTime();
          wakeAt(now + g.checkDelayNanos(now));
        });
    if (tickWhileIdle) {
      wakeAt(System.nanoTime());
    }
  }

  /**
   * For the benchmark's before/after comparison: the scheduling before issue 16, a check every tick
   * whether grants are held or not.
   */
  private boolean tickWhileIdle;

  void tickWhileIdle(boolean always) {
    this.tickWhileIdle = always;
  }

  /**
   * Makes sure the monitor runs at {@code atNanos} (System.nanoTime(); no sooner than {@link
   * #MIN_GAP_NANOS} and no later than {@link #MAX_SLEEP_NANOS} from now): keeps a wake-up that is
   * due sooner, else replaces it. Called when a grant is added (its first check) and after each
   * check (the next). The time is absolute, so the time a check took does not make the next one
   * late.
   */
  private synchronized void wakeAt(long atNanos) {
    if (executor.isShutdown()) {
      return;
    }
    long now = System.nanoTime();
    long delay = Math.max(MIN_GAP_NANOS, Math.min(MAX_SLEEP_NANOS, atNanos - now));
    long at = now + delay;
    ScheduledFuture<?> pending = next;
    if (pending != null) {
      if (nextAtNanos - at <= 0) {
        return; // due sooner already
      }
      pending.cancel(false);
    }
    nextAtNanos = at;
    try {
      next = executor.schedule(this::tick, delay, TimeUnit.NANOSECONDS);
    } catch (RejectedExecutionException e) {
      next = null; // shut down meanwhile: the engine is closing, its grants are lost
    }
  }

  /** The check starts: a grant added from now on schedules its own wake-up. */
  private synchronized void checking() {
    next = null;
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
    checking();
    // If the check fails, look again after one tick (what the reserve allows for), not later.
    long at = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(tickMs);
    try {
      at = checkGrants();
    } catch (Throwable t) {
      // Never let the safety deadline stop: the next check is scheduled whatever happened.
      log.error("The switchman safety monitor failed; it goes on", t);
    }
    if (at != NO_GRANT) {
      wakeAt(at);
    }
  }

  /** What {@link #checkGrants()} returns when no grant is held. */
  private static final long NO_GRANT = Long.MIN_VALUE;

  /**
   * The lower bound of the leader's last contact with {@code zk}'s session, shared by the session's
   * grants (one per session: a new session starts with no touches). Whether the connected server is
   * a single server ({@link #singleServer}) holds for one connection only: it is read (outside this
   * monitor's lock) whenever it is not known for the current connection, and forgotten on every
   * connection event.
   */
  LeaderContact contactFor(ZooKeeper zk) {
    long id = zk.getSessionId();
    LeaderContact c;
    synchronized (this) {
      c = contact;
      if (c == null || c.sessionId() != id) {
        c =
            new LeaderContact(
                id, TimeUnit.MILLISECONDS.toNanos(zk.getSessionTimeout()), System.nanoTime());
        contact = c;
        keepAliveInFlight = false;
      }
      handle = zk;
    }
    if (!c.modeKnown()) {
      long generation = c.connectionGeneration();
      c.modeRead(readSingleServer(zk, c), generation);
    }
    return c;
  }

  /**
   * Reads whether {@code zk} is connected to a single server (a standalone server, or the one
   * voting server of a quorum of one, with no observer): that server is the one that expires
   * sessions, so every request it answers is a leader contact at its send time. From the
   * configuration znode ({@code /zookeeper/config}): empty on a standalone server, one {@code
   * server.N} line per member on the servers of an ensemble. The read sets {@code watcher} (the
   * session's {@link LeaderContact}) as its watcher, so the disconnect of this connection (or a
   * reconfiguration) makes the mode unknown again before any later reply is handed to a callback.
   * Null when the read fails.
   */
  private static @Nullable Boolean readSingleServer(ZooKeeper zk, @Nullable Watcher watcher) {
    try {
      byte[] data = zk.getConfig(watcher, null);
      return data != null && singleServer(new String(data, StandardCharsets.UTF_8));
    } catch (KeeperException | RuntimeException e) {
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
  }

  /**
   * As {@link #readSingleServer(ZooKeeper, Watcher)} without a watcher, for an adapter that sizes
   * its stop time before the engine's first request (the CLI); false when the read fails.
   */
  static boolean singleServer(ZooKeeper zk) {
    return Boolean.TRUE.equals(readSingleServer(zk, null));
  }

  /**
   * Whether configuration text {@code config} describes a single server: empty (standalone), or
   * exactly one {@code server.N} line that is not an observer. Any other shape (no member line but
   * other text, several members) answers false, the rule that holds on every ensemble.
   */
  static boolean singleServer(String config) {
    if (config.isBlank()) {
      return true;
    }
    List<String> members =
        config.lines().map(String::trim).filter(l -> l.startsWith("server.")).toList();
    return members.size() == 1 && !members.get(0).contains(":observer");
  }

  /**
   * Keeps a recent touch on the session of the last request, so that a grant's first safety
   * deadline can rest on it (a create is a leader read): when nothing of the engine's was sent or
   * answered for W = S/6, one {@code exists("/")}. It runs only while grants are held (the tick
   * stops when none is), and their refreshes are usually the touches; an idle engine sends nothing.
   */
  private void keepAlive(long now) {
    ZooKeeper zk;
    LeaderContact lc;
    synchronized (this) {
      zk = handle;
      lc = contact;
      if (zk == null
          || lc == null
          || keepAliveInFlight
          || !zk.getState().isConnected()
          || zk.getSessionId() != lc.sessionId()
          || !lc.keepAliveDue(now)) {
        return;
      }
      keepAliveInFlight = true;
    }
    lc.sending(now);
    zk.exists(
        "/",
        false,
        (rc, path, ctx, stat) -> {
          Code code = Code.get(rc);
          if (code == Code.OK || code == Code.NONODE) {
            lc.touched(now, System.nanoTime());
          }
          synchronized (this) {
            if (contact == lc) {
              keepAliveInFlight = false;
            }
          }
        },
        null);
  }

  /**
   * One check: loses the grants whose safety deadline passed, refreshes those due, keeps the
   * session touched.
   *
   * @return when the next check is due (System.nanoTime()); {@link #NO_GRANT} when no grant is held
   *     (the next grant added schedules it)
   */
  private long checkGrants() {
    GrantRegistry registry = grants;
    if (tickWhileIdle) {
      if (registry != null) {
        checkGrants(registry, System.nanoTime());
      }
      return System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(tickMs);
    }
    if (registry == null || registry.held().isEmpty()) {
      return NO_GRANT;
    }
    long now = System.nanoTime();
    checkGrants(registry, now);
    long delay = MAX_SLEEP_NANOS;
    boolean anyHeld = false;
    for (ZkGrant g : registry.held()) {
      anyHeld |= g.isHeld();
      delay = Math.min(delay, g.checkDelayNanos(now));
    }
    LeaderContact lc = contact;
    if (lc != null && anyHeld) {
      delay = Math.min(delay, keepAliveDelayNanos(lc, now));
    }
    return now + delay;
  }

  /**
   * The time until the keep-alive needs looking at: when it is due, or one tick while it cannot be
   * sent (one is in flight, or the client is not connected), so that a due keep-alive that waits
   * for the connection does not make the monitor spin.
   */
  private long keepAliveDelayNanos(LeaderContact lc, long now) {
    ZooKeeper zk;
    boolean inFlight;
    synchronized (this) {
      zk = handle;
      inFlight = keepAliveInFlight;
    }
    if (inFlight || zk == null || !zk.getState().isConnected()) {
      return TimeUnit.MILLISECONDS.toNanos(tickMs);
    }
    return lc.keepAliveDelayNanos(now);
  }

  private void checkGrants(GrantRegistry registry, long now) {
    for (ZkGrant g : registry.held()) {
      g.checkDeadline(now);
    }
    // Refresh every S/6 (and S/6 after the last reply): a sync and a read of the own node.
    for (ZkGrant g : registry.held()) {
      if (g.refreshDue(now) && g.isHeld()) {
        refresh(g);
      }
    }
    keepAlive(now); // after the refreshes: a refresh sent now is the touch
  }

  /**
   * Proves the grant's session alive as the leader sees it: {@code sync} (which the leader must
   * answer), then a read of the grant's own node checking its owner and czxid. Both replies are
   * touches (the server this client is connected to heard from the session); the sync's answer,
   * once the read confirmed the node, is a leader read, which moves the safety deadline to {@link
   * LeaderContact#leaderReached the leader's last contact} + S - reserve.
   */
  private static void refresh(ZkGrant g) {
    long sentAt = System.nanoTime();
    g.leaderContact().sending(sentAt);
    ZooKeeper zk = g.zk();
    zk.sync(
        g.primaryPath(),
        (rc, path, ctx) -> {
          if (Code.get(rc) != Code.OK) {
            loseIfKnown(g, lossOf(Code.get(rc)));
            return;
          }
          g.touched(sentAt);
          long readSentAt = System.nanoTime();
          zk.exists(
              g.primaryPath(),
              false,
              (rc2, p2, c2, stat) -> {
                if (Code.get(rc2) != Code.OK) {
                  loseIfKnown(g, lossOf(Code.get(rc2)));
                } else if (stat.getEphemeralOwner() == g.sessionId()
                    && stat.getCzxid() == g.primaryCzxid()) {
                  g.touched(readSentAt);
                  g.leaderReached(sentAt);
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
    LeaderContact lc = contact;
    if (lc != null) {
      lc.connectionChanged(); // a single server holds for one connection only
    }
    if (reason != null && registry != null) {
      registry.loseAll(reason);
    } else if ((state == ConnectionState.CONNECTED || state == ConnectionState.RECONNECTED)
        && clusterData != null) {
      clusterData.invalidate(); // CONNECTED, RECONNECTED: read the cluster data again
    }
  }

  // ---------------------------------------------------------------- the leader's last contact

  /**
   * The ping window W as a fraction of S: a follower reports the sessions it heard from to the
   * leader only in its answers to the leader's pings, sent every tickTime/2. The engine assumes
   * tickTime <= S/4 (a session of at least 4 ticks), so pings are at most S/8 apart; W = S/6 leaves
   * S/24 for the leader's ping loop, the network and the follower's answer.
   */
  static final int PING_WINDOW_DIVISOR = 6;

  /**
   * The lower bound of the leader's last contact with a grant's session (on the monotonic clock),
   * derived from the grant's round trips. See docs/design.md, "The safety deadline as the leader
   * sees it".
   *
   * <ul>
   *   <li>A <b>touch</b> is a request sent at t whose reply came at r: the server this client is
   *       connected to heard from the session at some time in (t, r). If that server is a follower,
   *       the leader learns of it only from the follower's next ping answer.
   *   <li>A <b>leader read</b> is a request sent at t that the leader itself answered (a {@code
   *       sync}, a write): the leader has read every ping answer the follower sent before it
   *       forwarded the request, i.e. every answer sent before t at the latest.
   *   <li>Between a touch and a leader read sent at least W = S/6 after the touch's reply, the
   *       leader pinged the follower at least once, and that ping's answer (listing the session)
   *       reached the leader before the leader read: the leader's last contact is then no earlier
   *       than the touch's send time.
   *   <li>Whatever the touches, the ZooKeeper client sends (a request or its own ping) at least
   *       every S/3, so a leader read sent at t also proves a leader contact no earlier than t - W
   *       - S/3 = t - S/2.
   * </ul>
   */
  static final class LeaderContact implements Watcher {

    /** The touches kept: one per W/4 of reply times, enough for several windows. */
    private static final int MAX_TOUCHES = 16;

    private final long sessionId;
    private final long windowNanos;
    private final long fallbackNanos;
    private final ArrayDeque<long[]> touches = new ArrayDeque<>();
    private static final int MODE_UNKNOWN = 0;
    private static final int MODE_SINGLE = 1;
    private static final int MODE_SEVERAL = 2;
    private volatile int mode = MODE_UNKNOWN;
    private long generation;
    private boolean bounded;
    private long boundNanos;
    private volatile long lastSentNanos;
    private volatile long lastReplyNanos;

    /**
     * @param sessionId the session
     * @param sessionNanos S
     * @param nowNanos the time the engine first saw the session (no touch known before)
     */
    LeaderContact(long sessionId, long sessionNanos, long nowNanos) {
      this.sessionId = sessionId;
      this.windowNanos = sessionNanos / PING_WINDOW_DIVISOR;
      this.fallbackNanos = sessionNanos / 2;
      this.lastSentNanos = nowNanos - windowNanos;
      this.lastReplyNanos = nowNanos - windowNanos;
    }

    long sessionId() {
      return sessionId;
    }

    /**
     * Whether the current connection is to a single server (every answer is the leader's): known
     * and true. Unknown (never read, the read failed, or a connection event came since) is false.
     */
    boolean singleServer() {
      return mode == MODE_SINGLE;
    }

    /** Whether the kind of server of the current connection is known. */
    boolean modeKnown() {
      return mode != MODE_UNKNOWN;
    }

    /** The count of connection events so far; a read started before one is stale. */
    synchronized long connectionGeneration() {
      return generation;
    }

    /**
     * Records a read of the configuration started at connection generation {@code startedAt}: true
     * (single), false (several), null (failed: unknown, read again next time). A read that a
     * connection event overtook is dropped.
     */
    synchronized void modeRead(@Nullable Boolean single, long startedAt) {
      if (startedAt == generation) {
        mode = single == null ? MODE_UNKNOWN : single ? MODE_SINGLE : MODE_SEVERAL;
      }
    }

    /** Forgets the kind of server: the connection changed (or may have). */
    synchronized void connectionChanged() {
      generation++;
      mode = MODE_UNKNOWN;
    }

    /**
     * The configuration read's watcher: a disconnect, an expiry, a reconnection or a
     * reconfiguration makes the mode unknown. It runs on the client's event thread, which also runs
     * the callbacks of later replies (refreshes), in order.
     */
    @Override
    public void process(WatchedEvent event) {
      connectionChanged();
    }

    /** The ping window W. */
    long windowNanos() {
      return windowNanos;
    }

    /** Notes that a request that will be a touch if answered is sent now. */
    void sending(long nowNanos) {
      lastSentNanos = nowNanos;
    }

    /**
     * The time until a keep-alive touch is due ({@link #keepAliveDue}), in nanoseconds; at most
     * {@link #MAX_SLEEP_NANOS} when none will be (a single server). Sends and replies only move it
     * later.
     */
    long keepAliveDelayNanos(long nowNanos) {
      if (singleServer()) {
        return MAX_SLEEP_NANOS;
      }
      long last = lastSentNanos - lastReplyNanos > 0 ? lastSentNanos : lastReplyNanos;
      return Math.max(0, last + windowNanos - nowNanos);
    }

    /** Whether the session needs a keep-alive touch: nothing sent or answered for W. */
    boolean keepAliveDue(long nowNanos) {
      if (singleServer()) {
        return false; // every leader read is its own proof: nothing to keep touched
      }
      return nowNanos - lastSentNanos >= windowNanos && nowNanos - lastReplyNanos >= windowNanos;
    }

    /** Records a touch: a request sent at {@code sentAt} answered by {@code repliedAt}. */
    synchronized void touched(long sentAt, long repliedAt) {
      lastReplyNanos = repliedAt;
      long[] last = touches.peekLast();
      if (last != null && repliedAt - last[1] < windowNanos / 4) {
        // One entry per W/4: the newest send, and a reply no earlier than either (a weaker,
        // still true claim: the later touch arrived before the later reply).
        last[0] = Math.max(last[0], sentAt);
        last[1] = Math.max(last[1], repliedAt);
        return;
      }
      touches.addLast(new long[] {sentAt, repliedAt});
      if (touches.size() > MAX_TOUCHES) {
        touches.removeFirst(); // only makes the bound more conservative
      }
    }

    /**
     * Records a leader read sent at {@code sentAt}; returns the new lower bound of the leader's
     * last contact.
     */
    synchronized long leaderReached(long sentAt) {
      if (singleServer()) {
        // The leader itself answered: it heard from the session after sentAt.
        if (!bounded || sentAt - boundNanos > 0) {
          boundNanos = sentAt;
          bounded = true;
        }
        return boundNanos;
      }
      long bound = sentAt - fallbackNanos;
      long[] newest = null;
      for (long[] t : touches) {
        if (sentAt - t[1] >= windowNanos && (newest == null || t[0] - newest[0] > 0)) {
          newest = t;
        }
      }
      if (newest != null) {
        if (newest[0] - bound > 0) {
          bound = newest[0];
        }
        // Older touches can never beat this one for a later leader read.
        while (!touches.isEmpty() && touches.peekFirst()[0] - newest[0] < 0) {
          touches.removeFirst();
        }
      }
      if (!bounded || bound - boundNanos > 0) {
        boundNanos = bound;
        bounded = true;
      }
      return boundNanos;
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
