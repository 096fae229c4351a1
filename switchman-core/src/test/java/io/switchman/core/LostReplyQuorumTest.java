/*
 * Copyright 2026 the switchman authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package io.switchman.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.switchman.core.Acquisition.Outcome;
import io.switchman.core.testing.FaultLink;
import io.switchman.core.testing.Quorum;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryNTimes;
import org.apache.zookeeper.data.Stat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 10, item 5: a create whose reply was lost is resolved by a read, and after a reconnect to
 * another server that read must not be answered from a state older than the create. The client
 * sends the create of a lock node to the leader, the reply is lost, and the client reconnects to a
 * follower whose link to the leader is slow: the follower has not applied the create yet when the
 * client asks whether it happened.
 */
class LostReplyQuorumTest {

  @TempDir Path dir;

  @Test
  @Timeout(120)
  void aLostCreateReplyIsResolvedThroughTheLeader() throws Exception {
    try (Quorum q = new Quorum(dir, 1000, Duration.ofSeconds(60))) {
      int leader = q.leader();
      int slow = q.followers().get(0);
      int other = q.followers().get(1);
      try (FaultLink clientLink = new FaultLink(q.clientPort(leader), true);
          CuratorFramework client = client(clientLink.connectString());
          CuratorFramework observer = client("127.0.0.1:" + q.clientPort(leader));
          SwitchmanEngine engine =
              SwitchmanEngine.builder(client)
                  .host(new HostFacts("host-a", 4, 8192))
                  .stopBudget(Duration.ofMillis(600))
                  .operationTimeout(Duration.ofSeconds(20))
                  .build()) {
        engine.acquire(GrantRequest.builder("warm-up").build()).grant().release();

        // Both followers' links to the leader are slow: the leader commits the create after a
        // follower's ack (3 s there and back), and the slow follower applies it 3 s later, while
        // the client's reconnection to it (at most 1 s of the client's back-off, then the session's
        // revalidation with the leader, 6 s) is done before that.
        Duration oneWay = Duration.ofMillis(3000);
        q.link(slow, leader).delay(oneWay);
        q.link(other, leader).delay(oneWay);
        // The create of the lock node reaches the leader; its reply is lost; the client reconnects
        // to the slow follower.
        clientLink.cutAfterNextRequest(FaultLink.CREATES, q.clientPort(slow));

        Acquisition result = null;
        SwitchmanException failure = null;
        try {
          result = engine.acquire(GrantRequest.builder("job").build());
        } catch (SwitchmanException e) {
          failure = e;
        }
        // The leader answers a sync once every write it proposed before is committed: the create
        // is then committed, if it happened.
        observer.getZookeeperClient().getZooKeeper().sync("/");
        q.link(slow, leader).delay(Duration.ZERO);
        q.link(other, leader).delay(Duration.ZERO);

        Stat node = observer.checkExists().forPath("/switchman/locks/job");
        assertThat(node).as("the lock node whose create reply was lost").isNotNull();
        boolean granted = engine.grants().stream().anyMatch(g -> g.name().equals("job"));
        String seen =
            "acquire gave "
                + (result != null ? result.outcome() + " " + result.detail() : failure)
                + "; lock node owner 0x"
                + Long.toHexString(node.getEphemeralOwner())
                + ", engine session 0x"
                + Long.toHexString(engine.sessionId());
        if (!granted) {
          // A node of this session that no grant of this JVM owns must go (it would block the
          // lock for as long as the session lives).
          await()
              .atMost(Duration.ofSeconds(15))
              .alias(seen + ": the node must not stay with this session and no grant")
              .until(
                  () -> {
                    Stat st = observer.checkExists().forPath("/switchman/locks/job");
                    return st == null || st.getEphemeralOwner() != engine.sessionId();
                  });
        }
        assertThat(result).as(seen).isNotNull();
        assertThat(result.outcome()).as(seen).isEqualTo(Outcome.ACQUIRED);
        assertThat(result.grant().fencingToken()).isEqualTo(node.getCzxid());
        assertThat(node.getEphemeralOwner()).isEqualTo(engine.sessionId());
        result.grant().release();
      }
    }
  }

  /**
   * The same for a sequential node, whose name is unknown when the reply is lost: the request fails
   * and the orphan sweep must find the node. A listing on the follower before it applied the create
   * would miss it, and the queue node would then block the queue for the session's life.
   */
  @Test
  @Timeout(120)
  void theOrphanOfALostQueueJoinIsFoundThroughTheLeader() throws Exception {
    try (Quorum q = new Quorum(dir, 1000, Duration.ofSeconds(60))) {
      int leader = q.leader();
      int slow = q.followers().get(0);
      int other = q.followers().get(1);
      try (FaultLink clientLink = new FaultLink(q.clientPort(leader), true);
          CuratorFramework client = client(clientLink.connectString());
          CuratorFramework observer = client("127.0.0.1:" + q.clientPort(leader));
          SwitchmanEngine engine =
              SwitchmanEngine.builder(client)
                  .host(new HostFacts("host-a", 4, 8192))
                  .stopBudget(Duration.ofMillis(600))
                  .operationTimeout(Duration.ofSeconds(20))
                  .build()) {
        observer
            .create()
            .forPath("/switchman", "{\"resources\": [\"db\"]}".getBytes(StandardCharsets.UTF_8));
        GrantRequest lease = GrantRequest.builder("job").lock(false).lease("db", "1", "1").build();
        engine.acquire(lease).grant().release(); // creates the parents

        Duration oneWay = Duration.ofMillis(3000);
        q.link(slow, leader).delay(oneWay);
        q.link(other, leader).delay(oneWay);
        // The transaction that joins the queue reaches the leader; its reply is lost; the client
        // reconnects to the slow follower.
        clientLink.cutAfterNextRequest(FaultLink.CREATES, q.clientPort(slow));
        SwitchmanException failure = null;
        try {
          engine.acquire(lease);
        } catch (SwitchmanException e) {
          failure = e;
        }
        assertThat(failure).as("the request whose queue join lost its reply").isNotNull();
        // The join is committed 6 s later (a follower's ack); the slow follower applies it 3 s
        // after that, while the client is reconnected to it after at most 7 s.
        await()
            .atMost(Duration.ofSeconds(20))
            .alias("the queue node whose create reply was lost, committed")
            .until(() -> observer.getChildren().forPath("/switchman/queues/db").size() == 1);
        q.link(slow, leader).delay(Duration.ZERO);
        q.link(other, leader).delay(Duration.ZERO);

        await()
            .atMost(Duration.ofSeconds(20))
            .alias("the orphan queue node of this session must be swept")
            .until(() -> observer.getChildren().forPath("/switchman/queues/db").isEmpty());
        Acquisition again = engine.acquire(lease);
        assertThat(again.outcome()).isEqualTo(Outcome.ACQUIRED);
        again.grant().release();
      }
    }
  }

  private static CuratorFramework client(String connectString) throws InterruptedException {
    CuratorFramework c =
        CuratorFrameworkFactory.builder()
            .connectString(connectString)
            .sessionTimeoutMs(10_000)
            .connectionTimeoutMs(10_000)
            .retryPolicy(new RetryNTimes(3, 100))
            .build();
    c.start();
    if (!c.blockUntilConnected(20, TimeUnit.SECONDS)) {
      throw new IllegalStateException("could not connect to " + connectString);
    }
    return c;
  }
}
