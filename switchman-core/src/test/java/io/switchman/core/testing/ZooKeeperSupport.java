/*
 * Copyright 2026 the switchman authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package io.switchman.core.testing;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryNTimes;
import org.apache.curator.test.InstanceSpec;
import org.apache.curator.test.TestingServer;
import org.apache.zookeeper.ZooKeeper;

/**
 * Real ZooKeeper servers and clients for tests: a {@link TestingServer} with a short tick (so
 * sessions can be short and the suite fast), and Curator clients that each play a separate host
 * with their own session.
 */
public final class ZooKeeperSupport implements AutoCloseable {

  /** The server tick: sessions are clamped to [2, 20] ticks. */
  public static final int TICK_MS = 200;

  private final TestingServer server;
  private final List<AutoCloseable> closeables = new ArrayList<>();

  public ZooKeeperSupport() throws Exception {
    this.server = new TestingServer(spec(-1), true);
  }

  /** An instance spec on {@code port} (-1: any) with the short tick. */
  public static InstanceSpec spec(int port) {
    return new InstanceSpec(null, port, -1, -1, true, -1, TICK_MS, -1);
  }

  public TestingServer server() {
    return server;
  }

  public String connectString() {
    return server.getConnectString();
  }

  public int port() {
    return server.getPort();
  }

  /** A started client connected directly to the server, asking for {@code session}. */
  public CuratorFramework client(Duration session) throws InterruptedException {
    return client(connectString(), session);
  }

  /** A started, connected client to {@code connectString}, closed with this support. */
  public CuratorFramework client(String connectString, Duration session)
      throws InterruptedException {
    CuratorFramework c =
        CuratorFrameworkFactory.builder()
            .connectString(connectString)
            .sessionTimeoutMs((int) session.toMillis())
            .connectionTimeoutMs(2000)
            .retryPolicy(new RetryNTimes(3, 100))
            .build();
    c.start();
    if (!c.blockUntilConnected(10, TimeUnit.SECONDS)) {
      throw new IllegalStateException("could not connect to " + connectString);
    }
    closeables.add(0, c);
    return c;
  }

  /** A proxy in front of the server, closed with this support. */
  public TcpProxy proxy() throws IOException {
    TcpProxy p = new TcpProxy(port());
    closeables.add(p);
    return p;
  }

  /** Registers something to close (in reverse order) before the server stops. */
  public <T extends AutoCloseable> T closeLater(T closeable) {
    closeables.add(0, closeable);
    return closeable;
  }

  /**
   * One round trip on {@code zk}'s session, waiting for its callback: replies and callbacks come in
   * request order, so every request sent on the session before has been answered, and its callback
   * has run, when this returns.
   */
  public static void roundTrip(ZooKeeper zk) throws InterruptedException {
    CountDownLatch done = new CountDownLatch(1);
    zk.exists("/", false, (rc, path, ctx, stat) -> done.countDown(), null);
    if (!done.await(30, TimeUnit.SECONDS)) {
      throw new IllegalStateException("no reply from ZooKeeper within 30 s");
    }
  }

  @Override
  public void close() throws Exception {
    for (AutoCloseable c : closeables) {
      try {
        c.close();
      } catch (Exception | AssertionError e) {
        // best effort
      }
    }
    closeables.clear();
    server.close();
  }
}
