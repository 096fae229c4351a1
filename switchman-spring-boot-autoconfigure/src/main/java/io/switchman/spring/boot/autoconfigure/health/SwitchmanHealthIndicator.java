/*
 * Copyright 2026 the switchman authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package io.switchman.spring.boot.autoconfigure.health;

import io.switchman.core.SwitchmanEngine;
import org.apache.curator.framework.CuratorFramework;
import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;

/**
 * Health of switchman's ZooKeeper session: up while connected, down otherwise (guarded methods are
 * then skipped). Details: {@code state} (the ZooKeeper client's state), {@code connectString},
 * {@code sessionId} (hex), {@code sessionTimeoutMs} (negotiated), {@code prefix}, {@code grants}
 * (held by this instance).
 */
public final class SwitchmanHealthIndicator extends AbstractHealthIndicator {

  private final SwitchmanEngine engine;
  private final CuratorFramework client;

  public SwitchmanHealthIndicator(SwitchmanEngine engine, CuratorFramework client) {
    super("switchman health check failed");
    this.engine = engine;
    this.client = client;
  }

  @Override
  protected void doHealthCheck(Health.Builder builder) throws Exception {
    boolean connected = engine.isConnected();
    builder
        .status(connected ? "UP" : "DOWN")
        .withDetail("state", client.getZookeeperClient().getZooKeeper().getState().toString())
        .withDetail("connectString", client.getZookeeperClient().getCurrentConnectionString())
        .withDetail("prefix", engine.prefix())
        .withDetail("grants", engine.grants().size());
    if (connected) {
      builder
          .withDetail("sessionId", "0x" + Long.toHexString(engine.sessionId()))
          .withDetail("sessionTimeoutMs", engine.negotiatedSessionTimeoutMs());
    }
  }
}
