/*
 * Copyright 2026 the switchman authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package io.switchman.verification;

import java.util.Locale;

/** The faults the schedule injects; each has a {@link #tag()} used in the fault-kinds line. */
public enum FaultKind {
  /** The holder's proxy drops everything for longer than S: its session expires. */
  PARTITION_HOLDER,
  /** A worker that waits for the lock is partitioned for longer than S. */
  PARTITION_WAITER,
  /** The holder's process gets {@code kill -9}; it is started again. */
  KILL_HOLDER,
  /** The holder's process is frozen with {@code SIGSTOP} for longer than S, then resumed. */
  PAUSE_HOLDER,
  /** A follower server is killed, then restarted (a standalone server: the server). */
  KILL_FOLLOWER,
  /** The leader is killed, then restarted. */
  KILL_LEADER,
  /** Every server is killed, then all are started again. */
  RESTART_ENSEMBLE,
  /** Every worker's proxy delays each chunk for a while. */
  SLOW_NETWORK,
  /**
   * The links between servers are cut (per-pair proxies on the quorum and election ports), sockets
   * kept open, for longer than S: either a follower from the leader (the follower a holder is
   * connected to, when there is one; target {@code follower:zkF-leader:zkL}), or the leader from
   * both followers (target {@code leader:zkL}). Needs three servers.
   */
  QUORUM_PARTITION,
  /**
   * {@code kill -KILL -PGID} of a CLI worker's {@code switchman} process group (what {@code timeout
   * -s KILL} and supervisors do): the JVM and everything else in its group die at once.
   */
  KILL_CLI_GROUP,
  /**
   * The Spring Boot worker's lock job swallows interrupts (catches {@code InterruptedException} and
   * goes on) while its proxy is partitioned for longer than S.
   */
  SWALLOWED_INTERRUPT,
  /**
   * The Spring Boot worker's loss listener ({@code SwitchmanRunListener.stopping}) sleeps 3 s while
   * its proxy is partitioned for longer than S, so both of its grants (the lock and a lease) are
   * lost at once behind a slow listener.
   */
  SLOW_LISTENER,
  /**
   * Two faults at once: a holder's proxy is partitioned for longer than S while the leader is
   * killed (a leader election), then the leader restarts and the partition heals.
   */
  PARTITION_DURING_ELECTION;

  /** The kind's name in the fault-kinds line: lower case, words joined by {@code -}. */
  public String tag() {
    return name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  /** Whether the kind needs a quorum (three servers). */
  public boolean needsQuorum() {
    return this == QUORUM_PARTITION;
  }

  /** Whether the kind needs CLI workers. */
  public boolean needsCli() {
    return this == KILL_CLI_GROUP;
  }

  /** Whether the kind needs a Spring Boot worker. */
  public boolean needsSpring() {
    return this == SWALLOWED_INTERRUPT || this == SLOW_LISTENER;
  }
}
