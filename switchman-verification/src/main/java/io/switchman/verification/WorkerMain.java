/*
 * Copyright 2026 the switchman authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package io.switchman.verification;

import io.switchman.core.Acquisition;
import io.switchman.core.Grant;
import io.switchman.core.GrantRequest;
import io.switchman.core.HostFacts;
import io.switchman.core.LeaseRequest;
import io.switchman.core.SwitchmanEngine;
import io.switchman.core.SwitchmanException;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import java.util.StringJoiner;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryForever;
import org.jspecify.annotations.Nullable;

/**
 * A worker process that runs guarded jobs with {@code switchman-core} directly, again and again,
 * until it receives {@code SIGTERM}. Each job, once granted, appends {@code granted} to the
 * worker's history, a {@code heartbeat} every few milliseconds while it works, and writes to the
 * fenced store with its fencing token; it stops as soon as the grant's {@code onLoss} tells it to
 * ({@code stopped}), or completes ({@code finished}) and releases the grant.
 *
 * <p>Arguments, each {@code --key=value}: {@code id}, {@code connect}, {@code prefix}, {@code
 * history} (file), either {@code lock} (a lock name) or {@code lease} ({@code RES=COUNT:TOTAL}),
 * {@code store} (directory of the fenced store, for lock workers), {@code session-ms}, {@code
 * stop-budget-ms}, {@code heartbeat-ms}, {@code work-ms} ({@code MIN:MAX}), {@code wait-ms}, {@code
 * seed}.
 */
public final class WorkerMain {

  private final Map<String, String> args;
  private final String id;
  private final HistoryWriter history;
  private final @Nullable FencedStore store;
  private final Random random;
  private final long heartbeatMs;
  private final long workMin;
  private final long workMax;
  private volatile boolean shuttingDown;
  private volatile @Nullable Job current;

  private WorkerMain(Map<String, String> args) throws IOException {
    this.args = args;
    this.id = arg("id");
    this.history = new HistoryWriter(Path.of(arg("history")), id);
    String storeDir = args.get("store");
    this.store = storeDir == null ? null : new FencedStore(Path.of(storeDir));
    this.random = new Random(Long.parseLong(args.getOrDefault("seed", "1")));
    this.heartbeatMs = Long.parseLong(args.getOrDefault("heartbeat-ms", "10"));
    String[] work = args.getOrDefault("work-ms", "200:1500").split(":");
    this.workMin = Long.parseLong(work[0]);
    this.workMax = Long.parseLong(work[1]);
  }

  private String arg(String key) {
    String v = args.get(key);
    if (v == null) {
      throw new IllegalArgumentException("Missing argument --" + key + "=...");
    }
    return v;
  }

  public static void main(String[] argv) throws Exception {
    Map<String, String> args = new HashMap<>();
    for (String a : argv) {
      if (!a.startsWith("--") || a.indexOf('=') < 0) {
        throw new IllegalArgumentException("Invalid argument '" + a + "': expected --key=value");
      }
      args.put(a.substring(2, a.indexOf('=')), a.substring(a.indexOf('=') + 1));
    }
    new WorkerMain(args).run();
  }

  private void run() throws Exception {
    int sessionMs = Integer.parseInt(args.getOrDefault("session-ms", "4000"));
    CuratorFramework client =
        CuratorFrameworkFactory.builder()
            .connectString(arg("connect"))
            .sessionTimeoutMs(sessionMs)
            .connectionTimeoutMs(Math.max(500, sessionMs / 2))
            .retryPolicy(new RetryForever(100))
            .build();
    client.start();
    SwitchmanEngine engine =
        SwitchmanEngine.builder(client)
            .prefix(args.getOrDefault("prefix", "/switchman"))
            .host(new HostFacts(id, 2, 1024))
            .stopBudget(
                Duration.ofMillis(Long.parseLong(args.getOrDefault("stop-budget-ms", "900"))))
            .operationTimeout(Duration.ofSeconds(3))
            .build();
    Thread main = Thread.currentThread();
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  shuttingDown = true;
                  Job j = current;
                  if (j != null) {
                    j.stop("shutdown");
                    j.awaitEnd();
                  }
                  main.interrupt();
                  engine.close();
                  client.close();
                  try {
                    history.close();
                  } catch (IOException e) {
                    // exiting
                  }
                },
                "worker-shutdown"));
    history.append("started", "pid", ProcessHandle.current().pid());
    GrantRequest request = request();
    // pids are reused over a long run: the start time makes run ids unique
    String incarnation =
        ProcessHandle.current().pid() + "-" + Long.toString(HistoryClock.nowMicros(), 36);
    int n = 0;
    while (!shuttingDown) {
      Acquisition a;
      try {
        a = engine.acquire(request);
      } catch (SwitchmanException e) {
        if (!shuttingDown) {
          history.append("error", "kind", e.kind());
        }
        sleepQuietly(100 + random.nextInt(200));
        continue;
      } catch (InterruptedException e) {
        if (shuttingDown) {
          break;
        }
        continue; // a late stop of the previous job: nothing to stop now
      }
      if (!a.acquired()) {
        sleepQuietly(20 + random.nextInt(100));
        continue;
      }
      Grant g = a.grant();
      String run = id + "-" + incarnation + "-" + (++n);
      history.append("granted", grantedAttrs(run, g));
      Job job = new Job(run, g);
      current = job;
      g.onLoss(reason -> job.stop(reason.name()));
      job.runToEnd(workMin + (long) random.nextInt((int) Math.max(1, workMax - workMin)));
      current = null;
      g.release();
      sleepQuietly(random.nextInt(50));
    }
  }

  private GrantRequest request() {
    String lock = args.get("lock");
    long waitMs = Long.parseLong(args.getOrDefault("wait-ms", "3000"));
    if (lock != null) {
      return GrantRequest.builder(lock).lockWait(Duration.ofMillis(waitMs)).build();
    }
    return GrantRequest.builder(id)
        .lock(false)
        .lease(LeaseRequest.parse(arg("lease")))
        .leaseWait(Duration.ofMillis(waitMs))
        .build();
  }

  private Object[] grantedAttrs(String run, Grant g) {
    StringJoiner leases = new StringJoiner(",");
    for (Grant.HeldLease l : g.leases()) {
      leases.add(l.resource() + ":" + l.amount() + ":" + l.capacity());
    }
    if (g.hasLock() && !g.leases().isEmpty()) {
      return new Object[] {
        "run", run, "token", g.fencingToken(), "lock", g.name(), "leases", leases.toString()
      };
    }
    if (g.hasLock()) {
      return new Object[] {"run", run, "token", g.fencingToken(), "lock", g.name()};
    }
    return new Object[] {"run", run, "token", g.fencingToken(), "leases", leases.toString()};
  }

  /** One guarded job: heartbeats and fenced writes until done or told to stop. */
  private final class Job {
    private final String run;
    private final Grant grant;
    private volatile @Nullable String stopReason;
    private volatile @Nullable Thread thread;
    private final java.util.concurrent.CountDownLatch ended =
        new java.util.concurrent.CountDownLatch(1);

    Job(String run, Grant grant) {
      this.run = run;
      this.grant = grant;
    }

    void stop(String reason) {
      if (stopReason == null) {
        stopReason = reason;
      }
      Thread t = thread;
      if (t != null) {
        t.interrupt();
      }
    }

    void awaitEnd() {
      try {
        ended.await(5, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }

    /** Works on the calling thread for {@code workMs} or until stopped; writes the end line. */
    void runToEnd(long workMs) {
      thread = Thread.currentThread();
      try {
        long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(workMs);
        while (stopReason == null && System.nanoTime() < end) {
          history.append("heartbeat", "run", run);
          if (store != null) {
            if (!store.write(grant.name(), grant.fencingToken(), run)) {
              stop("FENCED"); // the store saw a newer holder: a real job gives up
              break;
            }
          }
          try {
            Thread.sleep(heartbeatMs);
          } catch (InterruptedException e) {
            // told to stop: the loop condition sees why
          }
        }
        String reason = stopReason;
        // The result is committed through the fence: a job that resumes after a pause with its
        // time up meets the newer holder's token here.
        if (reason == null
            && store != null
            && !store.write(grant.name(), grant.fencingToken(), run)) {
          reason = "FENCED";
        }
        if (reason == null) {
          history.append("finished", "run", run);
        } else {
          history.append("stopped", "run", run, "reason", reason);
        }
      } catch (IOException e) {
        System.err.println("run " + run + ": the fenced store failed: " + e);
        history.append("stopped", "run", run, "reason", "STORE_FAILED");
      } finally {
        Thread.interrupted();
        thread = null;
        ended.countDown();
      }
    }
  }

  private static void sleepQuietly(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
