/*
 * Copyright 2026 the switchman authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package io.switchman.spring.boot.health;

import io.switchman.core.SwitchmanEngine;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.state.ConnectionStateListener;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;

/**
 * Health of switchman's ZooKeeper session: up while connected, down otherwise (guarded methods are
 * then skipped). Details: {@code state} (the last connection state Curator reported: CONNECTED,
 * SUSPENDED, LOST, RECONNECTED), {@code connectString}, {@code sessionId} (hex) and {@code
 * sessionTimeoutMs} (negotiated) while connected, {@code prefix}, {@code grants} (held by this
 * instance). Never blocks on ZooKeeper.
 */
public final class SwitchmanHealthIndicator extends AbstractHealthIndicator
    implements DisposableBean {

  private final SwitchmanEngine engine;
  private final CuratorFramework client;
  private final ConnectionStateListener listener = (c, s) -> state = s.name();
  private volatile String state;

  public SwitchmanHealthIndicator(SwitchmanEngine engine, CuratorFramework client) {
    super("switchman health check failed");
    this.engine = engine;
    this.client = client;
    this.state = engine.isConnected() ? "CONNECTED" : "NOT_CONNECTED";
    client.getConnectionStateListenable().addListener(listener);
  }

  @Override
  public void destroy() {
    client.getConnectionStateListenable().removeListener(listener);
  }

  @Override
  protected void doHealthCheck(Health.Builder builder) {
    boolean connected = engine.isConnected();
    if (connected) {
      builder.up();
    } else {
      builder.down();
    }
    builder
        .withDetail("state", connected ? connectedState() : notConnected())
        .withDetail("connectString", client.getZookeeperClient().getCurrentConnectionString())
        .withDetail("prefix", engine.prefix())
        .withDetail("grants", engine.grants().size());
    if (connected) {
      builder
          .withDetail("sessionId", "0x" + Long.toHexString(engine.sessionId()))
          .withDetail("sessionTimeoutMs", engine.negotiatedSessionTimeoutMs());
    }
  }

  private String connectedState() {
    String s = state;
    return "RECONNECTED".equals(s) || "READ_ONLY".equals(s) ? s : "CONNECTED";
  }

  private String notConnected() {
    String s = state;
    return "CONNECTED".equals(s) || "RECONNECTED".equals(s) ? "NOT_CONNECTED" : s;
  }
}
