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
import io.switchman.core.LossReason;
import io.switchman.core.Pause;
import io.switchman.core.SwitchmanEngine;
import io.switchman.core.SwitchmanException;
import io.switchman.core.internal.Names;
import io.switchman.spring.boot.autoconfigure.SwitchmanRunner;
import io.switchman.spring.boot.autoconfigure.SwitchmanRunner.RunResult;
import java.nio.charset.StandardCharsets;
import java.security.Principal;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.actuate.endpoint.Access;
import org.springframework.boot.actuate.endpoint.SecurityContext;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.boot.actuate.endpoint.annotation.WriteOperation;
import org.springframework.boot.actuate.endpoint.web.WebEndpointResponse;

/**
 * The {@code switchman} actuator endpoint: this instance's grants, and everything under the prefix:
 * every lock with its holder and fencing token, the lease queues, the leases held, the requests
 * waiting for locks, and the cluster data. When ZooKeeper cannot be reached, only this instance's
 * view is shown, with the error.
 *
 * <p>Its write operation at {@code /actuator/switchman/{name}} pauses, resumes or aborts a lock, or
 * runs the guarded method of that lock name on this instance now. Its default access is read-only:
 * writes need {@code management.endpoint.switchman.access=unrestricted}.
 */
@Endpoint(id = "switchman", defaultAccess = Access.READ_ONLY)
public final class SwitchmanEndpoint {

  /** The actions of the write operation. */
  public static final List<String> ACTIONS = List.of("pause", "resume", "abort", "run");

  private final SwitchmanEngine engine;
  private final @Nullable SwitchmanRunner runner;

  public SwitchmanEndpoint(SwitchmanEngine engine) {
    this(engine, null);
  }

  /**
   * @param engine the engine
   * @param runner the application's guarded methods, for the {@code run} action; null for none
   */
  public SwitchmanEndpoint(SwitchmanEngine engine, @Nullable SwitchmanRunner runner) {
    this.engine = engine;
    this.runner = runner;
  }

  /**
   * Acts on the lock {@code name}: {@code pause} it (with a reason), {@code resume} it, {@code
   * abort} its running holder, or {@code run} the guarded method with this lock name on this
   * instance now, under its grant.
   *
   * @param name the lock name
   * @param action {@code pause}, {@code resume}, {@code abort} or {@code run}
   * @param reason why (shown with the pause), optional
   * @param security who asks: the authenticated user is recorded as the operator
   * @return 200 with what was done; 400 naming a bad value; 409 when the lock's state refuses it;
   *     503 when ZooKeeper cannot be reached
   */
  @WriteOperation
  public WebEndpointResponse<ActionDescriptor> act(
      @Selector String name,
      String action,
      @Nullable String reason,
      @Nullable SecurityContext security) {
    String a = action.trim().toLowerCase(Locale.ROOT);
    if (!ACTIONS.contains(a)) {
      return error(
          name,
          action,
          400,
          "Unknown action '" + Names.printable(action) + "': expected pause, resume, abort or run");
    }
    try {
      Names.checkLockName(name);
    } catch (SwitchmanException e) {
      return error(name, a, 400, e.getMessage());
    }
    String why = reason == null || reason.isBlank() ? null : reason.trim();
    if (a.equals("run")) {
      return run(name);
    }
    try {
      Principal user = security == null ? null : security.getPrincipal();
      String message = LockActions.act(engine, name, a, why, user == null ? null : user.getName());
      return new WebEndpointResponse<>(new ActionDescriptor(name, a, true, message, null), 200);
    } catch (SwitchmanException e) {
      return error(name, a, LockActions.status(e), e.getMessage());
    } catch (IllegalArgumentException e) {
      return error(name, a, 400, e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return error(name, a, 503, "interrupted");
    }
  }

  private WebEndpointResponse<ActionDescriptor> run(String name) {
    SwitchmanRunner r = runner;
    if (r == null) {
      return error(
          name, "run", 400, "Cannot run '" + name + "': this application has no guarded methods");
    }
    try {
      RunResult result = r.run(name);
      String message =
          result.ran()
              ? (result.finished()
                      ? "Ran " + result.method() + " in " + result.durationMs() + " ms"
                      : "Running " + result.method())
                  + " (fencing token "
                  + result.fencingToken()
                  + ")"
                  + (result.error() != null ? "; it threw " + result.error() : "")
              : "Skipped "
                  + result.method()
                  + ": "
                  + (result.detail() != null ? result.detail() : result.outcome());
      return new WebEndpointResponse<>(
          new ActionDescriptor(name, "run", result.ran(), message, result), 200);
    } catch (IllegalArgumentException e) {
      return error(name, "run", 400, e.getMessage());
    }
  }

  private static WebEndpointResponse<ActionDescriptor> error(
      String name, String action, int status, @Nullable String message) {
    return new WebEndpointResponse<>(
        new ActionDescriptor(name, action, false, String.valueOf(message), null), status);
  }

  /**
   * What the write operation did.
   *
   * @param name the lock name
   * @param action the action
   * @param done whether it was done (for {@code run}: whether the method ran)
   * @param message what was done, or why not
   * @param run for {@code run}: the details
   */
  public record ActionDescriptor(
      String name, String action, boolean done, String message, @Nullable RunResult run) {}

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
            s.ownGrants().stream().map(g -> GrantDescriptor.of(g, session)).toList(),
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
    List<GrantDescriptor> own =
        engine.grants().stream().map(g -> GrantDescriptor.of(GrantInfo.of(g), session)).toList();
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
      List<GrantDescriptor> grants,
      List<LockDescriptor> locks,
      Map<String, List<QueueEntry>> queues,
      Map<String, List<LeaseInfo>> leases,
      Map<String, List<QueueEntry>> waiters,
      @Nullable Object clusterData,
      @Nullable String error) {}

  /**
   * One of this instance's grants.
   *
   * @param name the request's name (the lock name)
   * @param lock whether it includes the lock
   * @param fencingToken its fencing token
   * @param leases its leases as {@code resource=amount/capacity}
   * @param since when it was acquired
   * @param state {@code held}, {@code releasing} (its method returned and its nodes are being
   *     deleted) or {@code lost} (see lossReason)
   * @param held whether it is still held
   * @param lossReason why it was lost, or null when it is held or being released
   * @param sessionId the session holding it, in hex ({@code 0x...}) as everywhere in the endpoint;
   *     null when not connected
   */
  public record GrantDescriptor(
      String name,
      boolean lock,
      long fencingToken,
      List<String> leases,
      Instant since,
      String state,
      boolean held,
      @Nullable LossReason lossReason,
      @Nullable String sessionId) {

    /** The description of {@code g}, held by session {@code sessionId} (hex). */
    public static GrantDescriptor of(GrantInfo g, @Nullable String sessionId) {
      String state = g.held() ? "held" : g.lossReason() != null ? "lost" : "releasing";
      return new GrantDescriptor(
          g.name(),
          g.lock(),
          g.fencingToken(),
          g.leases(),
          g.since(),
          state,
          g.held(),
          g.lossReason(),
          sessionId);
    }
  }

  /**
   * A lock under the prefix.
   *
   * @param name the lock name
   * @param holder the lock node's data, {@code "<fqdn> <pid>"}
   * @param since when it was created
   * @param fencingToken the lock node's czxid
   * @param sessionId the owning session in hex ({@code 0x...}), as {@code sessionId} at the top
   *     ({@code 0x0} for a pause: its node is persistent)
   * @param paused whether the node is a pause (an operator's persistent node), not a running holder
   * @param pausedBy who paused it ({@code operator@host} or the host), for a pause
   * @param reason why it was paused, or null
   */
  public record LockDescriptor(
      String name,
      String holder,
      Instant since,
      long fencingToken,
      String sessionId,
      boolean paused,
      @Nullable String pausedBy,
      @Nullable String reason) {

    static LockDescriptor of(LockInfo l) {
      Pause p = l.pause();
      return new LockDescriptor(
          l.name(),
          l.holder(),
          l.since(),
          l.fencingToken(),
          hex(l.sessionId()),
          p != null,
          p == null ? null : p.who(),
          p == null || p.reason().isEmpty() ? null : p.reason());
    }
  }
}
