/*
 * Copyright 2026 the switchman authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package io.switchman.spring.boot.actuate.endpoint;

import io.switchman.core.ClusterData;
import io.switchman.core.ClusterStatus;
import io.switchman.core.ClusterStatus.GrantInfo;
import io.switchman.core.ClusterStatus.LeaseInfo;
import io.switchman.core.ClusterStatus.LockInfo;
import io.switchman.core.ClusterStatus.QueueEntry;
import io.switchman.core.SwitchmanEngine;
import io.switchman.core.SwitchmanException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;

/**
 * The {@code switchman} actuator endpoint: this instance's grants, and everything under the prefix:
 * every lock with its holder and fencing token, the lease queues, the leases held, the requests
 * waiting for locks, and the cluster data. When ZooKeeper cannot be reached, only this instance's
 * view is shown, with the error.
 */
@Endpoint(id = "switchman")
public final class SwitchmanEndpoint {

  private final SwitchmanEngine engine;

  public SwitchmanEndpoint(SwitchmanEngine engine) {
    this.engine = engine;
  }

  /** The snapshot. */
  @ReadOperation
  public SwitchmanDescriptor switchman() {
    boolean connected = engine.isConnected();
    String session = connected ? hex(engine.sessionId()) : null;
    if (connected) {
      try {
        ClusterStatus s = engine.status();
        return new SwitchmanDescriptor(
            engine.host().fqdn(),
            engine.prefix(),
            true,
            session,
            engine.negotiatedSessionTimeoutMs(),
            s.ownGrants(),
            s.locks().stream().map(LockDescriptor::of).toList(),
            s.queues(),
            s.leases(),
            s.waiters(),
            clusterData(s.clusterData()),
            null);
      } catch (SwitchmanException e) {
        return offline(session, e.getMessage());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return offline(session, "interrupted");
      }
    }
    return offline(null, "not connected to ZooKeeper");
  }

  private SwitchmanDescriptor offline(@Nullable String session, @Nullable String error) {
    List<GrantInfo> own = engine.grants().stream().map(GrantInfo::of).toList();
    return new SwitchmanDescriptor(
        engine.host().fqdn(),
        engine.prefix(),
        false,
        session,
        engine.negotiatedSessionTimeoutMs(),
        own,
        List.of(),
        Map.of(),
        Map.of(),
        Map.of(),
        null,
        error);
  }

  /** A ZooKeeper session id as the endpoint, the health indicator and the CLI show it. */
  static String hex(long sessionId) {
    return "0x" + Long.toHexString(sessionId);
  }

  private @Nullable Object clusterData(@Nullable String raw) {
    if (raw == null) {
      return null;
    }
    try {
      ClusterData data = ClusterData.parse(engine.prefix(), raw.getBytes(StandardCharsets.UTF_8));
      return data;
    } catch (SwitchmanException e) {
      return Map.of("raw", raw, "error", String.valueOf(e.getMessage()));
    }
  }

  /**
   * What the endpoint shows.
   *
   * @param host this instance's host name (for groups and the FQDN macro)
   * @param prefix the root znode
   * @param connected whether the client is connected to ZooKeeper
   * @param sessionId the session id in hex, when connected
   * @param sessionTimeoutMs the negotiated session timeout
   * @param grants this instance's grants
   * @param locks every lock under the prefix, with holder, fencing token and session
   * @param queues resource to the requests queued for it, in order
   * @param leases resource to the leases held on it
   * @param waiters lock name to the requests waiting for it, in order
   * @param clusterData the prefix znode's data (groups, resources, capacities)
   * @param error why only this instance's view is shown, or null
   */
  public record SwitchmanDescriptor(
      String host,
      String prefix,
      boolean connected,
      @Nullable String sessionId,
      int sessionTimeoutMs,
      List<GrantInfo> grants,
      List<LockDescriptor> locks,
      Map<String, List<QueueEntry>> queues,
      Map<String, List<LeaseInfo>> leases,
      Map<String, List<QueueEntry>> waiters,
      @Nullable Object clusterData,
      @Nullable String error) {}

  /**
   * A lock under the prefix.
   *
   * @param name the lock name
   * @param holder the lock node's data, {@code "<fqdn> <pid>"}
   * @param since when it was created
   * @param fencingToken the lock node's czxid
   * @param sessionId the owning session in hex ({@code 0x...}), as {@code sessionId} at the top
   */
  public record LockDescriptor(
      String name, String holder, Instant since, long fencingToken, String sessionId) {

    static LockDescriptor of(LockInfo l) {
      return new LockDescriptor(
          l.name(), l.holder(), l.since(), l.fencingToken(), hex(l.sessionId()));
    }
  }
}
