/*
 * Copyright 2026 the switchman authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package io.switchman.spring.boot.autoconfigure;

import io.switchman.core.ClusterData;
import io.switchman.core.GrantRequest;
import io.switchman.core.HostFacts;
import io.switchman.core.RequestPlan;
import io.switchman.core.StopBudget;
import io.switchman.core.SwitchmanEngine;
import io.switchman.core.SwitchmanException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.state.ConnectionState;
import org.apache.curator.framework.state.ConnectionStateListener;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.SmartInitializingSingleton;

/**
 * Checks made once every guarded method is known, before scheduled jobs start: that the stop
 * timeout fits the session timeout (warned about, on every new negotiated timeout), and that every
 * lease has a capacity from its annotation, the properties, or the cluster data.
 */
final class SwitchmanStartupChecks implements SmartInitializingSingleton, DisposableBean {

  private static final Logger log = LoggerFactory.getLogger(SwitchmanStartupChecks.class);

  private final SwitchmanEngine engine;
  private final CuratorFramework client;
  private final GuardedMethods methods;
  private final SwitchmanProperties properties;
  private final boolean ownClient;
  private final HostFacts host;
  private final AtomicInteger warnedFor = new AtomicInteger(-1);

  /** switchman.cluster-data, validated, while it could not be written for want of ZooKeeper. */
  private final AtomicReference<@Nullable ClusterData> pendingClusterData = new AtomicReference<>();

  private final ConnectionStateListener listener =
      (c, state) -> {
        if (state == ConnectionState.CONNECTED || state == ConnectionState.RECONNECTED) {
          // Off Curator's event thread: the check may read the ensemble's configuration, and
          // the engine's own listener (losses on SUSPENDED) must not wait behind that read.
          java.util.concurrent.CompletableFuture.runAsync(this::checkNegotiatedTimeout);
          writePendingClusterData();
        }
      };

  SwitchmanStartupChecks(
      SwitchmanEngine engine,
      CuratorFramework client,
      GuardedMethods methods,
      SwitchmanProperties properties,
      boolean ownClient,
      HostFacts host) {
    this.host = host;
    this.engine = engine;
    this.client = client;
    this.methods = methods;
    this.properties = properties;
    this.ownClient = ownClient;
  }

  @Override
  public void afterSingletonsInstantiated() {
    StopBudget rule = SwitchmanAutoConfiguration.stopBudget(properties);
    // Before connecting the ensemble is not known: warn here when the budget fits no ensemble
    // (more than S/2); the negotiated check below applies S/4 once it is known to be several
    // servers.
    if (ownClient && !StopBudget.fits(rule.budget(), rule.sessionTimeout(), true)) {
      log.warn(
          "switchman.stop-timeout ({} ms, plus {} ms margin) does not fit switchman.session-timeout"
              + " ({} ms): at most half of it (a quarter on an ensemble of several servers) may be"
              + " reserved for stopping, or grants will be lost early or at once. Lower the stop"
              + " timeout or raise the session timeout.",
          rule.stopTime().toMillis(),
          rule.margin().toMillis(),
          rule.sessionTimeout().toMillis());
    }
    if (properties.getOnStuck() == SwitchmanProperties.OnStuck.LOG) {
      log.warn(
          "switchman.on-stuck=log: a guarded method that has not returned switchman.stop-timeout"
              + " ({} ms) after it was interrupted runs on, and may run alongside the next holder"
              + " of its lock. Remove the property to halt the JVM instead (the default, halt).",
          properties.getStopTimeout().toMillis());
    }
    client.getConnectionStateListenable().addListener(listener);
    if (engine.isConnected()) {
      checkNegotiatedTimeout();
    }
    writeDeclaredClusterData();
    checkClusterData();
  }

  @Override
  public void destroy() {
    client.getConnectionStateListenable().removeListener(listener);
  }

  private void checkNegotiatedTimeout() {
    int negotiated = engine.negotiatedSessionTimeoutMs();
    if (negotiated > 0 && warnedFor.getAndSet(negotiated) != negotiated) {
      engine.safetyBudgetWarning().ifPresent(log::warn);
    }
  }

  /** What to do about a guarded method that does not fit the cluster data. */
  static final String CLUSTER_DATA_ACTION =
      "Fix the prefix znode's cluster data or the annotation named above. Declare the data in"
          + " switchman.cluster-data.groups, .resources and .capacities (written at startup when"
          + " the znode has none; switchman.cluster-data.overwrite=true replaces it), or write it"
          + " with the CLI: switchman --write-cluster-data FILE.";

  /**
   * Writes {@code switchman.cluster-data} into the prefix znode when it has no data, or always with
   * {@code overwrite}; an invalid declaration stops startup.
   */
  private void writeDeclaredClusterData() {
    SwitchmanProperties.DeclaredClusterData declared = properties.getClusterData();
    if (!declared.isDeclared()) {
      return;
    }
    ClusterData data;
    try {
      data =
          new ClusterData(declared.getGroups(), declared.getResources(), declared.getCapacities())
              .validate(host);
    } catch (SwitchmanException e) {
      throw new SwitchmanConfigurationException(
          "Invalid switchman.cluster-data: " + e.getMessage(),
          "Fix switchman.cluster-data.groups, .resources or .capacities: every capacity names a"
              + " listed resource and is an integer expression of at least 1.",
          e);
    }
    if (!write(data)) {
      pendingClusterData.set(data);
      // it may have connected meanwhile, before the listener saw it pending
      if (engine.isConnected()) {
        writePendingClusterData();
      }
    }
  }

  /** Writes the pending switchman.cluster-data once connected, off Curator's event thread. */
  private void writePendingClusterData() {
    ClusterData data = pendingClusterData.getAndSet(null);
    if (data == null) {
      return;
    }
    Thread t =
        new Thread(
            () -> {
              if (!write(data)) {
                pendingClusterData.compareAndSet(null, data);
              }
            },
            "switchman-cluster-data");
    t.setDaemon(true);
    t.start();
  }

  /**
   * Writes {@code data} unless the znode has it already, or has other data and overwrite is off.
   *
   * @return false when ZooKeeper could not be reached (to try again once connected)
   */
  private boolean write(ClusterData data) {
    try {
      ClusterData current = engine.clusterData();
      if (current.equals(data)) {
        log.debug(
            "The cluster data of znode {} is already switchman.cluster-data", engine.prefix());
        return true;
      }
      boolean empty = current.equals(ClusterData.EMPTY);
      if (!empty && !properties.getClusterData().isOverwrite()) {
        log.warn(
            "Not writing switchman.cluster-data: znode {} already has other cluster data ({}),"
                + " which every host sharing the prefix uses. Set"
                + " switchman.cluster-data.overwrite=true to replace it.",
            engine.prefix(),
            new String(current.toJson(), StandardCharsets.UTF_8));
        return true;
      }
      engine.writeClusterData(data);
      log.info(
          "Wrote switchman.cluster-data into znode {}{}: {}",
          engine.prefix(),
          empty ? "" : " (overwrite, replacing its data)",
          new String(data.toJson(), StandardCharsets.UTF_8));
      return true;
    } catch (SwitchmanException e) {
      if (e.kind() != SwitchmanException.Kind.UNAVAILABLE) {
        log.warn(
            "Cannot write switchman.cluster-data into znode {}: {}",
            engine.prefix(),
            e.getMessage());
        return true;
      }
      log.warn(
          "Cannot write switchman.cluster-data into znode {} now: {}. It is written once"
              + " connected; guarded methods that need it are skipped until it is there.",
          engine.prefix(),
          e.getMessage());
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return true;
    }
  }

  /**
   * When ZooKeeper is reachable, checks every guarded method that needs the cluster data (a lease
   * or a group) against it with the core's {@link RequestPlan}: capacities known and not below the
   * amount, resources listed, groups defined. A mistake stops startup, as the same mistake does
   * with a capacity from the annotation or the properties; when ZooKeeper is unreachable, it is
   * checked at every call instead (the call is skipped with a WARN line).
   */
  private void checkClusterData() {
    List<GuardedMethods.Registered> needing =
        methods.registered().stream()
            .filter(
                r ->
                    !r.guarded().request().leases().isEmpty()
                        || r.guarded().request().group() != null)
            .toList();
    if (needing.isEmpty()) {
      return;
    }
    ClusterData data;
    try {
      data = engine.clusterData();
    } catch (SwitchmanException e) {
      if (e.kind() == SwitchmanException.Kind.INVALID_CLUSTER_DATA) {
        throw new SwitchmanConfigurationException(
            e.getMessage()
                + "; guarded methods with leases or a group could never run: "
                + needing.stream()
                    .map(r -> r.guarded().description())
                    .distinct()
                    .collect(Collectors.joining(", ")),
            CLUSTER_DATA_ACTION,
            e);
      }
      log.warn(
          "Cannot check the guarded methods against the cluster data now: {}. It is checked at"
              + " every call; a call that does not fit it is skipped. Methods: {}",
          e.getMessage(),
          needing.stream()
              .map(SwitchmanStartupReport::describe)
              .distinct()
              .collect(Collectors.joining("; ")));
      return;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return;
    }
    Set<String> problems = new LinkedHashSet<>();
    for (GuardedMethods.Registered r : needing) {
      String problem = problem(r.guarded().request(), data);
      if (problem != null) {
        problems.add(
            "Invalid switchman annotation on " + r.guarded().description() + ": " + problem);
      }
    }
    if (!problems.isEmpty()) {
      throw new SwitchmanConfigurationException(String.join("\n", problems), CLUSTER_DATA_ACTION);
    }
  }

  /** What keeps {@code request} from ever being granted with {@code data}, or null. */
  private @Nullable String problem(GrantRequest request, ClusterData data) {
    String group = request.group();
    if (group != null) {
      try {
        data.isMember(group, host.fqdn());
      } catch (SwitchmanException e) {
        return e.getMessage()
            + " (znode "
            + engine.prefix()
            + "): define it (switchman.cluster-data.groups."
            + group
            + ") or fix @SwitchmanLock(group)";
      }
    }
    RequestPlan plan;
    try {
      plan = RequestPlan.of(request, host);
    } catch (SwitchmanException e) {
      return e.getMessage(); // cannot happen: validated when the bean was created
    }
    for (RequestPlan.Lease lease : plan.leasesWithoutCapacity()) {
      if (plan.capacityFrom(data, lease) == null) {
        String resource = lease.resource();
        return "no capacity for resource '"
            + resource
            + "': give one with @SwitchmanLease(capacity = ...), set"
            + " switchman.capacities["
            + resource
            + "], or add it to the \"capacities\" of znode "
            + engine.prefix()
            + " (switchman.cluster-data.capacities["
            + resource
            + "])";
      }
    }
    try {
      plan.checkAgainst(data, engine.prefix());
    } catch (SwitchmanException e) {
      return switch (e.kind()) {
        case UNKNOWN_RESOURCE ->
            e.getMessage()
                + ": list each in the \"resources\" (switchman.cluster-data.resources) or fix"
                + " @SwitchmanLease(resource)";
        case AMOUNT_ABOVE_CAPACITY ->
            e.getMessage()
                + " (from the \"capacities\" of znode "
                + engine.prefix()
                + "): lower @SwitchmanLease(amount) or raise the capacity";
        default -> e.getMessage();
      };
    }
    return null;
  }
}
