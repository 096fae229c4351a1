/*
 * Copyright 2026 the switchman authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package io.switchman.verification;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The command a CLI worker runs under {@code switchman}: a job that knows nothing of ZooKeeper. It
 * reads its grant from the environment ({@code SWITCHMAN_LOCKNAME}, {@code
 * SWITCHMAN_FENCING_TOKEN}), appends {@code granted}, heartbeats and fenced writes to its worker's
 * history, and ends with {@code finished}, or {@code stopped} when {@code switchman} (or its
 * watchdog) sends SIGTERM.
 *
 * <p>Arguments, each {@code --key=value}: {@code worker}, {@code history}, optional {@code store}
 * (lock jobs), optional {@code leases} ({@code RES:AMOUNT:CAPACITY,...}, lease jobs), {@code
 * work-ms}, {@code heartbeat-ms}.
 */
public final class JobMain {

  private JobMain() {}

  public static void main(String[] argv) throws Exception {
    Map<String, String> args = new HashMap<>();
    for (String a : argv) {
      int eq = a.indexOf('=');
      if (!a.startsWith("--") || eq < 0) {
        throw new IllegalArgumentException("Invalid argument '" + a + "': expected --key=value");
      }
      args.put(a.substring(2, eq), a.substring(eq + 1));
    }
    String worker = args.get("worker");
    String lockName = System.getenv("SWITCHMAN_LOCKNAME");
    String tokenText = System.getenv("SWITCHMAN_FENCING_TOKEN");
    if (worker == null || lockName == null || tokenText == null) {
      System.err.println("JobMain needs --worker and SWITCHMAN_LOCKNAME, SWITCHMAN_FENCING_TOKEN");
      System.exit(2);
      return;
    }
    long token = Long.parseLong(tokenText);
    // pids are reused over a long run: the start time makes the run id unique
    String run =
        worker
            + "-"
            + ProcessHandle.current().pid()
            + "-"
            + Long.toString(HistoryClock.nowMicros(), 36);
    HistoryWriter history = new HistoryWriter(Path.of(args.get("history")), worker);
    String storeDir = args.get("store");
    FencedStore store = storeDir == null ? null : new FencedStore(Path.of(storeDir));
    String leases = args.get("leases");
    long workMs = Long.parseLong(args.getOrDefault("work-ms", "1000"));
    long heartbeatMs = Long.parseLong(args.getOrDefault("heartbeat-ms", "10"));

    Thread main = Thread.currentThread();
    CountDownLatch ended = new CountDownLatch(1);
    String[] stopReason = new String[1];
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  synchronized (stopReason) {
                    if (stopReason[0] == null) {
                      stopReason[0] = "SIGTERM";
                    }
                  }
                  main.interrupt();
                  try {
                    ended.await(2, TimeUnit.SECONDS);
                  } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                  }
                },
                "job-stop"));

    if (leases != null && store == null) {
      history.append("granted", "run", run, "token", token, "leases", leases);
    } else {
      history.append("granted", "run", run, "token", token, "lock", lockName);
    }
    long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(workMs);
    String outcome = null;
    while (System.nanoTime() < end) {
      synchronized (stopReason) {
        if (stopReason[0] != null) {
          break;
        }
      }
      history.append("heartbeat", "run", run);
      if (store != null && !store.write(lockName, token, run)) {
        outcome = "FENCED";
        break;
      }
      try {
        Thread.sleep(heartbeatMs);
      } catch (InterruptedException e) {
        // stopping: the loop sees why
      }
    }
    synchronized (stopReason) {
      if (outcome == null) {
        outcome = stopReason[0];
      }
      if (stopReason[0] == null) {
        stopReason[0] = "ended";
      }
    }
    // The result is committed through the fence (a late job meets the newer holder's token).
    if (outcome == null && store != null && !store.write(lockName, token, run)) {
      outcome = "FENCED";
    }
    if (outcome == null) {
      history.append("finished", "run", run);
    } else {
      history.append("stopped", "run", run, "reason", outcome);
    }
    ended.countDown();
    history.close();
    System.exit(outcome == null ? 0 : 3);
  }
}
