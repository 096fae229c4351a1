/*
 * Copyright 2026 the switchman authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package io.switchman.spring.boot.autoconfigure;

import io.switchman.core.ClusterData;
import io.switchman.core.RequestPlan;
import io.switchman.core.StopBudget;
import io.switchman.core.SwitchmanEngine;
import io.switchman.core.SwitchmanException;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.state.ConnectionState;
import org.apache.curator.framework.state.ConnectionStateListener;
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
  private final AtomicInteger warnedFor = new AtomicInteger(-1);
  private final ConnectionStateListener listener =
      (c, state) -> {
        if (state == ConnectionState.CONNECTED || state == ConnectionState.RECONNECTED) {
          checkNegotiatedTimeout();
        }
      };

  SwitchmanStartupChecks(
      SwitchmanEngine engine,
      CuratorFramework client,
      GuardedMethods methods,
      SwitchmanProperties properties,
      boolean ownClient) {
    this.engine = engine;
    this.client = client;
    this.methods = methods;
    this.properties = properties;
    this.ownClient = ownClient;
  }

  @Override
  public void afterSingletonsInstantiated() {
    StopBudget rule = SwitchmanAutoConfiguration.stopBudget(properties);
    if (ownClient && !rule.fits()) {
      log.warn(
          "switchman.stop-timeout ({} ms, plus {} ms margin) does not fit switchman.session-timeout"
              + " ({} ms): at most a quarter of it may be reserved for stopping, or grants will be lost"
              + " early or at once. Lower the stop timeout or raise the session timeout.",
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
    checkCapacities();
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

  private void checkCapacities() {
    Map<String, RequestPlan> needed = methods.capacitiesFromClusterData();
    if (needed.isEmpty()) {
      return;
    }
    ClusterData data;
    try {
      data = engine.clusterData();
    } catch (SwitchmanException e) {
      log.warn(
          "Cannot check now that the cluster data gives capacities for {}: {}. It is checked at"
              + " every run; a lease without a capacity skips its method.",
          resources(needed),
          e.getMessage());
      return;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return;
    }
    for (Map.Entry<String, RequestPlan> e : needed.entrySet()) {
      RequestPlan plan = e.getValue();
      for (RequestPlan.Lease lease : plan.leasesWithoutCapacity()) {
        if (plan.capacityFrom(data, lease) == null) {
          String resource = lease.resource();
          throw new SwitchmanConfigurationException(
              "Invalid switchman annotation on "
                  + e.getKey()
                  + ": no capacity for resource '"
                  + resource
                  + "': give one with @SwitchmanLease(capacity = ...), set"
                  + " switchman.capacities["
                  + resource
                  + "], or add it to the \"capacities\" of znode "
                  + engine.prefix(),
              GuardedMethods.ANNOTATION_ACTION);
        }
      }
    }
  }

  /** Method description to the resources it needs a capacity for, for the log. */
  private static Map<String, List<String>> resources(Map<String, RequestPlan> plans) {
    Map<String, List<String>> out = new TreeMap<>();
    plans.forEach(
        (method, plan) ->
            out.put(
                method,
                plan.leasesWithoutCapacity().stream().map(RequestPlan.Lease::resource).toList()));
    return out;
  }
}
