/*
 * Copyright 2026 the switchman authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package io.switchman.core;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * A snapshot of everything under the prefix, for {@code switchman --status} and the actuator
 * endpoint.
 *
 * @param prefix the root znode
 * @param locks every lock node: who holds it, since when, with which fencing token
 * @param queues resource to the requests queued for it, in order
 * @param leases resource to the leases held on it
 * @param waiters lock name to the requests waiting for it, in order
 * @param clusterData the prefix znode's data as stored (raw text), or null if it does not exist
 * @param ownGrants the grants of the engine that took the snapshot
 */
public record ClusterStatus(
    String prefix,
    List<LockInfo> locks,
    Map<String, List<QueueEntry>> queues,
    Map<String, List<LeaseInfo>> leases,
    Map<String, List<QueueEntry>> waiters,
    @Nullable String clusterData,
    List<GrantInfo> ownGrants) {

  /**
   * A lock node.
   *
   * @param name the lock name
   * @param holder the node's data, {@code "<fqdn> <pid>"}
   * @param since when it was created
   * @param fencingToken the node's czxid
   * @param sessionId the owning session; 0 for a pause (a persistent node)
   * @param pause the pause when an operator paused the lock, else null (a running holder)
   */
  public record LockInfo(
      String name,
      String holder,
      Instant since,
      long fencingToken,
      long sessionId,
      @Nullable Pause pause) {

    /** A running holder's lock node. */
    public LockInfo(String name, String holder, Instant since, long fencingToken, long sessionId) {
      this(name, holder, since, fencingToken, sessionId, null);
    }

    /** Whether an operator paused the lock (then no job holds it). */
    public boolean paused() {
      return pause != null;
    }
  }

  /**
   * A queued or waiting request.
   *
   * @param node the node name
   * @param name the request's name
   * @param sequence its place
   * @param holder the node's data
   * @param since when it was created
   */
  public record QueueEntry(String node, String name, long sequence, String holder, Instant since) {}

  /**
   * A lease node.
   *
   * @param node the node name
   * @param amount units held
   * @param capacity the resource's capacity as the holder sees it
   * @param holder the node's data
   * @param since when it was created
   * @param fencingToken the node's czxid
   */
  public record LeaseInfo(
      String node, long amount, long capacity, String holder, Instant since, long fencingToken) {}

  /**
   * A grant of this engine.
   *
   * @param name the request's name
   * @param lock whether it includes the lock
   * @param fencingToken its fencing token
   * @param leases its leases as {@code resource=amount/capacity}
   * @param since when it was acquired
   * @param held whether it is still held
   * @param lossReason why it was lost, or null
   */
  public record GrantInfo(
      String name,
      boolean lock,
      long fencingToken,
      List<String> leases,
      Instant since,
      boolean held,
      @Nullable LossReason lossReason) {

    /** The description of a grant. */
    public static GrantInfo of(Grant g) {
      return new GrantInfo(
          g.name(),
          g.hasLock(),
          g.fencingToken(),
          g.leases().stream()
              .map(l -> l.resource() + "=" + l.amount() + "/" + l.capacity())
              .toList(),
          g.acquiredAt(),
          g.isHeld(),
          g.lossReason().orElse(null));
    }
  }
}
