/*
 * Copyright 2026 the switchman authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package io.switchman.cli;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.apache.curator.test.InstanceSpec;
import org.apache.curator.test.TestingServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the CLI as separate {@code java} processes against a real ZooKeeper server (curator-test's
 * TestingServer in the test JVM, tickTime 200 ms so that 2-4 s sessions are granted as asked).
 * Commands report through files they write, e.g. {@code sh -c 'echo $$ > pid; ...'}.
 */
abstract class CliTestSupport {

  static final String HOST = "host-a.example";

  static TestingServer server;
  static CuratorFramework zk;
  private static final AtomicInteger PREFIXES = new AtomicInteger();

  @TempDir Path dir;
  String prefix;
  Path config;
  Path logFile;
  private final List<Cli> started = new ArrayList<>();
  private final AtomicInteger runs = new AtomicInteger();

  @BeforeAll
  static void startServer() throws Exception {
    server = new TestingServer(new InstanceSpec(null, -1, -1, -1, true, -1, 200, -1), true);
    zk =
        CuratorFrameworkFactory.builder()
            .connectString(server.getConnectString())
            .sessionTimeoutMs(4000)
            .retryPolicy(new RetryOneTime(100))
            .build();
    zk.start();
    zk.blockUntilConnected(10, TimeUnit.SECONDS);
  }

  @AfterAll
  static void stopServer() throws IOException {
    zk.close();
    server.close();
  }

  @BeforeEach
  void writeConfig(TestInfo info) throws IOException {
    prefix = "/t" + PREFIXES.incrementAndGet();
    logFile = dir.resolve("switchman.log");
    config = writeConfig("session_timeout", 2000, "termination_timeout", 0.5);
  }

  @AfterEach
  void killLeftovers() {
    for (Cli c : started) {
      c.process.toHandle().descendants().forEach(ProcessHandle::destroyForcibly);
      c.process.destroyForcibly();
    }
    for (long pgid : groupsToKill) {
      try {
        new ProcessBuilder("kill", "-KILL", "--", "-" + pgid)
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .start()
            .waitFor();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private final List<Long> groupsToKill = new ArrayList<>();

  /** Kills process group {@code pgid} after the test (a command left running by a failed test). */
  void killGroupAfterTest(long pgid) {
    groupsToKill.add(pgid);
  }

  /** Starts an arbitrary command line with extra environment, tracked like {@link #start}. */
  Cli launch(List<String> cmd, java.util.Map<String, String> env) {
    int n = runs.incrementAndGet();
    Path out = dir.resolve("out-" + n + ".txt");
    Path err = dir.resolve("err-" + n + ".txt");
    ProcessBuilder pb =
        new ProcessBuilder(cmd).directory(dir.toFile()).redirectOutput(out.toFile());
    pb.redirectError(err.toFile());
    pb.redirectInput(ProcessBuilder.Redirect.PIPE);
    pb.environment().putAll(env);
    try {
      Cli c = new Cli(pb.start(), out, err);
      started.add(c);
      return c;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The live (not zombie) processes of process group {@code pgid}, from /proc. */
  static List<Long> groupMembers(long pgid) {
    List<Long> members = new ArrayList<>();
    try (var dirs = Files.list(Path.of("/proc"))) {
      for (Path p : (Iterable<Path>) dirs::iterator) {
        String name = p.getFileName().toString();
        if (!name.chars().allMatch(Character::isDigit)) {
          continue;
        }
        try {
          String stat = Files.readString(p.resolve("stat"));
          String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
          // f[0] state, f[1] ppid, f[2] pgrp
          if (Long.parseLong(f[2]) == pgid && !f[0].equals("Z") && !f[0].equals("X")) {
            members.add(Long.parseLong(name));
          }
        } catch (IOException | RuntimeException e) {
          // gone meanwhile
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return members;
  }

  /** The state letter of process {@code pid} (R, S, D, T, Z...), or "gone". */
  static String state(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
      return String.valueOf(stat.charAt(stat.lastIndexOf(')') + 2));
    } catch (IOException e) {
      return "gone";
    }
  }

  /**
   * Writes the config with the given extra keys and values (JSON numbers or strings); {@code
   * "fqdn", ""} leaves the key out, so that the tool names the host itself.
   */
  Path writeConfig(Object... keysAndValues) throws IOException {
    String zkhosts = server.getConnectString();
    String fqdn = HOST;
    List<Object> rest = new ArrayList<>();
    for (int i = 0; i < keysAndValues.length; i += 2) {
      if (keysAndValues[i].equals("zkhosts")) {
        zkhosts = (String) keysAndValues[i + 1];
      } else if (keysAndValues[i].equals("fqdn")) {
        fqdn = (String) keysAndValues[i + 1];
      } else {
        rest.add(keysAndValues[i]);
        rest.add(keysAndValues[i + 1]);
      }
    }
    keysAndValues = rest.toArray();
    StringBuilder sb = new StringBuilder();
    sb.append("{\"zkhosts\": \"")
        .append(zkhosts)
        .append("\", \"prefix\": \"")
        .append(prefix)
        .append(fqdn.isEmpty() ? "" : "\", \"fqdn\": \"" + fqdn)
        .append("\", \"logfile\": \"")
        .append(logFile)
        .append("\"");
    for (int i = 0; i < keysAndValues.length; i += 2) {
      Object v = keysAndValues[i + 1];
      sb.append(", \"").append(keysAndValues[i]).append("\": ");
      sb.append(v instanceof String ? "\"" + v + "\"" : v.toString());
    }
    sb.append('}');
    Path p = dir.resolve("switchman-" + runs.incrementAndGet() + ".conf");
    Files.writeString(p, sb.toString());
    return p;
  }

  /** Sets the prefix znode's data (cluster data) with the raw client. */
  void clusterData(String json) throws Exception {
    byte[] data = json.getBytes(StandardCharsets.UTF_8);
    if (zk.checkExists().forPath(prefix) == null) {
      zk.create().creatingParentsIfNeeded().forPath(prefix, data);
    } else {
      zk.setData().forPath(prefix, data);
    }
  }

  /** Starts {@code switchman -c CONFIG ARGS}. */
  Cli start(String... args) {
    List<String> all = new ArrayList<>();
    all.add("-c");
    all.add(config.toString());
    all.addAll(List.of(args));
    return startRaw(all);
  }

  /** Starts {@code switchman ARGS} without adding a config option. */
  Cli startRaw(List<String> args) {
    int n = runs.incrementAndGet();
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-XX:TieredStopAtLevel=1");
    cmd.add("-XX:+UseSerialGC");
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add(Main.class.getName());
    cmd.addAll(args);
    Path out = dir.resolve("out-" + n + ".txt");
    Path err = dir.resolve("err-" + n + ".txt");
    ProcessBuilder pb =
        new ProcessBuilder(cmd).directory(dir.toFile()).redirectOutput(out.toFile());
    pb.redirectError(err.toFile());
    pb.redirectInput(ProcessBuilder.Redirect.PIPE);
    try {
      Cli c = new Cli(pb.start(), out, err);
      started.add(c);
      return c;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Runs {@code switchman -c CONFIG ARGS} to the end. */
  Cli run(String... args) {
    Cli c = start(args);
    c.exitCode(Duration.ofSeconds(30));
    return c;
  }

  /** A started CLI process with its output files. */
  record Cli(Process process, Path out, Path err) {

    int exitCode(Duration within) {
      try {
        if (!process.waitFor(within.toMillis(), TimeUnit.MILLISECONDS)) {
          throw new AssertionError(
              "switchman still running after " + within + "; stderr:\n" + stderr());
        }
        return process.exitValue();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }

    int exitCode() {
      return exitCode(Duration.ofSeconds(30));
    }

    long pid() {
      return process.pid();
    }

    String stdout() {
      return read(out);
    }

    String stderr() {
      return read(err);
    }
  }

  static String read(Path p) {
    try {
      return Files.exists(p) ? Files.readString(p) : "";
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  String log() {
    return read(logFile);
  }

  Path file(String name) {
    return dir.resolve(name);
  }

  /** Waits for a file a command writes and returns its first line as a pid. */
  long awaitPid(String name) {
    Path p = file(name);
    await().atMost(Duration.ofSeconds(20)).until(() -> Files.exists(p) && read(p).endsWith("\n"));
    return Long.parseLong(read(p).trim().split("\n")[0].trim());
  }

  /** Whether a process runs (exists and is not a zombie). */
  static boolean alive(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
      char state = stat.charAt(stat.lastIndexOf(')') + 2);
      return state != 'Z' && state != 'X';
    } catch (IOException e) {
      return false;
    }
  }

  static void signal(String signal, long pid) throws Exception {
    new ProcessBuilder("kill", "-s", signal, Long.toString(pid)).inheritIO().start().waitFor();
  }

  /**
   * {@code -- COMMAND}: a command that records its pid in {@code name} and runs until {@code
   * name.release} exists.
   */
  String[] holdUntilReleased(String name) {
    return new String[] {
      "--",
      "sh",
      "-c",
      "echo $$ > "
          + name
          + "; while [ ! -e "
          + name
          + ".release ]; do sleep 0.05; done; echo done >> "
          + name
          + ".done"
    };
  }

  void release(String name) throws IOException {
    Files.writeString(file(name + ".release"), "");
  }

  String lockPath(String name) {
    return prefix + "/locks/" + name;
  }
}
