/*
 * Copyright 2026 the switchman authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package io.switchman.core.testing;

import org.apache.curator.test.TestingServer;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One real ZooKeeper server per test class, with the short tick of {@link ZooKeeperSupport}:
 *
 * <pre>{@code
 * @RegisterExtension static final ZooKeeperServerExtension zk = new ZooKeeperServerExtension();
 * }</pre>
 */
public final class ZooKeeperServerExtension implements BeforeAllCallback, AfterAllCallback {

  private TestingServer server;

  @Override
  public void beforeAll(ExtensionContext context) throws Exception {
    server = new TestingServer(ZooKeeperSupport.spec(-1), true);
  }

  @Override
  public void afterAll(ExtensionContext context) throws Exception {
    if (server != null) {
      server.close();
    }
  }

  /** The running server (stop, restart, port). */
  public TestingServer server() {
    if (server == null) {
      throw new IllegalStateException("the server starts before the test class's first test");
    }
    return server;
  }

  /** The server's connect string. */
  public String connectString() {
    return server().getConnectString();
  }
}
