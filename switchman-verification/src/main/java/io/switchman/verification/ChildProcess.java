/*
 * Copyright 2026 the switchman authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package io.switchman.verification;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * A child process of the suite (a ZooKeeper server, a worker JVM) that can be killed with {@code
 * kill -9}, paused with {@code SIGSTOP} and resumed with {@code SIGCONT}. Output goes to a log
 * file. Every child still alive when the suite's JVM exits is killed by a shutdown hook, so nothing
 * leaks.
 */
public final class ChildProcess implements AutoCloseable {

  private static final Set<Process> LIVE = ConcurrentHashMap.newKeySet();

  static {
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  for (Process p : LIVE) {
                    p.descendants().forEach(ProcessHandle::destroyForcibly);
                    p.destroyForcibly();
                  }
                },
                "child-process-reaper"));
  }

  private final String name;
  private final Process process;
  private volatile boolean paused;

  private ChildProcess(String name, Process process) {
    this.name = name;
    this.process = process;
  }

  /** Starts {@code command}, appending its output to {@code log}. */
  public static ChildProcess start(String name, List<String> command, Path log) throws IOException {
    Path parent = log.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    ProcessBuilder pb =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    Process p = pb.start();
    LIVE.add(p);
    return new ChildProcess(name, p);
  }

  /**
   * The command that runs {@code mainClass} in a small JVM on this JVM's class path ({@code
   * java.class.path}), with extra JVM options.
   */
  public static List<String> java(String mainClass, List<String> jvmOptions, List<String> args) {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-Xmx128m");
    cmd.add("-Xss512k");
    cmd.add("-XX:+UseSerialGC");
    cmd.add("-XX:TieredStopAtLevel=1");
    cmd.add("-Xshare:auto");
    cmd.add("-Djava.net.preferIPv4Stack=true");
    cmd.addAll(jvmOptions);
    cmd.add("-cp");
    cmd.add(classPath());
    cmd.add(mainClass);
    cmd.addAll(args);
    return cmd;
  }

  private static String classPath() {
    return System.getProperty("java.class.path");
  }

  public String name() {
    return name;
  }

  public long pid() {
    return process.pid();
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  public boolean isPaused() {
    return paused;
  }

  /** {@code kill -9}, then waits for the process to be gone. */
  public void kill() {
    process.descendants().forEach(ProcessHandle::destroyForcibly);
    process.destroyForcibly();
    waitFor(Duration.ofSeconds(10));
    paused = false;
    LIVE.remove(process);
  }

  /** {@code SIGTERM} (shutdown hooks run), waiting up to {@code grace}, then {@code kill -9}. */
  public void stop(Duration grace) {
    if (paused) {
      resume();
    }
    process.destroy();
    if (!waitFor(grace)) {
      kill();
    }
    LIVE.remove(process);
  }

  /** {@code SIGSTOP}: the process and its children freeze where they are. */
  public void pause() {
    signal("STOP");
    paused = true;
  }

  /** {@code SIGCONT}. */
  public void resume() {
    signal("CONT");
    paused = false;
  }

  /** The process's descendants now. */
  public java.util.stream.Stream<ProcessHandle> descendants() {
    return process.descendants();
  }

  /**
   * Sends {@code SIG<sig>} to one process (not its children).
   *
   * @return false when the process is gone (or the signal could not be sent)
   */
  public static boolean signal(long pid, String sig) {
    return run(List.of("kill", "-" + sig, Long.toString(pid)), "pid " + pid) == null;
  }

  /** Sends {@code sig} to every process of group {@code pgid} ({@code kill -SIG -- -PGID}). */
  public static boolean signalGroup(long pgid, String sig) {
    if (pgid <= 1) {
      throw new IllegalArgumentException("Invalid process group " + pgid + ": must be above 1");
    }
    return run(List.of("kill", "-" + sig, "--", "-" + pgid), "group " + pgid) == null;
  }

  /**
   * The whole command line of {@code pid} from {@code /proc/PID/cmdline} (arguments joined by
   * spaces), or empty when it is gone. {@code ProcessHandle.Info.commandLine()} stops at 4096
   * characters, before the main class and arguments of a JVM with a long class path.
   */
  public static String commandLine(long pid) {
    try {
      byte[] raw = Files.readAllBytes(Path.of("/proc/" + pid + "/cmdline"));
      return new String(raw, StandardCharsets.UTF_8).replace('\0', ' ').trim();
    } catch (IOException | RuntimeException e) {
      return ProcessHandle.of(pid).flatMap(h -> h.info().commandLine()).orElse("");
    }
  }

  /** The process group of {@code pid} (from {@code /proc/PID/stat}), or -1 when it is gone. */
  public static long processGroup(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc/" + pid + "/stat"), StandardCharsets.UTF_8);
      // pid (comm) state ppid pgrp ...: comm may hold spaces and parentheses
      String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      return Long.parseLong(f[2]);
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }

  private void signal(String sig) {
    List<String> cmd = new ArrayList<>(List.of("kill", "-" + sig, Long.toString(process.pid())));
    process.descendants().forEach(d -> cmd.add(Long.toString(d.pid())));
    String failure = run(cmd, name);
    if (failure != null) {
      throw new IllegalStateException(failure);
    }
  }

  /** Runs a {@code kill} command; returns why it failed, or null. */
  private static @Nullable String run(List<String> cmd, String name) {
    try {
      Process k = new ProcessBuilder(cmd).redirectErrorStream(true).start();
      if (!k.waitFor(10, TimeUnit.SECONDS) || k.exitValue() != 0) {
        return String.join(" ", cmd)
            + " failed: "
            + new String(k.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      }
      return null;
    } catch (IOException e) {
      return String.join(" ", cmd) + " failed: " + e;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "interrupted while signalling " + name;
    }
  }

  /** Waits for the process to exit. */
  public boolean waitFor(Duration timeout) {
    try {
      return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** The exit code; the process must have exited. */
  public int exitValue() {
    return process.exitValue();
  }

  @Override
  public void close() {
    if (process.isAlive()) {
      kill();
    }
    LIVE.remove(process);
  }

  @Override
  public String toString() {
    return name + "[pid " + process.pid() + (paused ? ", paused" : "") + "]";
  }
}
