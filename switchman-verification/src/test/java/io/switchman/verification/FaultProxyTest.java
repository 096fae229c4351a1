/*
 * Copyright 2026 the switchman authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package io.switchman.verification;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.framework.state.ConnectionState;
import org.apache.curator.retry.RetryNTimes;
import org.apache.curator.test.InstanceSpec;
import org.apache.curator.test.TestingServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The fault proxy on its own: each mode against an echo server, and a partition against ZooKeeper.
 */
class FaultProxyTest {

  private ServerSocket echo;
  private FaultProxy proxy;

  @BeforeEach
  void startEcho() throws IOException {
    echo = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread t =
        new Thread(
            () -> {
              while (!echo.isClosed()) {
                try {
                  Socket s = echo.accept();
                  Thread e = new Thread(() -> echoLoop(s), "echo");
                  e.setDaemon(true);
                  e.start();
                } catch (IOException e) {
                  return;
                }
              }
            },
            "echo-accept");
    t.setDaemon(true);
    t.start();
    proxy = FaultProxy.start("test", echo.getLocalPort());
  }

  @AfterEach
  void stop() throws IOException {
    proxy.close();
    echo.close();
  }

  private static void echoLoop(Socket s) {
    try (s;
        InputStream in = s.getInputStream();
        OutputStream out = s.getOutputStream()) {
      byte[] buf = new byte[1024];
      int n;
      while ((n = in.read(buf)) >= 0) {
        out.write(buf, 0, n);
        out.flush();
      }
    } catch (IOException e) {
      // closed
    }
  }

  private Socket connect() throws IOException {
    Socket s = new Socket(InetAddress.getLoopbackAddress(), proxy.ports().get(0));
    s.setSoTimeout(5000);
    return s;
  }

  private static String roundTrip(Socket s, String text) throws IOException {
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    s.getOutputStream().write(bytes);
    s.getOutputStream().flush();
    byte[] back = s.getInputStream().readNBytes(bytes.length);
    return new String(back, StandardCharsets.UTF_8);
  }

  @Test
  void forwardPassesBytesBothWays() throws IOException {
    try (Socket s = connect()) {
      assertThat(roundTrip(s, "hello")).isEqualTo("hello");
      assertThat(proxy.mode()).isEqualTo(FaultProxy.Mode.FORWARD);
      await().atMost(Duration.ofSeconds(5)).until(() -> proxy.forwardedBytes() == 10);
      assertThat(proxy.connectString()).isEqualTo("127.0.0.1:" + proxy.ports().get(0));
    }
  }

  @Test
  void bytesWrittenRightBeforeACloseAreDeliveredBeforeTheClose() throws Exception {
    // As a ZooKeeper server does with a connection from a smaller server id: write, then close.
    try (ServerSocket sink = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        FaultProxy p = FaultProxy.start("close", sink.getLocalPort())) {
      for (int i = 0; i < 20; i++) {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), p.ports().get(0))) {
          s.getOutputStream().write(("message " + i).getBytes(StandardCharsets.UTF_8));
          s.getOutputStream().flush();
        }
        try (Socket in = sink.accept()) {
          in.setSoTimeout(5000);
          assertThat(new String(in.getInputStream().readAllBytes(), StandardCharsets.UTF_8))
              .as("what the client wrote before it closed")
              .isEqualTo("message " + i);
        }
      }
      assertThat(p.connectedTargets()).isEmpty();
    }
  }

  @Test
  void connectedTargetsNameTheServerAClientTalksTo() throws IOException {
    try (Socket s = connect()) {
      assertThat(roundTrip(s, "x")).isEqualTo("x");
      assertThat(proxy.connectedTargets()).containsExactly(echo.getLocalPort());
    }
  }

  @Test
  void partitionDropsSilentlyKeepsSocketsOpenAndResetsThemWhenHealed() throws IOException {
    try (Socket s = connect()) {
      assertThat(roundTrip(s, "before")).isEqualTo("before");
      proxy.partition();
      s.getOutputStream().write("lost".getBytes(StandardCharsets.UTF_8));
      s.getOutputStream().flush();
      await().atMost(Duration.ofSeconds(5)).until(() -> proxy.droppedBytes() == 4);
      s.setSoTimeout(300);
      // Silence, not a close: the read times out instead of seeing the end of the stream.
      org.assertj.core.api.Assertions.assertThatThrownBy(() -> s.getInputStream().read())
          .isInstanceOf(SocketTimeoutException.class);
      assertThat(s.isClosed()).isFalse();
      assertThat(proxy.openConnections()).isEqualTo(1);

      // A connection opened during the partition is accepted and hears nothing either.
      try (Socket during = connect()) {
        during.setSoTimeout(300);
        during.getOutputStream().write('x');
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> during.getInputStream().read())
            .isInstanceOf(SocketTimeoutException.class);
      }

      proxy.forward();
      s.setSoTimeout(5000);
      // The stream lost bytes, so the link is reset: the client sees the end and reconnects.
      assertThat(readEndOrReset(s)).isTrue();
    }
    try (Socket again = connect()) {
      assertThat(roundTrip(again, "after")).isEqualTo("after");
    }
  }

  private static boolean readEndOrReset(Socket s) {
    try {
      return s.getInputStream().read() < 0;
    } catch (IOException e) {
      return !(e instanceof SocketTimeoutException);
    }
  }

  @Test
  void delayDeliversEveryChunkLateInOrder() throws IOException {
    proxy.delay(Duration.ofMillis(150));
    try (Socket s = connect()) {
      long start = System.nanoTime();
      assertThat(roundTrip(s, "slow")).isEqualTo("slow");
      long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
      assertThat(tookMs).isGreaterThanOrEqualTo(300); // both directions
      s.getOutputStream().write("abc".getBytes(StandardCharsets.UTF_8));
      s.getOutputStream().write("def".getBytes(StandardCharsets.UTF_8));
      assertThat(new String(s.getInputStream().readNBytes(6), StandardCharsets.UTF_8))
          .isEqualTo("abcdef");
      proxy.forward();
      start = System.nanoTime();
      assertThat(roundTrip(s, "fast")).isEqualTo("fast");
      assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isLessThan(150);
    }
    assertThatThrownInvalidDelay();
  }

  private void assertThatThrownInvalidDelay() {
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> proxy.delay(Duration.ofMillis(-1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Invalid delay PT-0.001S: must not be negative");
  }

  @Test
  void refuseClosesOpenAndNewConnections() throws IOException {
    try (Socket s = connect()) {
      assertThat(roundTrip(s, "x")).isEqualTo("x");
      proxy.refuse();
      assertThat(readEndOrReset(s)).isTrue();
    }
    try (Socket s = connect()) {
      assertThat(readEndOrReset(s)).isTrue();
    }
    proxy.forward();
    try (Socket s = connect()) {
      assertThat(roundTrip(s, "back")).isEqualTo("back");
    }
  }

  @Test
  void closeConnectionsResetsOnceAndKeepsForwarding() throws IOException {
    try (Socket s = connect()) {
      assertThat(roundTrip(s, "x")).isEqualTo("x");
      proxy.closeConnections();
      assertThat(readEndOrReset(s)).isTrue();
    }
    await().atMost(Duration.ofSeconds(5)).until(() -> proxy.openConnections() == 0);
    try (Socket s = connect()) {
      assertThat(roundTrip(s, "y")).isEqualTo("y");
    }
  }

  @Test
  void partitionOfAZooKeeperClientSuspendsItAndTheServerExpiresTheSession() throws Exception {
    try (TestingServer zk =
            new TestingServer(new InstanceSpec(null, -1, -1, -1, true, -1, 200, -1), true);
        FaultProxy p = FaultProxy.start("zk", zk.getPort())) {
      CuratorFramework client =
          CuratorFrameworkFactory.builder()
              .connectString(p.connectString())
              .sessionTimeoutMs(1500)
              .connectionTimeoutMs(1000)
              .retryPolicy(new RetryNTimes(50, 100))
              .build();
      java.util.List<ConnectionState> states = new java.util.concurrent.CopyOnWriteArrayList<>();
      client.getConnectionStateListenable().addListener((c, s) -> states.add(s));
      client.start();
      try {
        assertThat(client.blockUntilConnected(10, TimeUnit.SECONDS)).isTrue();
        long session = client.getZookeeperClient().getZooKeeper().getSessionId();
        client.create().withMode(org.apache.zookeeper.CreateMode.EPHEMERAL).forPath("/held");
        p.partition();
        await()
            .atMost(Duration.ofSeconds(10))
            .until(() -> states.contains(ConnectionState.SUSPENDED));
        // The server hears nothing either: it expires the session and deletes the node.
        try (CuratorFramework observer =
            CuratorFrameworkFactory.newClient(zk.getConnectString(), new RetryNTimes(3, 100))) {
          observer.start();
          await()
              .atMost(Duration.ofSeconds(10))
              .until(() -> observer.getChildren().forPath("/").stream().noneMatch(this::isHeld));
        }
        p.forward();
        await()
            .atMost(Duration.ofSeconds(10))
            .until(
                () ->
                    states.contains(ConnectionState.LOST)
                        && client.getZookeeperClient().isConnected());
        assertThat(client.getZookeeperClient().getZooKeeper().getSessionId()).isNotEqualTo(session);
      } finally {
        client.close();
      }
    }
  }

  private boolean isHeld(String child) {
    return child.contains("held");
  }
}
