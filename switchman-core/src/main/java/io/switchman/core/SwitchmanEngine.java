/*
 * Copyright 2026 the switchman authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package io.switchman.core;

import io.switchman.core.Acquisition.Outcome;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import org.apache.curator.framework.CuratorFramework;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.data.ACL;
import org.jspecify.annotations.Nullable;

/**
 * The switchman engine: serves {@link GrantRequest}s on one {@link CuratorFramework} client, with
 * switchman 1.16's znode layout, so Perl switchman hosts and this engine exclude each other.
 *
 * <p>Its guarantees (locks, leases, loss before takeover, owner-checked release, fail closed) are
 * those of the package: see {@link io.switchman.core}.
 *
 * <p>The engine does not start or close the Curator client. It starts daemon threads: the safety
 * monitor ({@code switchman-safety-monitor}) and, on demand, the threads that call loss listeners
 * ({@code switchman-loss-notifier}, one per grant being told of its loss, so that a listener that
 * blocks delays no other grant's). Thread-safe.
 *
 * <p>This class is the facade; see the "Code map" of docs/design.md for the classes behind it.
 */
public final class SwitchmanEngine implements AutoCloseable {

  private final Layout layout;
  private final HostFacts host;
  private final Duration stopBudget;
  private final ZkSession session;
  private final SafetyMonitor monitor;
  private final ClusterDataCache clusterData;
  private final GrantRegistry grants;
  private final boolean previousLeaseProtocol;

  private SwitchmanEngine(Builder b) {
    this.previousLeaseProtocol = b.previousLeaseProtocol;
    CuratorFramework client = b.client;
    this.layout = new Layout(b.prefix);
    this.host = b.host != null ? b.host : HostFacts.local();
    this.stopBudget = b.stopBudget;
    List<ACL> acl =
        Collections.unmodifiableList(new ArrayList<>(b.acl)); // ZooKeeper calls contains(null)
    this.monitor = new SafetyMonitor(b.safetyMonitorTick);
    monitor.tickWhileIdle(b.tickWhileIdle);
    this.session =
        new ZkSession(client, layout, acl, b.operationTimeout, host, monitor.scheduler());
    this.clusterData = new ClusterDataCache(session, layout.prefix());
    this.grants = new GrantRegistry(session, host, stopBudget, clusterData);
    clusterData.onChange(grants::clusterDataChanged);
    monitor.start(grants, clusterData, client);
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
    private Duration safetyMonitorTick = Duration.ofMillis(50);
    private List<ACL> acl = ZooDefs.Ids.OPEN_ACL_UNSAFE;
    private boolean previousLeaseProtocol;
    private boolean tickWhileIdle;

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

    /**
     * For the benchmark's before/after comparison only (package-private, not API): serve leases
     * with the protocol as of issue 6 ({@link PreviousLeaseQueue}); same znode layout and data.
     */
    Builder previousLeaseProtocol(boolean previous) {
      this.previousLeaseProtocol = previous;
      return this;
    }

    /**
     * For the benchmark's before/after comparison only (package-private, not API): the safety
     * monitor ticks with no grant held too, as before issue 16.
     */
    Builder tickWhileIdle(boolean always) {
      this.tickWhileIdle = always;
      return this;
    }

    /** How often the safety monitor compares deadlines with the clock; 10 to 100 ms, default 50. */
    public Builder safetyMonitorTick(Duration tick) {
      this.safetyMonitorTick = tick;
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

  /** The grants this engine holds now. */
  public List<Grant> grants() {
    return List.copyOf(grants.held());
  }

  /**
   * The session timeout the server granted, or 0 while never connected. This, not the timeout asked
   * for, is the S of the safety deadline.
   */
  public int negotiatedSessionTimeoutMs() {
    return session.negotiatedSessionTimeoutMs();
  }

  /** The current session's id, or 0 when not connected. */
  public long sessionId() {
    return session.sessionId();
  }

  /** Whether the client is connected to ZooKeeper now. */
  public boolean isConnected() {
    return session.isConnected();
  }

  /**
   * A warning when the stop budget does not fit the negotiated session timeout S ({@link
   * StopBudget}: at most S/4 on an ensemble of several servers, S/2 on a single server; the rest
   * leaves room for the safety deadline's refreshes).
   */
  public Optional<String> safetyBudgetWarning() {
    int s = negotiatedSessionTimeoutMs();
    if (s <= 0) {
      return Optional.empty();
    }
    return StopBudget.warning(stopBudget, Duration.ofMillis(s), isSingleServer());
  }

  /**
   * Whether the ensemble of the current session is a single server (standalone, or a quorum of one
   * voting server): every answer is then the leader's, the safety deadline rests on each refresh's
   * send time, and a stop budget fits up to S/2 (else S/4). False when not connected or unsure.
   */
  public boolean isSingleServer() {
    ZooKeeper zk = session.connectedZooKeeperNow();
    if (zk == null) {
      return false;
    }
    // A connection event (the client's first CONNECTED, delivered late) may forget the kind right
    // after it was read: read it again, a few times.
    for (int i = 0; i < 3; i++) {
      SafetyMonitor.LeaderContact c = monitor.contactFor(zk);
      if (c.modeKnown()) {
        return c.singleServer();
      }
    }
    return false;
  }

  /**
   * Registers an observer told of every loss (for metrics), on a notifier thread after the grant's
   * loss listeners; it should not block (it would delay only its grant's later notifications).
   */
  public void addLossObserver(Consumer<Grant> observer) {
    grants.addLossObserver(observer);
  }

  // ---------------------------------------------------------------- acquire

  /**
   * Serves a request: checks it ({@link RequestPlan}), checks the group, takes the leases (all
   * queues joined atomically, strict FIFO per resource), then the lock.
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
    ZooKeeper zk = session.connectedZooKeeper();
    ClusterData data = clusterData.get(zk);
    if (request.group() != null && !data.isMember(request.group(), host.fqdn())) {
      return Acquisition.skipped(
          Outcome.NOT_IN_GROUP,
          "host " + host.fqdn() + " is not in group '" + request.group() + "'");
    }
    Acquirer acquirer =
        new Acquirer(
            session,
            grants,
            monitor.reservedNanos(stopBudget),
            monitor.contactFor(zk),
            zk,
            request,
            plan.resolve(data, layout.prefix()),
            previousLeaseProtocol);
    Acquisition result;
    try {
      result = acquirer.run();
    } catch (KeeperException e) {
      acquirer.abandon();
      if (e instanceof KeeperException.NoNodeException) {
        session.forgetAllParents();
      }
      throw session.unavailable("while serving '" + request.name() + "'", e);
    } catch (InterruptedException | RuntimeException e) {
      acquirer.abandon();
      throw e;
    } finally {
      acquirer.removeWatches();
    }
    if (result.grant() instanceof ZkGrant g) {
      grants.register(g);
    }
    return result;
  }

  /** For tests: the session's seams ({@link ZkSession#afterCreate}, sweep counters). */
  ZkSession session() {
    return session;
  }

  /** For tests: the safety monitor's thread, to block it (a descheduled monitor). */
  java.util.concurrent.ScheduledExecutorService monitorScheduler() {
    return monitor.scheduler();
  }

  /** For tests: sweeps {@code dirs} for orphans of {@code zk}'s session. */
  void sweepOrphans(ZooKeeper zk, Set<String> dirs) {
    session.sweepOrphans(zk, dirs);
  }

  // ---------------------------------------------------------------- cluster data and status

  /**
   * The prefix znode's data as this engine sees it (watched, re-read when it changes).
   *
   * @throws SwitchmanException when ZooKeeper is unreachable or the data is invalid
   */
  public ClusterData clusterData() throws InterruptedException {
    return clusterData.get(session.connectedZooKeeper());
  }

  /**
   * Validates {@code data} and writes it into the prefix znode, creating it (and its parents) if
   * missing.
   */
  public void writeClusterData(ClusterData data) throws InterruptedException {
    data.validate(host);
    session.writePersistent(session.connectedZooKeeper(), layout.prefix(), data.toJson());
    clusterData.invalidate();
  }

  /** Everything under the prefix: locks with holders and tokens, queues, leases, own grants. */
  public ClusterStatus status() throws InterruptedException {
    ZooKeeper zk = session.connectedZooKeeper();
    try {
      return StatusReader.read(zk, layout, grants());
    } catch (KeeperException e) {
      throw session.unavailable("reading the status under " + layout.prefix(), e);
    }
  }

  // ---------------------------------------------------------------- operator's actions

  /**
   * An operator's actions on locks, fleet-wide: pause, resume, abort ({@link SwitchmanOperations});
   * recorded as done by this host ({@link SwitchmanOperations#by} adds a user name).
   */
  public SwitchmanOperations operations() {
    return new SwitchmanOperations(session, grants, host, null);
  }

  // ---------------------------------------------------------------- close

  /**
   * Declares every grant lost ({@link LossReason#ENGINE_CLOSED}), releases it, and stops the
   * engine's threads. Does not close the Curator client.
   */
  @Override
  public void close() {
    if (session.isClosed()) {
      return;
    }
    session.close();
    monitor.stopListening(session.client());
    grants.closeAll();
    monitor.shutdown();
    grants.shutdownNotifier(session.operationTimeout());
  }
}
