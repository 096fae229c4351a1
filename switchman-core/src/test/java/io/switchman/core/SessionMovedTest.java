/*
 * Copyright 2026 the switchman authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package io.switchman.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.switchman.core.Acquisition.Outcome;
import io.switchman.core.testing.Quorum;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryNTimes;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooKeeper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 10, item 8: "a release answered SESSIONMOVED is taken as done though the node stayed".
 * ZooKeeper 3.9 never answers SESSIONMOVED to a client: a server that finds the session moved to
 * another server closes the connection instead ({@code FinalRequestProcessor}), so the client sees
 * a connection loss and the release is retried on the same handle until the node is gone. This test
 * moves the session of a holder to another server (a second handle with the same session id and
 * password, as ZooKeeper's own {@code testSessionMoved}) and shows both: the old handle gets
 * CONNECTIONLOSS, and the release still deletes the lock node. The engine treats SESSIONMOVED as
 * "retry" anyway (defensive; docs/design.md).
 */
class SessionMovedTest {

  @TempDir Path dir;

  @Test
  @Timeout(120)
  void aReleaseOnAMovedSessionIsRetriedUntilTheNodeIsGone() throws Exception {
    try (Quorum q = new Quorum(dir, 500, Duration.ofSeconds(60))) {
      int a = q.followers().get(0);
      int b = q.followers().get(1);
      try (CuratorFramework client = client("127.0.0.1:" + q.clientPort(a));
          CuratorFramework observer = client("127.0.0.1:" + q.clientPort(q.leader()));
          CuratorFramework otherClient = client("127.0.0.1:" + q.clientPort(q.leader()));
          SwitchmanEngine engine = engine(client, "host-a");
          SwitchmanEngine other = engine(otherClient, "host-b")) {
        Grant g = engine.acquire(GrantRequest.builder("job").build()).grant();
        ZooKeeper zk = client.getZookeeperClient().getZooKeeper();

        // The server answers a write on a moved session by closing the connection, not
        // SESSIONMOVED.
        moveSession(zk, q.clientPort(b));
        assertThatThrownBy(() -> zk.delete("/switchman/locks/no-such-lock", -1))
            .isInstanceOf(KeeperException.ConnectionLossException.class);

        // The release on a moved session: its delete is refused, and retried until the node goes.
        await()
            .atMost(Duration.ofSeconds(20))
            .until(() -> client.getZookeeperClient().isConnected());
        moveSession(client.getZookeeperClient().getZooKeeper(), q.clientPort(b));
        g.release();
        await()
            .atMost(Duration.ofSeconds(30))
            .until(() -> observer.checkExists().forPath("/switchman/locks/job") == null);
        assertThat(other.acquire(GrantRequest.builder("job").build()).outcome())
            .isEqualTo(Outcome.ACQUIRED);
      }
    }
  }

  /** Moves {@code zk}'s session to the server on {@code port}, then drops the second handle. */
  private static void moveSession(ZooKeeper zk, int port) throws Exception {
    CountDownLatch connected = new CountDownLatch(1);
    ZooKeeper stomp =
        new ZooKeeper(
            "127.0.0.1:" + port,
            zk.getSessionTimeout(),
            e -> {
              if (e.getState() == Watcher.Event.KeeperState.SyncConnected) {
                connected.countDown();
              }
            },
            zk.getSessionId(),
            zk.getSessionPasswd());
    assertThat(connected.await(20, TimeUnit.SECONDS)).isTrue();
    stomp.sync("/"); // through the leader: the session is now the other server's
    stomp.getTestable().injectSessionExpiration(); // client side only: the session lives on
  }

  private static SwitchmanEngine engine(CuratorFramework client, String host) {
    return SwitchmanEngine.builder(client)
        .host(new HostFacts(host, 4, 8192))
        .stopBudget(Duration.ofMillis(600))
        .operationTimeout(Duration.ofSeconds(10))
        .build();
  }

  private static CuratorFramework client(String connectString) throws InterruptedException {
    CuratorFramework c =
        CuratorFrameworkFactory.builder()
            .connectString(connectString)
            .sessionTimeoutMs(8000)
            .connectionTimeoutMs(8000)
            .retryPolicy(new RetryNTimes(3, 100))
            .build();
    c.start();
    if (!c.blockUntilConnected(20, TimeUnit.SECONDS)) {
      throw new IllegalStateException("could not connect to " + connectString);
    }
    return c;
  }
}
