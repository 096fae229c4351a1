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
import java.util.concurrent.TimeUnit;
import org.apache.zookeeper.server.quorum.QuorumPeer;
import org.apache.zookeeper.server.quorum.QuorumPeerConfig;
import org.apache.zookeeper.server.quorum.QuorumPeerMain;

/**
 * A real three-server ZooKeeper ensemble in this JVM whose server-to-server (quorum) links each go
 * through a {@link FaultLink}: in server i's configuration its own {@code server.i} line is its
 * real address, and every other server's quorum port is a link owned by the pair (i, j). A follower
 * talks to the leader only through {@link #link(int, int)} (follower, leader), so one follower can
 * be cut off from the leader, or slowed, while everything else works. Election ports are direct.
 */
public final class Quorum implements AutoCloseable {

  private static final int SIZE = 3;

  private final Path dir;
  private final int tickMs;
  private final int[] clientPorts = new int[SIZE];
  private final int[] quorumPorts = new int[SIZE];
  private final int[] electionPorts = new int[SIZE];
  private final FaultLink[][] links = new FaultLink[SIZE][SIZE];
  private final Peer[] peers = new Peer[SIZE];
  private final List<Thread> threads = new ArrayList<>();

  private static final class Peer extends QuorumPeerMain {
    QuorumPeer peer() {
      return quorumPeer;
    }

    void shutdown() {
      if (quorumPeer != null) {
        quorumPeer.shutdown();
      }
    }
  }

  /** Starts the ensemble with {@code tickMs} and waits until one server leads and all serve. */
  public Quorum(Path dir, int tickMs, Duration timeout) throws Exception {
    this.dir = Files.createDirectories(dir);
    this.tickMs = tickMs;
    for (int i = 0; i < SIZE; i++) {
      clientPorts[i] = freePort();
      quorumPorts[i] = freePort();
      electionPorts[i] = freePort();
    }
    for (int i = 0; i < SIZE; i++) {
      for (int j = 0; j < SIZE; j++) {
        if (i != j) {
          links[i][j] = new FaultLink(quorumPorts[j], false);
        }
      }
    }
    for (int i = 0; i < SIZE; i++) {
      Path data = Files.createDirectories(dir.resolve("zk" + (i + 1)));
      Files.writeString(data.resolve("myid"), Integer.toString(i + 1));
      StringBuilder cfg = new StringBuilder();
      cfg.append("tickTime=").append(tickMs).append('\n');
      cfg.append("initLimit=10\nsyncLimit=10\n");
      cfg.append("dataDir=").append(data.toAbsolutePath()).append('\n');
      cfg.append("clientPort=").append(clientPorts[i]).append('\n');
      cfg.append("clientPortAddress=127.0.0.1\n");
      cfg.append("admin.enableServer=false\n");
      cfg.append("forceSync=no\n");
      cfg.append("maxClientCnxns=0\n");
      cfg.append("electionPortBindRetry=20\n");
      for (int j = 0; j < SIZE; j++) {
        int quorum = i == j ? quorumPorts[j] : links[i][j].port();
        cfg.append("server.")
            .append(j + 1)
            .append("=127.0.0.1:")
            .append(quorum)
            .append(':')
            .append(electionPorts[j])
            .append('\n');
      }
      Path file = dir.resolve("zoo" + (i + 1) + ".cfg");
      Files.writeString(file, cfg);
      QuorumPeerConfig config = new QuorumPeerConfig();
      config.parse(file.toString());
      Peer p = new Peer();
      peers[i] = p;
      Thread t =
          new Thread(
              () -> {
                try {
                  p.runFromConfig(config);
                } catch (Exception e) {
                  // stopped
                }
              },
              "quorum-peer-" + (i + 1));
      t.setDaemon(true);
      t.start();
      threads.add(t);
    }
    awaitServing(timeout);
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

  public int clientPort(int i) {
    return clientPorts[i];
  }

  /** The link that server {@code from} uses to reach server {@code to}'s quorum port. */
  public FaultLink link(int from, int to) {
    return links[from][to];
  }

  /** The state of server {@code i} (LEADING, FOLLOWING, LOOKING), or null before it runs. */
  public QuorumPeer.ServerState state(int i) {
    QuorumPeer p = peers[i].peer();
    return p == null ? null : p.getPeerState();
  }

  /** The index of the leader, or -1. */
  public int leader() {
    for (int i = 0; i < SIZE; i++) {
      if (state(i) == QuorumPeer.ServerState.LEADING) {
        return i;
      }
    }
    return -1;
  }

  /** The indexes of the followers. */
  public List<Integer> followers() {
    List<Integer> out = new ArrayList<>();
    for (int i = 0; i < SIZE; i++) {
      if (state(i) == QuorumPeer.ServerState.FOLLOWING) {
        out.add(i);
      }
    }
    return out;
  }

  private void awaitServing(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() - deadline < 0) {
      if (leader() >= 0 && followers().size() == SIZE - 1 && allServe()) {
        return;
      }
      TimeUnit.MILLISECONDS.sleep(100);
    }
    throw new IllegalStateException("The quorum in " + dir + " did not serve within " + timeout);
  }

  private boolean allServe() {
    for (int i = 0; i < SIZE; i++) {
      QuorumPeer p = peers[i].peer();
      if (p == null || p.getActiveServer() == null || !p.getActiveServer().isRunning()) {
        return false;
      }
    }
    return true;
  }

  @Override
  public void close() {
    for (Peer p : peers) {
      if (p != null) {
        p.shutdown();
      }
    }
    for (FaultLink[] row : links) {
      for (FaultLink l : row) {
        if (l != null) {
          l.close();
        }
      }
    }
  }
}
