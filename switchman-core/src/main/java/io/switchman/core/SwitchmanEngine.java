/*
 * Copyright 2026 the switchman authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package io.switchman.core;

import io.switchman.core.Acquisition.Outcome;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.state.ConnectionState;
import org.apache.curator.framework.state.ConnectionStateListener;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.KeeperException.Code;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.data.ACL;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The switchman engine: serves {@link GrantRequest}s on one {@link CuratorFramework} client, with
 * switchman 1.16's znode layout, so Perl switchman hosts and this engine exclude each other.
 *
 * <h2>Guarantees</h2>
 *
 * <ul>
 *   <li><b>Locks</b> are ephemeral nodes {@code P/locks/<name>}: at most one holder per name across
 *       the ensemble. A request either skips at once when the lock is held, or waits in arrival
 *       order (woken by watches, no polling).
 *   <li><b>Leases</b> are switchman's weighted semaphores, served strictly first in, first out per
 *       resource. All queues of one request are joined in a single {@code multi()} transaction, so
 *       every queue orders contenders alike and requests for several resources cannot deadlock.
 *       Only the head of a queue watches the leases.
 *   <li><b>Loss before takeover.</b> Each grant keeps a safety deadline {@code sendTime + S -
 *       stopBudget} (S: negotiated session timeout), refreshed by reading its own node at least
 *       every S/6; a watchdog on the monotonic clock declares the grant lost when it passes. A
 *       suspended connection, an expired session, a deleted or changed own node, and this host
 *       leaving the grant's group declare it lost at once. The holder has {@code stopBudget} left
 *       to stop before the server may expire the session and hand the lock to someone else.
 *   <li><b>Owner-checked release.</b> Nodes are deleted only through the session that created them,
 *       and the lock node only while it is provably this grant's.
 *   <li><b>Fail closed.</b> When ZooKeeper cannot be reached or the prefix znode's data is invalid,
 *       {@link #acquire} throws; it never grants without the nodes.
 * </ul>
 *
 * <p>The engine does not start or close the Curator client. It starts two daemon threads: the
 * watchdog and the thread that calls loss listeners. Thread-safe.
 */
public final class SwitchmanEngine implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(SwitchmanEngine.class);
  private static final byte[] EMPTY = new byte[0];

  private final CuratorFramework client;
  private final Layout layout;
  private final HostFacts host;
  private final Duration stopBudget;
  private final Duration operationTimeout;
  private final List<ACL> acl;
  private final byte[] holderData;

  private final Set<ZkGrant> grants = ConcurrentHashMap.newKeySet();
  private final Set<String> ensuredParents = ConcurrentHashMap.newKeySet();

  private final ConcurrentHashMap<String, Object> lockClaims = new ConcurrentHashMap<>();

  /** Ephemeral sequential nodes this engine created and has not deleted yet. */
  private final Set<String> ownNodes = ConcurrentHashMap.newKeySet();

  private final ScheduledExecutorService watchdog;
  private final ExecutorService notifier;
  private final ConnectionStateListener connectionListener = this::connectionStateChanged;
  private final ClusterDataCache clusterData;
  private final List<Consumer<Grant>> lossObservers =
      new java.util.concurrent.CopyOnWriteArrayList<>();
  private final long tickNanos;
  private volatile boolean closed;
  private volatile long warnedForSessionTimeoutMs = -1;

  private SwitchmanEngine(Builder b) {
    this.client = b.client;
    this.layout = new Layout(b.prefix);
    this.host = b.host != null ? b.host : HostFacts.local();
    this.stopBudget = b.stopBudget;
    this.operationTimeout = b.operationTimeout;
    this.acl =
        Collections.unmodifiableList(new ArrayList<>(b.acl)); // ZooKeeper calls contains(null)
    this.holderData =
        (host.fqdn() + " " + ProcessHandle.current().pid()).getBytes(StandardCharsets.UTF_8);
    this.watchdog = new ScheduledThreadPoolExecutor(1, daemon("switchman-watchdog"));
    this.notifier = Executors.newSingleThreadExecutor(daemon("switchman-loss-notifier"));
    this.clusterData = new ClusterDataCache(this, layout.prefix());
    client.getConnectionStateListenable().addListener(connectionListener);
    long tick = Math.max(10, Math.min(100, b.watchdogTick.toMillis()));
    this.tickNanos = TimeUnit.MILLISECONDS.toNanos(tick);
    watchdog.scheduleWithFixedDelay(this::watchdogTick, tick, tick, TimeUnit.MILLISECONDS);
  }

  /** A builder for an engine over {@code client}, which the caller starts and closes. */
  public static Builder builder(CuratorFramework client) {
    return new Builder(client);
  }

  /** Configures a {@link SwitchmanEngine}. */
  public static final class Builder {
    private final CuratorFramework client;
    private String prefix = "/switchman";
    private @Nullable HostFacts host;
    private Duration stopBudget = Duration.ofSeconds(2);
    private Duration operationTimeout = Duration.ofSeconds(15);
    private Duration watchdogTick = Duration.ofMillis(50);
    private List<ACL> acl = ZooDefs.Ids.OPEN_ACL_UNSAFE;

    private Builder(CuratorFramework client) {
      this.client = Objects.requireNonNull(client, "client");
    }

    /** The root znode; default {@code /switchman}. */
    public Builder prefix(String prefix) {
      this.prefix = Layout.checkPrefix(prefix);
      return this;
    }

    /** This host's identity and macros; default the local machine named by its FQDN. */
    public Builder host(HostFacts host) {
      this.host = host;
      return this;
    }

    /**
     * The time a holder needs to stop its work once told of a loss; the safety deadline is that
     * long before the earliest moment the server may expire the session. Default 2 s.
     */
    public Builder stopBudget(Duration stopBudget) {
      if (stopBudget.isNegative() || stopBudget.isZero()) {
        throw SwitchmanException.invalid(
            "Invalid stop budget " + stopBudget + ": must be positive");
      }
      this.stopBudget = stopBudget;
      return this;
    }

    /**
     * How long to wait for a connection before a request fails as unavailable, and for a release to
     * be confirmed. Default 15 s.
     */
    public Builder operationTimeout(Duration timeout) {
      if (timeout.isNegative() || timeout.isZero()) {
        throw SwitchmanException.invalid("Invalid operation timeout " + timeout);
      }
      this.operationTimeout = timeout;
      return this;
    }

    /** How often the watchdog compares deadlines with the clock; 10 to 100 ms, default 50. */
    public Builder watchdogTick(Duration tick) {
      this.watchdogTick = tick;
      return this;
    }

    /** The ACL of every node the engine creates; default open, as switchman. */
    public Builder acl(List<ACL> acl) {
      if (acl.isEmpty()) {
        throw SwitchmanException.invalid("The ACL must not be empty");
      }
      this.acl = acl;
      return this;
    }

    public SwitchmanEngine build() {
      return new SwitchmanEngine(this);
    }
  }

  private static ThreadFactory daemon(String name) {
    return r -> {
      Thread t = new Thread(r, name);
      t.setDaemon(true);
      return t;
    };
  }

  // ---------------------------------------------------------------- accessors

  /** The root znode. */
  public String prefix() {
    return layout.prefix();
  }

  /** This host's identity and macros. */
  public HostFacts host() {
    return host;
  }

  /** The time reserved for stopping a job between its safety deadline and possible takeover. */
  public Duration stopBudget() {
    return stopBudget;
  }

  Duration operationTimeout() {
    return operationTimeout;
  }

  List<ACL> acl() {
    return acl;
  }

  Layout layout() {
    return layout;
  }

  /** The grants this engine holds now. */
  public List<Grant> grants() {
    return List.copyOf(grants);
  }

  /**
   * The session timeout the server granted, or 0 while never connected. This, not the timeout asked
   * for, is the S of the safety deadline.
   */
  public int negotiatedSessionTimeoutMs() {
    return client.getZookeeperClient().getLastNegotiatedSessionTimeoutMs();
  }

  /** The current session's id, or 0 when not connected. */
  public long sessionId() {
    try {
      return client.getZookeeperClient().isConnected()
          ? client.getZookeeperClient().getZooKeeper().getSessionId()
          : 0;
    } catch (Exception e) {
      return 0;
    }
  }

  /** Whether the client is connected to ZooKeeper now. */
  public boolean isConnected() {
    return client.getZookeeperClient().isConnected();
  }

  /**
   * A warning when the stop budget does not fit the safety budget of the negotiated session timeout
   * S: the deadline must leave room for several refreshes (at most S/2 for stopping).
   */
  public Optional<String> safetyBudgetWarning() {
    int s = negotiatedSessionTimeoutMs();
    if (s <= 0) {
      return Optional.empty();
    }
    return StopBudget.warning(stopBudget, Duration.ofMillis(s));
  }

  /** Registers an observer told of every loss (for metrics); it must not block. */
  public void addLossObserver(Consumer<Grant> observer) {
    lossObservers.add(observer);
  }

  // ---------------------------------------------------------------- acquire

  /**
   * Serves a request: checks the group, takes the leases (all queues joined atomically, strict FIFO
   * per resource), then the lock.
   *
   * @return the grant, or why the job is skipped (busy, not in group, lock or lease wait ran out)
   * @throws SwitchmanException when the request is invalid (see {@link RequestPlan}), the cluster
   *     data is invalid or names no such resource or group, or ZooKeeper is unreachable; nothing is
   *     held then
   * @throws InterruptedException when interrupted while waiting; nothing is held then
   */
  public Acquisition acquire(GrantRequest request) throws InterruptedException {
    // Values that need no cluster data are checked before ZooKeeper is asked, so a bad amount
    // is reported as such even when ZooKeeper is unreachable.
    RequestPlan plan = RequestPlan.of(request, host);
    ZooKeeper zk = connectedZooKeeper();
    ClusterData data = clusterData.get(zk);
    if (request.group() != null && !data.isMember(request.group(), host.fqdn())) {
      return Acquisition.skipped(
          Outcome.NOT_IN_GROUP,
          "host " + host.fqdn() + " is not in group '" + request.group() + "'");
    }
    List<RequestPlan.Resolved> leases = plan.resolve(data, layout.prefix());
    Acquirer acquirer = new Acquirer(this, zk, request, leases);
    Acquisition result;
    try {
      result = acquirer.run();
    } catch (KeeperException e) {
      acquirer.abandon();
      if (e instanceof KeeperException.NoNodeException) {
        // A parent was removed (an operator's clean-up): create the parents again next time.
        ensuredParents.clear();
      }
      throw unavailable("while serving '" + request.name() + "'", e);
    } catch (InterruptedException | RuntimeException e) {
      acquirer.abandon();
      throw e;
    } finally {
      acquirer.removeWatches();
    }
    if (result.grant() instanceof ZkGrant g) {
      register(g);
    }
    return result;
  }

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

  byte[] holderData() {
    return holderData;
  }

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

  // ---------------------------------------------------------------- grant life cycle

  private void register(ZkGrant g) {
    grants.add(g);
    if (closed) {
      g.lose(LossReason.ENGINE_CLOSED);
      g.release();
      return;
    }
    warnOnceIfBudgetTooLarge(g);
    // A cluster data change between the group check and now must not go unnoticed.
    recheckGroup(g);
  }

  private void warnOnceIfBudgetTooLarge(ZkGrant g) {
    long s = TimeUnit.NANOSECONDS.toMillis(g.sessionTimeoutNanos());
    if (s != warnedForSessionTimeoutMs) {
      warnedForSessionTimeoutMs = s;
      safetyBudgetWarning().ifPresent(log::warn);
    }
  }

  void unregister(ZkGrant g) {
    grants.remove(g);
  }

  Set<String> ownNodes() {
    return ownNodes;
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
      watchdog.schedule(() -> sweepNow(zk, dirs), 200, TimeUnit.MILLISECONDS);
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
              if (ownNodes.contains(path)) {
                continue;
              }
              zk.exists(
                  path,
                  false,
                  (rc2, p2, c2, stat) -> {
                    if (Code.get(rc2) == Code.OK
                        && stat.getEphemeralOwner() == zk.getSessionId()
                        && !ownNodes.contains(path)) {
                      log.info("Deleting {}: a create whose reply was lost left it behind", path);
                      zk.delete(
                          path,
                          -1,
                          (rc3, p3, c3) -> {
                            if (Code.get(rc3) == Code.CONNECTIONLOSS) {
                              retryDeleteLater(zk, path, -1);
                            }
                          },
                          null);
                    }
                  },
                  null);
            }
          },
          null);
    }
  }

  void lost(ZkGrant g, LossReason reason) {
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
      watchdog.schedule(
          () ->
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
                  null),
          500,
          TimeUnit.MILLISECONDS);
    } catch (RejectedExecutionException e) {
      done.run(); // engine closing: the nodes go with the session
    }
  }

  /**
   * Lock paths that a request or grant of this engine is creating or holds, with their claimant.
   * All requests of an engine share one session, so without claims a request could not tell its own
   * lock node from another request's; with them, a node of this session at a claimed path is the
   * claimant's, and a second request of this JVM for a held lock is busy at once.
   */
  ConcurrentHashMap<String, Object> lockClaims() {
    return lockClaims;
  }

  /**
   * The time a grant's deadline reserves for its holder: the stop budget plus one watchdog tick,
   * the most the watchdog may notice a passed deadline late.
   */
  long reservedNanos() {
    return stopBudget.toNanos() + tickNanos;
  }

  private void watchdogTick() {
    try {
      checkGrants();
    } catch (Throwable t) {
      // A task that throws is cancelled for good: never let the safety deadline stop.
      log.error("The switchman watchdog failed; it goes on", t);
    }
  }

  private void checkGrants() {
    long now = System.nanoTime();
    for (ZkGrant g : grants) {
      g.checkDeadline(now);
    }
    // Refresh every S/6 at least: a read of the own node proves the session alive.
    for (ZkGrant g : grants) {
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
  private void refresh(ZkGrant g) {
    long sentAt = System.nanoTime();
    ZooKeeper zk = g.zk();
    zk.sync(
        g.primaryPath(),
        (rc, path, ctx) -> {
          if (Code.get(rc) != Code.OK) {
            refreshFailed(g, Code.get(rc));
            return;
          }
          zk.exists(
              g.primaryPath(),
              false,
              (rc2, p2, c2, stat) -> {
                if (Code.get(rc2) != Code.OK) {
                  refreshFailed(g, Code.get(rc2));
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

  private static void refreshFailed(ZkGrant g, Code code) {
    switch (code) {
      case NONODE -> g.lose(LossReason.NODE_DELETED);
      case SESSIONEXPIRED, SESSIONMOVED, AUTHFAILED -> g.lose(LossReason.SESSION_LOST);
      default -> {
        // connection loss: the deadline decides
      }
    }
  }

  private void connectionStateChanged(CuratorFramework c, ConnectionState state) {
    switch (state) {
      case SUSPENDED -> loseAll(LossReason.CONNECTION_SUSPENDED);
      case LOST -> loseAll(LossReason.SESSION_LOST);
      case RECONNECTED, CONNECTED -> clusterData.invalidate();
      default -> {}
    }
  }

  private void loseAll(LossReason reason) {
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

  // ---------------------------------------------------------------- cluster data and status

  /**
   * The prefix znode's data as this engine sees it (watched, re-read when it changes).
   *
   * @throws SwitchmanException when ZooKeeper is unreachable or the data is invalid
   */
  public ClusterData clusterData() throws InterruptedException {
    return clusterData.get(connectedZooKeeper());
  }

  /**
   * Validates {@code data} and writes it into the prefix znode, creating it (and its parents) if
   * missing.
   */
  public void writeClusterData(ClusterData data) throws InterruptedException {
    data.validate(host);
    ZooKeeper zk = connectedZooKeeper();
    byte[] json = data.toJson();
    try {
      try {
        zk.setData(layout.prefix(), json, -1);
      } catch (KeeperException.NoNodeException e) {
        int slash = layout.prefix().lastIndexOf('/');
        if (slash > 0) {
          mkdirs(zk, layout.prefix().substring(0, slash));
        }
        try {
          zk.create(layout.prefix(), json, acl, CreateMode.PERSISTENT);
        } catch (KeeperException.NodeExistsException race) {
          zk.setData(layout.prefix(), json, -1);
        }
      }
    } catch (KeeperException e) {
      throw unavailable("writing the cluster data to " + layout.prefix(), e);
    }
    clusterData.invalidate();
  }

  /** Everything under the prefix: locks with holders and tokens, queues, leases, own grants. */
  public ClusterStatus status() throws InterruptedException {
    ZooKeeper zk = connectedZooKeeper();
    try {
      return StatusReader.read(zk, layout, grants());
    } catch (KeeperException e) {
      throw unavailable("reading the status under " + layout.prefix(), e);
    }
  }

  // ---------------------------------------------------------------- close

  /**
   * Declares every grant lost ({@link LossReason#ENGINE_CLOSED}), releases it, and stops the
   * engine's threads. Does not close the Curator client.
   */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    client.getConnectionStateListenable().removeListener(connectionListener);
    List<ZkGrant> held = new ArrayList<>(grants);
    Collections.reverse(held);
    for (ZkGrant g : held) {
      g.lose(LossReason.ENGINE_CLOSED);
    }
    for (ZkGrant g : held) {
      g.release();
    }
    watchdog.shutdownNow();
    notifier.shutdown();
    try {
      notifier.awaitTermination(operationTimeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
