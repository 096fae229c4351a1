/*
 * Copyright 2026 the switchman authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package io.switchman.core.testing;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.server.quorum.QuorumPeer;
import org.apache.zookeeper.server.quorum.QuorumPeer.ServerState;
import org.apache.zookeeper.server.quorum.QuorumPeerConfig;
import org.apache.zookeeper.server.quorum.QuorumPeerMain;
import org.jspecify.annotations.Nullable;

/**
 * A ZooKeeper ensemble of real quorum peers in this JVM whose server-to-server links can be cut one
 * pair at a time. Every ordered pair (i, j) has its own {@link TcpProxy} for j's quorum port and
 * one for j's election port: server i's own {@code server.i} line is its real address, its {@code
 * server.j} lines point at i's proxies to j. {@link #cut(int, int)} drops every byte between two
 * servers in both directions while keeping the sockets open (neither side sees an error, as in a
 * real partition); {@link #heal(int, int)} closes the frozen connections and forwards again, so the
 * two servers reconnect.
 */
public final class LinkedEnsemble implements AutoCloseable {

  /** A peer whose {@link QuorumPeer} the test can see. */
  private static final class Peer extends QuorumPeerMain {
    @Nullable QuorumPeer peer() {
      return quorumPeer;
    }
  }

  private final int size;
  private final int tickMs;
  private final int[] clientPorts;
  private final TcpProxy[][] quorumProxies;
  private final TcpProxy[][] electionProxies;
  private final Peer[] peers;
  private final List<Thread> threads = new ArrayList<>();

  /**
   * Starts {@code size} peers with {@code tickMs} and {@code syncLimit} (in ticks) in {@code dir}
   * and waits until one leads and every other follows.
   */
  public LinkedEnsemble(Path dir, int size, int tickMs, int syncLimit, Duration timeout)
      throws Exception {
    this.size = size;
    this.tickMs = tickMs;
    this.clientPorts = new int[size];
    int[] quorumPorts = new int[size];
    int[] electionPorts = new int[size];
    for (int i = 0; i < size; i++) {
      clientPorts[i] = freePort();
      quorumPorts[i] = freePort();
      electionPorts[i] = freePort();
    }
    this.quorumProxies = new TcpProxy[size][size];
    this.electionProxies = new TcpProxy[size][size];
    this.peers = new Peer[size];
    try {
      for (int i = 0; i < size; i++) {
        for (int j = 0; j < size; j++) {
          if (i != j) {
            quorumProxies[i][j] = new TcpProxy(quorumPorts[j]);
            electionProxies[i][j] = new TcpProxy(electionPorts[j]);
          }
        }
      }
      for (int i = 0; i < size; i++) {
        Path data = Files.createDirectories(dir.resolve("zk" + (i + 1)));
        Files.writeString(data.resolve("myid"), Integer.toString(i + 1));
        Properties p = new Properties();
        p.setProperty("tickTime", Integer.toString(tickMs));
        p.setProperty("initLimit", "10");
        p.setProperty("syncLimit", Integer.toString(syncLimit));
        p.setProperty("dataDir", data.toAbsolutePath().toString());
        p.setProperty("clientPort", Integer.toString(clientPorts[i]));
        p.setProperty("clientPortAddress", "127.0.0.1");
        p.setProperty("admin.enableServer", "false");
        p.setProperty("forceSync", "no");
        p.setProperty("maxClientCnxns", "0");
        p.setProperty("electionPortBindRetry", "20");
        for (int j = 0; j < size; j++) {
          int q = i == j ? quorumPorts[j] : quorumProxies[i][j].port();
          int e = i == j ? electionPorts[j] : electionProxies[i][j].port();
          p.setProperty("server." + (j + 1), "127.0.0.1:" + q + ":" + e);
        }
        QuorumPeerConfig config = new QuorumPeerConfig();
        config.parseProperties(p);
        Peer peer = new Peer();
        peers[i] = peer;
        Thread t =
            new Thread(
                () -> {
                  try {
                    peer.runFromConfig(config);
                  } catch (Exception e) {
                    // the peer stopped
                  }
                },
                "linked-ensemble-zk" + (i + 1));
        t.setDaemon(true);
        t.start();
        threads.add(t);
      }
      awaitQuorum(timeout);
    } catch (Exception | Error e) {
      close();
      throw e;
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      s.setReuseAddress(true);
      return s.getLocalPort();
    }
  }

  public int tickMs() {
    return tickMs;
  }

  /** A connect string naming server {@code i} only. */
  public String connectString(int i) {
    return "127.0.0.1:" + clientPorts[i];
  }

  /** The index of the leader, or -1. */
  public int leader() {
    for (int i = 0; i < size; i++) {
      if (state(i) == ServerState.LEADING) {
        return i;
      }
    }
    return -1;
  }

  /** The indexes of the followers. */
  public List<Integer> followers() {
    List<Integer> out = new ArrayList<>();
    for (int i = 0; i < size; i++) {
      if (state(i) == ServerState.FOLLOWING) {
        out.add(i);
      }
    }
    return out;
  }

  private @Nullable ServerState state(int i) {
    QuorumPeer p = peers[i] == null ? null : peers[i].peer();
    return p == null ? null : p.getPeerState();
  }

  /** Drops every byte between servers {@code a} and {@code b}, both ways; sockets stay open. */
  public void cut(int a, int b) {
    for (TcpProxy p : links(a, b)) {
      p.partition();
    }
  }

  /** Closes the frozen connections between {@code a} and {@code b} and forwards again. */
  public void heal(int a, int b) {
    for (TcpProxy p : links(a, b)) {
      p.disconnect();
      p.heal();
    }
  }

  private List<TcpProxy> links(int a, int b) {
    return List.of(
        quorumProxies[a][b], quorumProxies[b][a], electionProxies[a][b], electionProxies[b][a]);
  }

  /**
   * Waits until one server leads, every other follows, and every server answers a client (a
   * follower serves only once it is in sync with the leader).
   */
  public void awaitQuorum(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (leader() >= 0 && followers().size() == size - 1 && allServe()) {
        return;
      }
      Thread.sleep(100);
    }
    throw new IllegalStateException(
        "The ensemble did not form a quorum within " + timeout + " (leader " + leader() + ")");
  }

  private boolean allServe() {
    for (int i = 0; i < size; i++) {
      if (!serves(i)) {
        return false;
      }
    }
    return true;
  }

  private boolean serves(int i) {
    ZooKeeper zk = null;
    try {
      java.util.concurrent.CountDownLatch connected = new java.util.concurrent.CountDownLatch(1);
      zk =
          new ZooKeeper(
              connectString(i),
              4 * tickMs,
              e -> {
                if (e.getState() == org.apache.zookeeper.Watcher.Event.KeeperState.SyncConnected) {
                  connected.countDown();
                }
              });
      if (!connected.await(2, TimeUnit.SECONDS)) {
        return false;
      }
      zk.exists("/", false);
      return true;
    } catch (Exception e) {
      return false;
    } finally {
      if (zk != null) {
        try {
          zk.close();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
    }
  }

  @Override
  public void close() {
    for (Peer p : peers) {
      QuorumPeer q = p == null ? null : p.peer();
      if (q != null) {
        q.shutdown();
      }
    }
    for (Thread t : threads) {
      try {
        t.join(5000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    for (TcpProxy[] row : quorumProxies) {
      for (TcpProxy p : row) {
        if (p != null) {
          p.close();
        }
      }
    }
    for (TcpProxy[] row : electionProxies) {
      for (TcpProxy p : row) {
        if (p != null) {
          p.close();
        }
      }
    }
  }
}
