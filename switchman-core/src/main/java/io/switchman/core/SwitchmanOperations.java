/*
 * Copyright 2026 the switchman authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package io.switchman.core;

import io.switchman.core.Acquisition.Outcome;
import io.switchman.core.OperationResult.Action;
import io.switchman.core.internal.Durations;
import io.switchman.core.internal.Names;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.Op;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.data.Stat;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An operator's actions on a lock, fleet-wide ({@link SwitchmanEngine#operations()}): pause,
 * resume, abort. Compatible with switchman 1.16 hosts on the same ensemble.
 *
 * <ul>
 *   <li><b>Pause</b>: a persistent node at {@code P/locks/<name>} whose data is a {@link Pause}
 *       line. switchman 1.16 hosts find the lock held and skip; this engine skips with the outcome
 *       {@link Outcome#PAUSED}. A running job's node is replaced by the pause node in one {@code
 *       multi} ({@link PauseMode#ABORT}), or the pause waits for the run to end ({@link
 *       PauseMode#waitFor}), else the pause is refused ({@code LOCK_HELD}). The pause node is
 *       created at version 1 (create and set in one {@code multi}), so that a holder's release,
 *       which deletes its node at version 0 unless it saw it touched, cannot delete it.
 *   <li><b>Resume</b>: deletes the pause node, and only a pause node (ephemeral owner 0), at the
 *       version read.
 *   <li><b>Abort</b>: deletes the running holder's node, at the version read; the holder sees it
 *       deleted and stops (this engine: loss {@code NODE_DELETED}; switchman 1.16: its watch).
 * </ul>
 *
 * <p>Every action is logged at INFO with who, when and why. Refusals throw {@link
 * SwitchmanException} of kind {@code LOCK_HELD}, {@code LOCK_PAUSED} or {@code LOCK_FREE}; bad
 * input {@code INVALID_ARGUMENT}; ZooKeeper failures {@code UNAVAILABLE}. Reads that decide an
 * action go through the leader ({@code sync} first). Thread-safe.
 */
public final class SwitchmanOperations {

  private static final Logger log = LoggerFactory.getLogger(SwitchmanOperations.class);

  /** How often an action re-reads the node when it changed under it before giving up. */
  private static final int ATTEMPTS = 20;

  private final ZkSession session;
  private final GrantRegistry registry;
  private final HostFacts host;
  private final @Nullable String operator;

  SwitchmanOperations(
      ZkSession session, GrantRegistry registry, HostFacts host, @Nullable String operator) {
    this.session = session;
    this.registry = registry;
    this.host = host;
    this.operator = Pause.checkOperator(operator);
  }

  /**
   * The same operations, recorded as done by {@code operator} (a user or principal name; spaces
   * become {@code _}): the pause line says {@code by <operator>}, the log lines name it.
   */
  public SwitchmanOperations by(@Nullable String operator) {
    return new SwitchmanOperations(session, registry, host, operator);
  }

  /** Who acts: {@code operator@host}, or the host. */
  public String who() {
    return operator != null ? operator + "@" + host.fqdn() : host.fqdn();
  }

  // ---------------------------------------------------------------- pause

  /**
   * Pauses lock {@code name}.
   *
   * @param reason why (one line, at most {@value Pause#MAX_REASON_LENGTH} characters), or null for
   *     none; an empty or blank reason is an error
   * @param mode what to do when a running job holds the lock
   * @return the pause, and the job aborted if any
   * @throws SwitchmanException {@code LOCK_HELD} when a job holds the lock (with {@link
   *     PauseMode#FAIL_IF_HELD}, or still after the wait), {@code LOCK_PAUSED} when it is paused
   *     already, {@code INVALID_ARGUMENT} for a bad name or reason, {@code UNAVAILABLE}
   */
  public OperationResult pause(String name, @Nullable String reason, PauseMode mode)
      throws InterruptedException {
    Names.checkLockName(name);
    Pause pause = Pause.now(host.fqdn(), operator, reason);
    ZooKeeper zk = session.connectedZooKeeper();
    String path = session.layout().lock(name);
    try {
      session.ensureParents(zk, session.layout().locksDir());
      if (mode.kind() == PauseMode.Kind.WAIT) {
        return pauseAfterRun(zk, name, path, pause, mode);
      }
      for (int i = 0; i < ATTEMPTS; i++) {
        Node n = read(zk, path);
        if (n == null) {
          if (createPause(zk, path, pause)) {
            return paused(name, pause, null);
          }
        } else if (n.isPause()) {
          throw alreadyPaused(name, n);
        } else if (mode.kind() == PauseMode.Kind.FAIL_IF_HELD) {
          throw new SwitchmanException(
              SwitchmanException.Kind.LOCK_HELD,
              "Cannot pause lock '"
                  + name
                  + "': a running job holds it ("
                  + n.describeHolder()
                  + "); pause with abort to stop it, or with a wait to pause once it ends");
        } else if (replaceByPause(zk, path, n, pause)) {
          return paused(name, pause, n.info(name));
        }
      }
      throw changing(name);
    } catch (KeeperException e) {
      throw session.unavailable("while pausing lock '" + name + "'", e);
    }
  }

  /** Creates the pause node (version 1); false if the path is taken. */
  private boolean createPause(ZooKeeper zk, String path, Pause pause)
      throws KeeperException, InterruptedException {
    byte[] data = pause.data();
    return commit(
        zk,
        path,
        pause,
        List.of(
            Op.create(path, data, session.acl(), CreateMode.PERSISTENT),
            Op.setData(path, data, 0)));
  }

  /** Replaces the holder's node (at the version read) by the pause node; false if it changed. */
  private boolean replaceByPause(ZooKeeper zk, String path, Node holder, Pause pause)
      throws KeeperException, InterruptedException {
    byte[] data = pause.data();
    return commit(
        zk,
        path,
        pause,
        List.of(
            Op.delete(path, holder.stat.getVersion()),
            Op.create(path, data, session.acl(), CreateMode.PERSISTENT),
            Op.setData(path, data, 0)));
  }

  /**
   * Runs a transaction that ends with the pause node at {@code path}: true if it committed, false
   * if the node was not as expected. A lost reply is resolved by reading the node after a sync: the
   * pause line (host, pid, instant to the millisecond) is this call's own.
   */
  private boolean commit(ZooKeeper zk, String path, Pause pause, List<Op> ops)
      throws KeeperException, InterruptedException {
    try {
      zk.multi(ops);
      return true;
    } catch (KeeperException.NodeExistsException
        | KeeperException.NoNodeException
        | KeeperException.BadVersionException e) {
      return false;
    } catch (KeeperException.ConnectionLossException e) {
      Node n = readAfterReconnect(zk, path);
      return n != null && n.isPause() && Arrays.equals(n.data, pause.data());
    }
  }

  /**
   * The pause taken as soon as the current run ends, in arrival order with the requests waiting for
   * the lock: a waiter node {@code P/waiters/<name>/pause-<seq>} (data: the pause line) in the lock
   * protocol's queue; at the head, the pause node is created when the lock node is deleted.
   */
  private OperationResult pauseAfterRun(
      ZooKeeper zk, String name, String path, Pause pause, PauseMode mode)
      throws KeeperException, InterruptedException {
    GrantRequest request = GrantRequest.builder(name).lockWait(mode.maxWait()).build();
    Attempt attempt = new Attempt(zk, session, request);
    LockQueue queue =
        new LockQueue(
            attempt,
            registry,
            System.nanoTime(),
            () -> createPause(zk, path, pause),
            "pause-",
            pause.data());
    try {
      Acquisition skipped = queue.take(false);
      if (skipped == null) {
        return paused(name, pause, null);
      }
      if (skipped.outcome() == Outcome.PAUSED) {
        Node n = read(zk, path);
        if (n != null && n.isPause()) {
          throw alreadyPaused(name, n);
        }
      }
      Node n = read(zk, path);
      throw new SwitchmanException(
          SwitchmanException.Kind.LOCK_HELD,
          "Cannot pause lock '"
              + name
              + "': a running job still holds it after waiting "
              + Durations.format(mode.maxWait())
              + (n != null && !n.isPause() ? " (" + n.describeHolder() + ")" : ""));
    } finally {
      attempt.abandon(null, 0, () -> {});
      attempt.removeWatches();
    }
  }

  private OperationResult paused(
      String name, Pause pause, ClusterStatus.@Nullable LockInfo aborted) {
    String message =
        "Paused lock '"
            + name
            + "' ("
            + pause.describe()
            + ")"
            + (aborted != null
                ? "; aborted the running job of "
                    + aborted.holder()
                    + " (fencing token "
                    + aborted.fencingToken()
                    + ", since "
                    + aborted.since()
                    + ")"
                : "");
    log.info(message);
    return new OperationResult(Action.PAUSE, name, pause, aborted, message);
  }

  // ---------------------------------------------------------------- resume

  /**
   * Resumes lock {@code name}: deletes its pause node, and only a pause node.
   *
   * @return the pause removed
   * @throws SwitchmanException {@code LOCK_HELD} when a running job holds the lock (resume never
   *     deletes a holder's node), {@code LOCK_FREE} when it is not paused, {@code INVALID_ARGUMENT}
   *     for a bad name, {@code UNAVAILABLE}
   */
  public OperationResult resume(String name) throws InterruptedException {
    Names.checkLockName(name);
    ZooKeeper zk = session.connectedZooKeeper();
    String path = session.layout().lock(name);
    try {
      for (int i = 0; i < ATTEMPTS; i++) {
        Node n = read(zk, path);
        if (n == null) {
          throw new SwitchmanException(
              SwitchmanException.Kind.LOCK_FREE,
              "Cannot resume lock '" + name + "': it is not paused (no node at " + path + ")");
        }
        if (!n.isPause()) {
          throw new SwitchmanException(
              SwitchmanException.Kind.LOCK_HELD,
              "Cannot resume lock '"
                  + name
                  + "': it is not paused but held by a running job ("
                  + n.describeHolder()
                  + "); resume deletes only a pause node, abort stops a running job");
        }
        if (delete(zk, path, n)) {
          Pause pause = n.pause();
          String message =
              "Resumed lock '" + name + "' (by " + who() + ", it was " + pause.describe() + ")";
          log.info(message);
          return new OperationResult(Action.RESUME, name, pause, null, message);
        }
      }
      throw changing(name);
    } catch (KeeperException e) {
      throw session.unavailable("while resuming lock '" + name + "'", e);
    }
  }

  // ---------------------------------------------------------------- abort

  /**
   * Aborts the job running under lock {@code name}: deletes its holder's node, the node that was
   * read and only at the version read. The holder sees its node deleted and stops; the next run may
   * take the lock.
   *
   * @param reason why (logged), or null; an empty or blank reason is an error
   * @return the job aborted
   * @throws SwitchmanException {@code LOCK_FREE} when no job holds the lock, {@code LOCK_PAUSED}
   *     when it is paused (no job runs), {@code INVALID_ARGUMENT} for a bad name or reason, {@code
   *     UNAVAILABLE}
   */
  public OperationResult abort(String name, @Nullable String reason) throws InterruptedException {
    Names.checkLockName(name);
    String why = Pause.checkReason(reason);
    ZooKeeper zk = session.connectedZooKeeper();
    String path = session.layout().lock(name);
    try {
      for (int i = 0; i < ATTEMPTS; i++) {
        Node n = read(zk, path);
        if (n == null) {
          throw new SwitchmanException(
              SwitchmanException.Kind.LOCK_FREE,
              "Cannot abort lock '" + name + "': no job holds it (no node at " + path + ")");
        }
        if (n.isPause()) {
          throw new SwitchmanException(
              SwitchmanException.Kind.LOCK_PAUSED,
              "Cannot abort lock '"
                  + name
                  + "': no job runs, it is "
                  + n.pause().describe()
                  + "; resume it instead");
        }
        if (delete(zk, path, n)) {
          ClusterStatus.LockInfo info = n.info(name);
          String message =
              "Aborted the job of lock '"
                  + name
                  + "' ("
                  + n.describeHolder()
                  + ") by "
                  + who()
                  + " at "
                  + Instant.now()
                  + (why.isEmpty() ? "" : ": " + why);
          log.info(message);
          return new OperationResult(Action.ABORT, name, null, info, message);
        }
      }
      throw changing(name);
    } catch (KeeperException e) {
      throw session.unavailable("while aborting lock '" + name + "'", e);
    }
  }

  /** Deletes the node read, at its version; false if it changed or went meanwhile. */
  private boolean delete(ZooKeeper zk, String path, Node n)
      throws KeeperException, InterruptedException {
    try {
      zk.delete(path, n.stat.getVersion());
      return true;
    } catch (KeeperException.NoNodeException | KeeperException.BadVersionException e) {
      return false;
    } catch (KeeperException.ConnectionLossException e) {
      Node now = readAfterReconnect(zk, path);
      return now == null || now.stat.getCzxid() != n.stat.getCzxid();
    }
  }

  // ---------------------------------------------------------------- reads

  /** A lock node as read: its stat and data. */
  private record Node(Stat stat, byte[] data) {
    boolean isPause() {
      return stat.getEphemeralOwner() == 0;
    }

    Pause pause() {
      return Pause.parse(data, Instant.ofEpochMilli(stat.getCtime()));
    }

    String holder() {
      return new String(data, java.nio.charset.StandardCharsets.UTF_8);
    }

    String describeHolder() {
      return "holder "
          + holder()
          + ", fencing token "
          + stat.getCzxid()
          + ", since "
          + Instant.ofEpochMilli(stat.getCtime());
    }

    ClusterStatus.LockInfo info(String name) {
      return new ClusterStatus.LockInfo(
          name,
          holder(),
          Instant.ofEpochMilli(stat.getCtime()),
          stat.getCzxid(),
          stat.getEphemeralOwner(),
          isPause() ? pause() : null);
    }
  }

  /** The node after a sync (so no older than any write before), or null. */
  private static @Nullable Node read(ZooKeeper zk, String path)
      throws KeeperException, InterruptedException {
    zk.sync(path);
    Stat stat = new Stat();
    try {
      byte[] data = zk.getData(path, false, stat);
      return new Node(stat, data == null ? new byte[0] : data);
    } catch (KeeperException.NoNodeException e) {
      return null;
    }
  }

  /** {@link #read}, retried on connection loss while the session lives, up to the timeout. */
  private @Nullable Node readAfterReconnect(ZooKeeper zk, String path)
      throws KeeperException, InterruptedException {
    long deadline = System.nanoTime() + session.operationTimeout().toNanos();
    while (true) {
      try {
        return read(zk, path);
      } catch (KeeperException.ConnectionLossException e) {
        if (!zk.getState().isAlive() || System.nanoTime() - deadline > 0) {
          throw e;
        }
        TimeUnit.MILLISECONDS.sleep(50);
      }
    }
  }

  private static SwitchmanException alreadyPaused(String name, Node n) {
    return new SwitchmanException(
        SwitchmanException.Kind.LOCK_PAUSED,
        "Cannot pause lock '" + name + "': it is already " + n.pause().describe());
  }

  private static SwitchmanException changing(String name) {
    return new SwitchmanException(
        SwitchmanException.Kind.UNAVAILABLE,
        "Lock '" + name + "' kept changing while it was read " + ATTEMPTS + " times; try again");
  }
}
