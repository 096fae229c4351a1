/*
 * Copyright 2026 the switchman authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package io.switchman.cli;

import io.switchman.core.Acquisition;
import io.switchman.core.Grant;
import io.switchman.core.LossReason;
import io.switchman.core.SwitchmanEngine;
import io.switchman.core.SwitchmanException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * The grant of {@code --no-lock} without {@code --lease} (switchman 1.16's jobs that use only
 * groups): no node is created and nothing is fenced (fencing token 0). With {@code -g GROUP}, the
 * job runs while this host belongs to the group: the grant is lost ({@code LEFT_GROUP}) when the
 * watched cluster data no longer lists the host or the group, ({@code CLUSTER_DATA_INVALID}) when
 * the data became invalid, and ({@code SESSION_LOST}) when membership could not be confirmed for a
 * session timeout; its safety deadline is the last confirmation plus the session timeout. Without a
 * group nothing guards the job, as in switchman 1.16.
 */
final class GroupGrant implements Grant {

  private static final long CHECK_MS = 200;
  private static final long UNBOUNDED_NANOS = TimeUnit.DAYS.toNanos(365L * 100);

  private final SwitchmanEngine engine;
  private final String name;
  private final @Nullable String group;
  private final long sessionTimeoutNanos;
  private final Instant acquiredAt = Instant.now();
  private final long sessionId;
  private final List<Consumer<LossReason>> listeners = new ArrayList<>();
  private final @Nullable ScheduledExecutorService checker;
  private volatile long confirmedNanos = System.nanoTime();
  private volatile @Nullable LossReason loss;
  private volatile boolean released;

  private GroupGrant(
      SwitchmanEngine engine, String name, @Nullable String group, long sessionTimeoutMs) {
    this.engine = engine;
    this.name = name;
    this.group = group;
    this.sessionTimeoutNanos = TimeUnit.MILLISECONDS.toNanos(sessionTimeoutMs);
    this.sessionId = engine.sessionId();
    if (group == null) {
      checker = null;
      return;
    }
    checker =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "switchman-group-check");
              t.setDaemon(true);
              return t;
            });
    checker.scheduleWithFixedDelay(this::check, CHECK_MS, CHECK_MS, TimeUnit.MILLISECONDS);
  }

  /**
   * Checks the group (if any) and returns the grant, or the skip when this host is not in it.
   *
   * @throws SwitchmanException when the group is not described or ZooKeeper is unreachable
   */
  static Acquisition acquire(
      SwitchmanEngine engine, String name, @Nullable String group, long sessionTimeoutMs)
      throws InterruptedException {
    if (group != null && !engine.clusterData().isMember(group, engine.host().fqdn())) {
      return new Acquisition(
          Acquisition.Outcome.NOT_IN_GROUP,
          null,
          "host " + engine.host().fqdn() + " is not in group '" + group + "'");
    }
    return new Acquisition(
        Acquisition.Outcome.ACQUIRED,
        new GroupGrant(engine, name, group, sessionTimeoutMs),
        group == null ? "no lock, no lease" : "host in group '" + group + "'");
  }

  private void check() {
    if (released || loss != null || group == null) {
      return;
    }
    try {
      if (engine.clusterData().isMember(group, engine.host().fqdn())) {
        confirmedNanos = System.nanoTime();
        return;
      }
      lose(LossReason.LEFT_GROUP);
    } catch (SwitchmanException e) {
      if (e.kind() == SwitchmanException.Kind.UNKNOWN_GROUP) {
        lose(LossReason.LEFT_GROUP);
      } else if (e.kind() == SwitchmanException.Kind.INVALID_CLUSTER_DATA) {
        lose(LossReason.CLUSTER_DATA_INVALID);
      } else if (System.nanoTime() - confirmedNanos > sessionTimeoutNanos) {
        lose(LossReason.SESSION_LOST);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException e) {
      if (System.nanoTime() - confirmedNanos > sessionTimeoutNanos) {
        lose(LossReason.SESSION_LOST);
      }
    }
  }

  private void lose(LossReason reason) {
    List<Consumer<LossReason>> toTell;
    synchronized (listeners) {
      if (loss != null || released) {
        return;
      }
      loss = reason;
      toTell = List.copyOf(listeners);
    }
    toTell.forEach(l -> tell(l, reason));
  }

  private static void tell(Consumer<LossReason> listener, LossReason reason) {
    try {
      listener.accept(reason);
    } catch (RuntimeException e) {
      CliLog.warn("A loss listener failed: " + e);
    }
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public boolean hasLock() {
    return false;
  }

  @Override
  public long fencingToken() {
    return 0;
  }

  @Override
  public List<HeldLease> leases() {
    return List.of();
  }

  @Override
  public long sessionId() {
    return sessionId;
  }

  @Override
  public Instant acquiredAt() {
    return acquiredAt;
  }

  @Override
  public boolean isHeld() {
    return !released && loss == null;
  }

  @Override
  public Optional<LossReason> lossReason() {
    return Optional.ofNullable(loss);
  }

  @Override
  public long safeUntilNanos() {
    return confirmedNanos + (group == null ? UNBOUNDED_NANOS : sessionTimeoutNanos);
  }

  @Override
  public void onLoss(Consumer<LossReason> listener) {
    LossReason lost;
    synchronized (listeners) {
      lost = loss;
      if (lost == null) {
        listeners.add(listener);
        return;
      }
    }
    tell(listener, lost);
  }

  @Override
  public void release() {
    released = true;
    if (checker != null) {
      checker.shutdownNow();
    }
  }

  @Override
  public String toString() {
    return group == null ? "no lock and no lease" : "membership of group '" + group + "'";
  }
}
