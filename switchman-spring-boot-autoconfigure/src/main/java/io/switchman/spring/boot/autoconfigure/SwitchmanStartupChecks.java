/*
 * Copyright 2026 the switchman authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package io.switchman.spring.boot.autoconfigure;

import io.switchman.core.ClusterData;
import io.switchman.core.SwitchmanEngine;
import io.switchman.core.SwitchmanException;
import java.time.Duration;
import java.util.Map;
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
    Duration budget = engine.stopBudget();
    Duration asked = properties.getSessionTimeout();
    if (ownClient && budget.toMillis() * 2 > asked.toMillis()) {
      log.warn(
          "switchman.stop-timeout ({} ms, plus {} ms margin) does not fit switchman.session-timeout"
              + " ({} ms): at most half of it may be reserved for stopping, or grants will be lost"
              + " early or at once. Lower the stop timeout or raise the session timeout.",
          properties.getStopTimeout().toMillis(),
          SwitchmanAutoConfiguration.STOP_MARGIN.toMillis(),
          asked.toMillis());
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
    Map<String, String> needed = methods.capacitiesFromClusterData();
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
          needed,
          e.getMessage());
      return;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return;
    }
    for (Map.Entry<String, String> e : needed.entrySet()) {
      String resource = e.getValue();
      String expanded = engine.host().expand(resource);
      boolean known =
          data.capacities().containsKey(resource)
              || data.capacities().keySet().stream()
                  .anyMatch(k -> engine.host().expand(k).equals(expanded));
      if (!known) {
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
