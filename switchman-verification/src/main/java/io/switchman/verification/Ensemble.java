/*
 * Copyright 2026 the switchman authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package io.switchman.verification;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/**
 * A ZooKeeper ensemble out of process: {@code size} servers ({@code QuorumPeerMain} from the
 * zookeeper jar), each its own JVM on loopback ports that the suite can {@code kill -9}, pause and
 * restart; with one server it runs standalone. Data directories survive restarts, so a restarted
 * server rejoins with its data. A short tick keeps sessions (2 to 20 ticks) and the suite fast.
 */
public final class Ensemble implements AutoCloseable {

  /**
   * Extra settings for every server.
   *
   * @param config extra {@code zoo.cfg} lines (key to value)
   * @param jvmOptions extra JVM options of each server process
   * @param secureClientPorts whether each server also gets a {@code secureClientPort} (TLS; needs
   *     {@code -Dzookeeper.serverCnxnFactory=org.apache.zookeeper.server.NettyServerCnxnFactory}
   *     and the {@code ssl.*} settings)
   * @param quorumProxies whether servers talk to each other through per-pair {@link FaultProxy}s on
   *     the quorum and election ports (each server's own {@code server.N} line is its real address,
   *     the others point at the proxies from it to them), so that {@link #cut} can partition two
   *     servers
   */
  public record Options(
      Map<String, String> config,
      List<String> jvmOptions,
      boolean secureClientPorts,
      boolean quorumProxies) {
    /** No extras. */
    public static final Options NONE = new Options(Map.of(), List.of(), false, false);

    /** Extras without quorum proxies. */
    public Options(Map<String, String> config, List<String> jvmOptions, boolean secureClientPorts) {
      this(config, jvmOptions, secureClientPorts, false);
    }

    /** Servers talking to each other through per-pair fault proxies. */
    public static Options withQuorumProxies() {
      return new Options(Map.of(), List.of(), false, true);
    }
  }

  private final Path dir;
  private final int tickMs;
  private final Options options;
  private final int[] clientPorts;
  private final int[] securePorts;
  private final ChildProcess[] servers;
  private final int[] starts;
  // peerProxies[i][j]: the proxy server i uses to reach server j (quorum port, election port)
  private final @Nullable FaultProxy[][] peerProxies;

  private Ensemble(Path dir, int size, int tickMs, Options options) throws IOException {
    this.dir = dir;
    this.tickMs = tickMs;
    this.options = options;
    this.clientPorts = new int[size];
    this.securePorts = new int[size];
    this.servers = new ChildProcess[size];
    this.starts = new int[size];
    this.peerProxies = new FaultProxy[size][size];
    int[] quorumPorts = new int[size];
    int[] electionPorts = new int[size];
    for (int i = 0; i < size; i++) {
      clientPorts[i] = freePort();
      securePorts[i] = options.secureClientPorts() ? freePort() : -1;
      quorumPorts[i] = freePort();
      electionPorts[i] = freePort();
    }
    if (options.quorumProxies() && size > 1) {
      for (int i = 0; i < size; i++) {
        for (int j = 0; j < size; j++) {
          if (i != j) {
            peerProxies[i][j] =
                FaultProxy.start(
                    "zk" + (i + 1) + "-to-zk" + (j + 1), quorumPorts[j], electionPorts[j]);
          }
        }
      }
    }
    for (int i = 0; i < size; i++) {
      Path data = Files.createDirectories(dir.resolve("zk" + (i + 1)));
      StringBuilder cfg = new StringBuilder();
      cfg.append("tickTime=").append(tickMs).append('\n');
      cfg.append("initLimit=10\nsyncLimit=5\n");
      cfg.append("dataDir=").append(data.toAbsolutePath()).append('\n');
      cfg.append("clientPort=").append(clientPorts[i]).append('\n');
      cfg.append("clientPortAddress=127.0.0.1\n");
      cfg.append("admin.enableServer=false\n");
      cfg.append("4lw.commands.whitelist=srvr,ruok,cons\n");
      cfg.append("forceSync=no\n");
      cfg.append("maxClientCnxns=0\n");
      if (options.secureClientPorts()) {
        cfg.append("secureClientPort=").append(securePorts[i]).append('\n');
        cfg.append("secureClientPortAddress=127.0.0.1\n");
      }
      options.config().forEach((k, v) -> cfg.append(k).append('=').append(v).append('\n'));
      if (size > 1) {
        cfg.append("electionPortBindRetry=20\n");
        for (int j = 0; j < size; j++) {
          FaultProxy via = peerProxies[i][j];
          int quorum = via == null ? quorumPorts[j] : via.ports().get(0);
          int election = via == null ? electionPorts[j] : via.ports().get(1);
          cfg.append("server.")
              .append(j + 1)
              .append("=127.0.0.1:")
              .append(quorum)
              .append(':')
              .append(election)
              .append('\n');
        }
        Files.writeString(data.resolve("myid"), Integer.toString(i + 1));
      }
      Files.writeString(dir.resolve("zoo" + (i + 1) + ".cfg"), cfg);
    }
  }

  /**
   * Starts {@code size} servers (1: standalone, 3: a quorum) with {@code tickMs} in {@code dir} and
   * waits until they serve.
   */
  public static Ensemble start(Path dir, int size, int tickMs, Duration timeout)
      throws IOException {
    return start(dir, size, tickMs, timeout, Options.NONE);
  }

  /** Starts an ensemble with extra settings for every server. */
  public static Ensemble start(Path dir, int size, int tickMs, Duration timeout, Options options)
      throws IOException {
    Ensemble e = new Ensemble(Files.createDirectories(dir), size, tickMs, options);
    try {
      for (int i = 0; i < size; i++) {
        e.restart(i);
      }
      e.awaitServing(timeout);
    } catch (IOException | RuntimeException ex) {
      e.close();
      throw ex;
    }
    return e;
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      s.setReuseAddress(true);
      return s.getLocalPort();
    }
  }

  public int size() {
    return servers.length;
  }

  public int tickMs() {
    return tickMs;
  }

  /** The client ports, server 0 first. */
  public List<Integer> clientPorts() {
    return java.util.Arrays.stream(clientPorts).boxed().toList();
  }

  /** The TLS client ports ({@code secureClientPort}), server 0 first; -1 without TLS. */
  public List<Integer> secureClientPorts() {
    return java.util.Arrays.stream(securePorts).boxed().toList();
  }

  /** A connect string naming every server directly. */
  public String connectString() {
    return clientPorts().stream().map(p -> "127.0.0.1:" + p).collect(Collectors.joining(","));
  }

  /**
   * Partitions servers {@code a} and {@code b} from each other (both directions, quorum and
   * election links: every byte dropped, sockets kept open) until {@link #healQuorum()}.
   *
   * @throws IllegalStateException without {@link Options#quorumProxies()}
   */
  public synchronized void cut(int a, int b) {
    peer(a, b).partition();
    peer(b, a).partition();
  }

  /** Cuts the leader {@code leader} from every other server. */
  public synchronized void isolate(int leader) {
    for (int j = 0; j < size(); j++) {
      if (j != leader) {
        cut(leader, j);
      }
    }
  }

  /** Heals every cut between servers; connections that lived through a cut are reset. */
  public synchronized void healQuorum() {
    for (FaultProxy[] row : peerProxies) {
      for (FaultProxy p : row) {
        if (p != null) {
          p.forward();
        }
      }
    }
  }

  /** Whether servers talk through per-pair proxies (so {@link #cut} works). */
  public boolean hasQuorumProxies() {
    return size() > 1 && peerProxies[0][1] != null;
  }

  private FaultProxy peer(int from, int to) {
    FaultProxy p = peerProxies[from][to];
    if (p == null) {
      throw new IllegalStateException(
          "Servers "
              + (from + 1)
              + " and "
              + (to + 1)
              + " have no proxy between them: start the ensemble with Options.withQuorumProxies()");
    }
    return p;
  }

  /** The index of the server listening on client port {@code port}, or -1. */
  public int serverOfClientPort(int port) {
    for (int i = 0; i < clientPorts.length; i++) {
      if (clientPorts[i] == port) {
        return i;
      }
    }
    return -1;
  }

  /** Whether server {@code i} runs (it may be paused). */
  public boolean isRunning(int i) {
    return servers[i] != null && servers[i].isAlive();
  }

  /** The process of server {@code i}, or null when it is not running. */
  public @Nullable ChildProcess process(int i) {
    return isRunning(i) ? servers[i] : null;
  }

  /** Starts server {@code i} (again), after {@link #kill} or at the beginning. */
  public synchronized void restart(int i) throws IOException {
    if (isRunning(i)) {
      throw new IllegalStateException("server " + (i + 1) + " is running");
    }
    starts[i]++;
    servers[i] =
        ChildProcess.start(
            "zk" + (i + 1),
            ChildProcess.java(
                "org.apache.zookeeper.server.quorum.QuorumPeerMain",
                jvmOptions(),
                List.of(dir.resolve("zoo" + (i + 1) + ".cfg").toAbsolutePath().toString())),
            dir.resolve("zk" + (i + 1) + ".log"));
  }

  private List<String> jvmOptions() throws IOException {
    List<String> out = new ArrayList<>();
    out.add("-Dzookeeper.admin.enableServer=false");
    out.add("-Dzookeeper.jmx.log4j.disable=true");
    out.add("-Dlogback.configurationFile=" + logbackFor());
    if (hasQuorumProxies()) {
      // A server cut off keeps electing with a doubling notification timeout (up to 60 s by
      // default): after a cut heals it would sit out for tens of seconds. 1 s keeps it quick.
      out.add("-Dzookeeper.fastleader.maxNotificationInterval=1000");
    }
    out.addAll(options.jvmOptions());
    return out;
  }

  private String logbackFor() throws IOException {
    Path f = dir.resolve("logback-server.xml");
    if (!Files.exists(f)) {
      Files.writeString(
          f,
          """
          <configuration>
            <appender name="OUT" class="ch.qos.logback.core.ConsoleAppender">
              <encoder><pattern>%d{HH:mm:ss.SSS} %-5level [%thread] %logger{20} - %msg%n</pattern></encoder>
            </appender>
            <logger name="org.apache.zookeeper" level="WARN"/>
            <logger name="org.apache.zookeeper.server.quorum.FastLeaderElection" level="INFO"/>
            <logger name="org.apache.zookeeper.server.quorum.QuorumPeer" level="INFO"/>
            <root level="WARN"><appender-ref ref="OUT"/></root>
          </configuration>
          """);
    }
    return f.toAbsolutePath().toString();
  }

  /**
   * What each server is doing now, for a failed wait's message: its mode (as {@code srvr} reports
   * it) and the last lines of its log.
   */
  public String describe() {
    StringBuilder out = new StringBuilder("ensemble in ").append(dir).append(':');
    for (int i = 0; i < size(); i++) {
      out.append("\n--- server ").append(i + 1).append(": ");
      out.append(
          !isRunning(i) ? "not running" : servers[i].isPaused() ? "paused" : "mode " + mode(i));
      Path log = dir.resolve("zk" + (i + 1) + ".log");
      try {
        List<String> lines = Files.exists(log) ? Files.readAllLines(log) : List.of();
        for (String line : lines.subList(Math.max(0, lines.size() - 25), lines.size())) {
          out.append("\n  ").append(line);
        }
      } catch (IOException | java.io.UncheckedIOException e) {
        out.append("\n  (log unreadable: ").append(e.getMessage()).append(')');
      }
    }
    return out.toString();
  }

  /** {@code kill -9} server {@code i}. */
  public synchronized void kill(int i) {
    if (servers[i] != null) {
      servers[i].kill();
    }
  }

  /** {@code SIGSTOP} server {@code i}. */
  public void pause(int i) {
    if (servers[i] != null) {
      servers[i].pause();
    }
  }

  /** {@code SIGCONT} server {@code i}. */
  public void resume(int i) {
    if (servers[i] != null) {
      servers[i].resume();
    }
  }

  /** Asks server {@code i} for its mode ({@code leader}, {@code follower}, {@code standalone}). */
  public @Nullable String mode(int i) {
    if (!isRunning(i) || servers[i].isPaused()) {
      return null;
    }
    String srvr = fourLetterWord(clientPorts[i], "srvr");
    if (srvr == null) {
      return null;
    }
    for (String line : srvr.split("\n")) {
      if (line.startsWith("Mode: ")) {
        return line.substring(6).trim();
      }
    }
    return null;
  }

  /** The index of the leader (or the standalone server), or -1 when there is none now. */
  public int leader() {
    for (int i = 0; i < size(); i++) {
      String m = mode(i);
      if ("leader".equals(m) || "standalone".equals(m)) {
        return i;
      }
    }
    return -1;
  }

  /** The indexes of running followers. */
  public List<Integer> followers() {
    List<Integer> out = new ArrayList<>();
    for (int i = 0; i < size(); i++) {
      if ("follower".equals(mode(i))) {
        out.add(i);
      }
    }
    return out;
  }

  /** Waits until every running server serves and one leads. */
  public void awaitServing(Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      boolean all = true;
      boolean leader = false;
      for (int i = 0; i < size(); i++) {
        if (!isRunning(i)) {
          continue;
        }
        String m = mode(i);
        if (m == null) {
          all = false;
        } else if (m.equals("leader") || m.equals("standalone")) {
          leader = true;
        }
      }
      if (all && leader) {
        return;
      }
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while waiting for the ensemble", e);
      }
    }
    throw new IllegalStateException(
        "The ensemble in " + dir + " did not serve within " + timeout + "; see its zk*.log");
  }

  private static @Nullable String fourLetterWord(int port, String word) {
    try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
      s.setSoTimeout(1000);
      OutputStream out = s.getOutputStream();
      out.write(word.getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = s.getInputStream();
      String reply = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      return reply.contains("not currently serving") ? null : reply;
    } catch (IOException e) {
      return null;
    }
  }

  @Override
  public synchronized void close() {
    for (ChildProcess p : servers) {
      if (p != null) {
        p.close();
      }
    }
    for (FaultProxy[] row : peerProxies) {
      for (FaultProxy p : row) {
        if (p != null) {
          p.close();
        }
      }
    }
  }
}
