/*
 * Copyright 2026 the switchman authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package io.switchman.benchmarks;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One real ZooKeeper server ({@code ZooKeeperServerMain}) in a process of its own, so that its CPU
 * is not the benchmark's. Standalone, default {@code forceSync} (every write is fsynced), no client
 * connection limit (the contention benchmark opens a thousand sessions).
 */
final class ZooKeeperServerProcess implements AutoCloseable {

  private final Process process;
  private final int port;
  private final int tickTimeMs;
  private final Path dir;

  private final Thread killOnExit;

  private ZooKeeperServerProcess(Process process, int port, int tickTimeMs, Path dir) {
    this.process = process;
    this.port = port;
    this.tickTimeMs = tickTimeMs;
    this.dir = dir;
    // If the benchmark is stopped (Ctrl-C), the server must not outlive it.
    this.killOnExit = new Thread(process::destroyForcibly, "zookeeper-server-reaper");
    Runtime.getRuntime().addShutdownHook(killOnExit);
  }

  /** Starts a server with the given tick time and waits until it answers {@code ruok}. */
  static ZooKeeperServerProcess start(Path workDir, int tickTimeMs) throws IOException {
    Path dir = Files.createTempDirectory(workDir, "zk-");
    Path data = Files.createDirectories(dir.resolve("data"));
    int port = freePort();
    Path cfg = dir.resolve("zoo.cfg");
    Files.writeString(
        cfg,
        String.join(
            "\n",
            "tickTime=" + tickTimeMs,
            "dataDir=" + data.toAbsolutePath(),
            "clientPort=" + port,
            "clientPortAddress=127.0.0.1",
            "maxClientCnxns=0",
            "admin.enableServer=false",
            "4lw.commands.whitelist=ruok,mntr,srvr,cons",
            "autopurge.purgeInterval=0",
            ""));
    List<String> cmd = new ArrayList<>();
    cmd.add(Jvm.java());
    cmd.add("-Xmx512m");
    cmd.add("-XX:+UseParallelGC");
    cmd.add("-Dzookeeper.jmx.log4j.disable=true");
    cmd.add("-cp");
    cmd.add(Jvm.classPath());
    cmd.add("org.apache.zookeeper.server.ZooKeeperServerMain");
    cmd.add(cfg.toAbsolutePath().toString());
    Process p =
        new ProcessBuilder(cmd)
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("server.log").toFile())
            .start();
    ZooKeeperServerProcess server = new ZooKeeperServerProcess(p, port, tickTimeMs, dir);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (!"imok".equals(server.fourLetterWord("ruok"))) {
      if (!p.isAlive() || System.nanoTime() > deadline) {
        server.close();
        throw new IOException(
            "ZooKeeper server did not start; see " + dir.resolve("server.log").toAbsolutePath());
      }
      sleep(50);
    }
    return server;
  }

  String connectString() {
    return "127.0.0.1:" + port;
  }

  int port() {
    return port;
  }

  int tickTimeMs() {
    return tickTimeMs;
  }

  long pid() {
    return process.pid();
  }

  /** Sends a four-letter word and returns the answer, or an empty string if unreachable. */
  String fourLetterWord(String word) {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1000);
      s.setSoTimeout(5000);
      OutputStream out = s.getOutputStream();
      out.write(word.getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = s.getInputStream();
      return new String(in.readAllBytes(), StandardCharsets.UTF_8).trim();
    } catch (IOException e) {
      return "";
    }
  }

  /** The server's CPU time so far, from /proc (Linux), or -1. */
  long cpuTimeMillis() {
    return Jvm.cpuTimeMillis(process.pid());
  }

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  @Override
  public void close() {
    try {
      Runtime.getRuntime().removeShutdownHook(killOnExit);
    } catch (IllegalStateException e) {
      // shutting down: the hook runs anyway
    }
    process.destroyForcibly();
    try {
      process.waitFor(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    Jvm.deleteRecursively(dir);
  }
}
