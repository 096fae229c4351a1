/*
 * Copyright 2026 the switchman authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package io.switchman.cli;

import io.switchman.core.Acquisition;
import io.switchman.core.Grant;
import io.switchman.core.LossReason;
import io.switchman.core.SwitchmanEngine;
import io.switchman.core.SwitchmanException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * One guarded run: acquire, start the command in its own process group under the {@link Watchdog},
 * keep the watchdog fed with the safety deadline, stop the group on loss, forward signals, and
 * release only when the command is gone.
 */
final class JobRunner {

  private static final Map<String, Integer> SIGNALS = Map.of("HUP", 1, "INT", 2, "TERM", 15);
  private static final long HEARTBEAT_MS = 100;

  private final CliConfig cfg;
  private final JobSpec spec;
  private final int busyExitCode;

  private final Object lock = new Object();
  private @Nullable Thread acquiring;
  private @Nullable String signalBeforeStart;
  private @Nullable Watchdog watchdog;
  private boolean childStarted;
  private volatile @Nullable LossReason loss;
  private volatile boolean keepNodes;

  private JobRunner(CliConfig cfg, JobSpec spec, int busyExitCode) {
    this.cfg = cfg;
    this.spec = spec;
    this.busyExitCode = busyExitCode;
  }

  static int run(CliConfig cfg, JobSpec spec, int busyExitCode) {
    return new JobRunner(cfg, spec, busyExitCode).run();
  }

  private int run() {
    synchronized (lock) {
      acquiring = Thread.currentThread();
    }
    for (String name : SIGNALS.keySet()) {
      Signals.handle(name, this::onSignal);
    }
    // Started early so that bash starts while we connect; with no process group it just exits.
    Watchdog wd;
    try {
      wd = Watchdog.start(cfg.terminationTimeout().toMillis(), cfg.logFile());
    } catch (IOException e) {
      CliLog.error("Cannot start the watchdog (bash is needed): " + e.getMessage());
      return ExitCodes.ERROR;
    }
    synchronized (lock) {
      watchdog = wd;
    }
    ZkConnection c;
    try {
      CliLog.timing("connecting");
      c = ZkConnection.open(cfg);
      CliLog.timing("connected");
    } catch (ZkConnection.Failure f) {
      synchronized (lock) {
        if (signalBeforeStart != null) {
          return interrupted(wd);
        }
      }
      wd.close();
      return f.exitCode();
    }
    try {
      StopBudget budget =
          StopBudget.of(c.negotiatedSessionTimeoutMs(), cfg.terminationTimeout(), c.singleServer());
      // A warning in the log file when termination_timeout is configured, never on stderr (cron
      // would mail it on every run); the default of 10 s, which never fits the default session of
      // 10 s, is only noted at INFO.
      budget.warning().ifPresent(cfg.terminationTimeoutSet() ? CliLog::setupWarning : CliLog::info);
      wd.killDelay(budget.killDelayMs());
      SwitchmanEngine engine = c.engine(budget.stopBudget());
      Acquisition a;
      try {
        a =
            spec.groupOnly()
                ? GroupGrant.acquire(
                    engine, spec.name(), spec.group(), c.negotiatedSessionTimeoutMs())
                : engine.acquire(spec.request().leaseWait(cfg.resourcesWaitTimeout()).build());
        CliLog.timing("acquire done");
      } catch (InterruptedException e) {
        return interrupted(wd);
      }
      Grant grant = a.grant();
      if (grant == null) {
        wd.close();
        if (a.outcome() == Acquisition.Outcome.LEASE_TIMEOUT) { // switchman fails the job then
          CliLog.error(a.detail());
          return ExitCodes.ERROR;
        }
        CliLog.info("Skipped: " + a.detail());
        return busyExitCode;
      }
      try {
        return runGuarded(grant, budget, wd);
      } finally {
        if (!keepNodes) {
          grant.release();
          CliLog.timing("released");
        }
      }
    } catch (SwitchmanException e) {
      wd.close();
      CliLog.error(e.getMessage());
      return Main.exitCodeOf(e);
    } catch (ZkConnection.Failure f) {
      wd.close();
      return f.exitCode();
    } finally {
      // Closing the session would delete the nodes at once: they go with its expiry instead.
      if (!keepNodes) {
        c.close();
      }
    }
  }

  private int interrupted(Watchdog wd) {
    wd.close();
    String sig;
    synchronized (lock) {
      sig = signalBeforeStart;
    }
    if (sig == null) {
      CliLog.error("Interrupted before the command started; nothing is held, exiting");
      return ExitCodes.ERROR;
    }
    CliLog.warn("Received SIG" + sig + " before the command started; nothing is held, exiting");
    return ExitCodes.SIGNAL_BASE + SIGNALS.get(sig);
  }

  private int runGuarded(Grant grant, StopBudget budget, Watchdog wd) {
    long killNanos = TimeUnit.MILLISECONDS.toNanos(budget.killDelayMs());
    wd.deadline(grant.safeUntilNanos());
    grant.onLoss(
        reason -> {
          loss = reason;
          long now = System.nanoTime();
          long killAt = Math.min(now, grant.safeUntilNanos()) + killNanos;
          long killIn = Math.max(0, TimeUnit.NANOSECONDS.toMillis(killAt - now));
          CliLog.warn(
              describe(grant)
                  + " lost ("
                  + reason
                  + "): stopping the command, SIGTERM to its process group now, SIGKILL in "
                  + killIn
                  + " ms");
          wd.stop(killIn);
        });
    if (loss != null) {
      CliLog.error("Not running the command: " + describe(grant) + " was lost (" + loss + ")");
      wd.close();
      return ExitCodes.LOST;
    }
    synchronized (lock) {
      if (signalBeforeStart != null) {
        return interrupted(wd);
      }
    }
    // Heartbeats from now on: the watchdog's deadline keeps moving while the command starts.
    ScheduledExecutorService heartbeat =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "switchman-heartbeat");
              t.setDaemon(true);
              return t;
            });
    heartbeat.scheduleAtFixedRate(
        () -> {
          if (loss == null) {
            wd.deadline(grant.safeUntilNanos());
          }
        },
        HEARTBEAT_MS,
        HEARTBEAT_MS,
        TimeUnit.MILLISECONDS);
    try {
      return startAndWait(grant, budget, wd);
    } finally {
      heartbeat.shutdownNow();
    }
  }

  private int startAndWait(Grant grant, StopBudget budget, Watchdog wd) {
    Process child;
    try {
      child = start(grant);
    } catch (IOException e) {
      wd.close();
      CliLog.error("Cannot run " + spec.command() + ": " + e.getMessage());
      return ExitCodes.ERROR;
    }
    boolean ready = wd.processGroup(child.pid());
    // The last check before the command execs: the grant is held and its deadline ahead. The
    // watchdog checks the deadline once more by its own clock before it lets the command go.
    String pendingSignal;
    synchronized (lock) {
      pendingSignal = signalBeforeStart;
    }
    if (!ready) {
      int status = waitFor(child);
      if (wd.isBroken()) {
        CliLog.error(
            "The watchdog process is gone: the command was not run, as it would be unguarded");
        return ExitCodes.ERROR;
      }
      if (pendingSignal != null) {
        wd.finish(0);
        return interrupted(wd);
      }
      if (grant.isHeld() && System.nanoTime() - grant.safeUntilNanos() < 0) {
        wd.finish(0);
        CliLog.error(
            "Cannot run "
                + spec.command()
                + ": its process ended (status "
                + status
                + ") before it could be let go");
        return ExitCodes.ERROR;
      }
      return notRun(grant, wd, budget);
    }
    if (pendingSignal != null) {
      wd.stop(0);
      waitFor(child);
      wd.finish(0);
      return interrupted(wd);
    }
    if (!grant.isHeld() || System.nanoTime() - grant.safeUntilNanos() >= 0) {
      wd.stop(0);
      waitFor(child);
      return notRun(grant, wd, budget);
    }
    if (!wd.run()) {
      waitFor(child);
      if (wd.isBroken()) {
        CliLog.error(
            "The watchdog process is gone: the command was not run, as it would be unguarded");
        return ExitCodes.ERROR;
      }
      return notRun(grant, wd, budget);
    }
    String pending;
    synchronized (lock) {
      childStarted = true;
      pending = signalBeforeStart;
    }
    if (pending != null) {
      // Arrived while the command was being let go: it gets it now.
      Thread.interrupted();
      CliLog.warn("Received SIG" + pending + ": forwarding it to the command's process group");
      wd.signal(pending);
    }
    if (loss != null) {
      wd.stop(budget.killDelayMs());
    }
    CliLog.info(
        "Running "
            + spec.command()
            + " as pid "
            + child.pid()
            + " under "
            + describe(grant)
            + " (fencing token "
            + grant.fencingToken()
            + ")");
    CliLog.timing("command started");
    int status = waitFor(child);
    CliLog.timing("command exited");
    // The grant's state when the command exited; a passed safety deadline counts even if the
    // engine's safety monitor has not ticked yet.
    Optional<LossReason> lostAtExit = grant.checkLoss();
    // The watchdog finishes a stop it was doing; if it stopped the group, it waits until no
    // process of it is left (at most S), so that the lock is released only once the command is
    // gone.
    Watchdog.Finish finish = wd.finish(budget.sessionTimeoutMs());
    LossReason lost = loss != null ? loss : lostAtExit.orElse(null);
    if (lost != null) {
      CliLog.error(
          "The command was stopped because "
              + describe(grant)
              + " was lost ("
              + lost
              + "); its exit status was "
              + status);
      if (!finish.gone()) {
        keepNodes(grant, child.pid(), budget, finish);
      }
      return ExitCodes.LOST;
    }
    if (status != 0) {
      CliLog.warn("The command (pid " + child.pid() + ") exited with " + describeStatus(status));
    }
    return status;
  }

  /** The command was not let go: the grant was lost before it could exec. */
  private int notRun(Grant grant, Watchdog wd, StopBudget budget) {
    LossReason reason = grant.lossReason().orElse(LossReason.SAFETY_DEADLINE);
    CliLog.error("Not running the command: " + describe(grant) + " was lost (" + reason + ")");
    Watchdog.Finish finish = wd.finish(budget.sessionTimeoutMs());
    if (!finish.gone()) {
      keepNodes(grant, -1, budget, finish);
    }
    return ExitCodes.LOST;
  }

  /**
   * Processes of the stopped command outlived SIGKILL (uninterruptible sleep, a large process
   * freeing its memory) or nobody can tell: the grant's nodes are not deleted, nor is the session
   * closed, so that the server deletes them only when the session expires.
   */
  private void keepNodes(Grant grant, long pgid, StopBudget budget, Watchdog.Finish finish) {
    keepNodes = true;
    CliLog.error(
        "Processes of the command's process group"
            + (pgid > 0 ? " " + pgid : "")
            + " may still be alive "
            + budget.sessionTimeoutMs()
            + " ms after SIGKILL ("
            + (finish.detail().isEmpty() ? "unknown" : "pids " + finish.detail())
            + "): not releasing "
            + describe(grant)
            + "; ZooKeeper deletes its nodes when the session expires, "
            + budget.sessionTimeoutMs()
            + " ms after switchman exits");
  }

  private static int waitFor(Process child) {
    while (true) {
      try {
        return child.waitFor();
      } catch (InterruptedException e) {
        // signals are forwarded, not acted upon: keep waiting for the command
      }
    }
  }

  private Process start(Grant grant) throws IOException {
    List<String> argv = new ArrayList<>();
    // Own session and process group (setsid); the leader stops itself until the watchdog, told
    // the process group, lets it exec the command (see watchdog.sh).
    argv.add("setsid");
    argv.add("sh");
    argv.add("-c");
    argv.add("kill -STOP $$; exec \"$@\"");
    argv.add("switchman-job");
    argv.addAll(spec.command());
    ProcessBuilder pb = new ProcessBuilder(argv).inheritIO();
    pb.environment().put("SWITCHMAN_LOCKNAME", grant.name());
    pb.environment().put("SWITCHMAN_FENCING_TOKEN", Long.toString(grant.fencingToken()));
    return pb.start();
  }

  private static String describe(Grant grant) {
    StringBuilder sb = new StringBuilder();
    if (grant.hasLock()) {
      sb.append("lock '").append(grant.name()).append('\'');
    }
    for (Grant.HeldLease l : grant.leases()) {
      sb.append(sb.length() > 0 ? ", " : "")
          .append("lease ")
          .append(l.resource())
          .append('=')
          .append(l.amount())
          .append(':')
          .append(l.capacity());
    }
    return sb.length() > 0 ? sb.toString() : grant.toString();
  }

  private static String describeStatus(int status) {
    if (status > ExitCodes.SIGNAL_BASE && status < ExitCodes.SIGNAL_BASE + 65) {
      return "status " + status + " (killed by signal " + (status - ExitCodes.SIGNAL_BASE) + "?)";
    }
    return "status " + status;
  }

  /** SIGTERM, SIGINT, SIGHUP: forwarded to the command's group, or abort before it started. */
  private void onSignal(String name) {
    Watchdog wd;
    synchronized (lock) {
      wd = watchdog;
      if (!childStarted) {
        if (signalBeforeStart == null) {
          signalBeforeStart = name;
          if (acquiring != null) {
            acquiring.interrupt();
          }
        }
        return;
      }
    }
    CliLog.warn("Received SIG" + name + ": forwarding it to the command's process group");
    if (wd != null) {
      wd.signal(name);
    }
  }
}
