/*
 * Copyright 2026 the switchman authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package io.switchman.verification;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * A worker that runs the {@code switchman} command-line tool again and again, as cron would, each
 * time with a {@link JobMain} command: {@code java -jar switchman.jar -c CONFIG [--lockname L |
 * --no-lock --lockname ID --lease SPEC] --wait 3s -- java ... JobMain ...}. On SIGTERM it forwards
 * the signal to the running {@code switchman} and waits for it.
 *
 * <p>Each {@code switchman} runs in its own process group and session ({@code setsid}, as under
 * {@code timeout} or a supervisor that kills a group): the soak can then {@code kill -KILL -PGID}
 * it without hitting this worker, and its pid is its group's id.
 *
 * <p>Arguments, each {@code --key=value}: {@code id}, {@code jar}, {@code config}, {@code history},
 * {@code store} (lock workers), {@code lock} or {@code lease}, {@code work-ms} ({@code MIN:MAX}),
 * {@code seed}.
 */
public final class CliWorkerMain {

  private static final Path SETSID = Path.of("/usr/bin/setsid");

  private static volatile @Nullable Process current;
  private static volatile boolean shuttingDown;

  private CliWorkerMain() {}

  public static void main(String[] argv) throws Exception {
    Map<String, String> args = new HashMap<>();
    for (String a : argv) {
      int eq = a.indexOf('=');
      if (!a.startsWith("--") || eq < 0) {
        throw new IllegalArgumentException("Invalid argument '" + a + "': expected --key=value");
      }
      args.put(a.substring(2, eq), a.substring(eq + 1));
    }
    String id = args.get("id");
    Path history = Path.of(args.get("history"));
    Random random = new Random(Long.parseLong(args.getOrDefault("seed", "1")));
    String[] work = args.getOrDefault("work-ms", "300:2500").split(":");
    long workMin = Long.parseLong(work[0]);
    long workMax = Long.parseLong(work[1]);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  shuttingDown = true;
                  Process p = current;
                  if (p != null) {
                    p.destroy(); // SIGTERM: switchman forwards it to the command's group
                    try {
                      p.waitFor(8, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                      Thread.currentThread().interrupt();
                    }
                  }
                },
                "cli-worker-shutdown"));
    try (HistoryWriter h = new HistoryWriter(history, id)) {
      h.append("started", "pid", ProcessHandle.current().pid());
    }
    Path log = history.resolveSibling(id + "-switchman.log");
    while (!shuttingDown) {
      long workMs = workMin + random.nextInt((int) Math.max(1, workMax - workMin));
      List<String> cmd = new ArrayList<>();
      if (Files.isExecutable(SETSID)) {
        // not a group leader (a fresh child), so setsid execs in place: same pid
        cmd.add(SETSID.toString());
      }
      cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
      cmd.addAll(
          List.of(
              "-XX:TieredStopAtLevel=1",
              "-XX:+UseSerialGC",
              "-Xmx96m",
              "-jar",
              args.get("jar"),
              "-c",
              args.get("config")));
      String lock = args.get("lock");
      String lease = args.get("lease");
      if (lock != null) {
        cmd.addAll(List.of("--lockname", lock, "--wait", "3s"));
      } else {
        cmd.addAll(List.of("--no-lock", "--lockname", id, "--lease", lease));
      }
      cmd.add("--");
      cmd.addAll(
          ChildProcess.java(
              JobMain.class.getName(), List.of("-Xmx64m"), jobArgs(args, id, workMs)));
      ProcessBuilder pb =
          new ProcessBuilder(cmd)
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
      Process p;
      synchronized (CliWorkerMain.class) {
        if (shuttingDown) {
          break;
        }
        p = pb.start();
        current = p;
      }
      int code = p.waitFor();
      current = null;
      if (!shuttingDown) {
        try (HistoryWriter h = new HistoryWriter(history, id)) {
          h.append("cli-exit", "code", code, "pid", p.pid());
        }
      }
      Thread.sleep(random.nextInt(100));
    }
  }

  private static List<String> jobArgs(Map<String, String> args, String id, long workMs)
      throws IOException {
    List<String> out = new ArrayList<>();
    out.add("--worker=" + id);
    out.add("--history=" + args.get("history"));
    out.add("--work-ms=" + workMs);
    out.add("--heartbeat-ms=10");
    if (args.get("store") != null) {
      out.add("--store=" + args.get("store"));
    }
    String lease = args.get("lease");
    if (lease != null) {
      // RES=COUNT:TOTAL as the history's RES:COUNT:TOTAL
      out.add("--leases=" + lease.replace('=', ':'));
    }
    Files.createDirectories(Path.of(args.get("history")).toAbsolutePath().getParent());
    return out;
  }
}
