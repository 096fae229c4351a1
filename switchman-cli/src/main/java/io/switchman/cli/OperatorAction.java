/*
 * Copyright 2026 the switchman authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package io.switchman.cli;

import io.switchman.core.OperationResult;
import io.switchman.core.Pause;
import io.switchman.core.PauseMode;
import io.switchman.core.SwitchmanEngine;
import io.switchman.core.SwitchmanException;
import io.switchman.core.SwitchmanOperations;
import io.switchman.core.internal.Durations;
import io.switchman.core.internal.Names;
import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * {@code switchman --pause NAME [--reason TEXT] [--abort | --wait DURATION]}, {@code --resume
 * NAME}, {@code --abort NAME [--reason TEXT]}: an operator's action on a lock, fleet-wide, through
 * the core's {@link SwitchmanOperations}. Prints what was done on standard output and exits 0;
 * refusals go to standard error with their exit code ({@link ExitCodes#LOCK_HELD}, {@link
 * ExitCodes#LOCK_FREE}, {@link ExitCodes#LOCK_PAUSED}). The core logs every action (who, when, why)
 * at INFO, so it is in the log file.
 */
final class OperatorAction {

  private enum What {
    PAUSE,
    RESUME,
    ABORT
  }

  private final What what;
  private final String name;
  private final @Nullable String reason;
  private final PauseMode mode;

  private OperatorAction(What what, String name, @Nullable String reason, PauseMode mode) {
    this.what = what;
    this.name = name;
    this.reason = reason;
    this.mode = mode;
  }

  /**
   * The action the options ask for, checked before any connection (so bad input is a usage error
   * even when ZooKeeper is unreachable).
   *
   * @throws SwitchmanException INVALID_ARGUMENT for a bad lock name, reason or duration
   */
  static OperatorAction of(SwitchmanCli o) throws GetoptArgs.UsageException {
    if (!o.leases.isEmpty() || o.lockname != null || o.group != null || !o.lock) {
      throw new GetoptArgs.UsageException(
          "--lockname, --lease, --group and --no-lock apply to a command, not to --pause,"
              + " --resume or --abort (which name the lock themselves)");
    }
    String reason = o.reason == null ? null : Pause.checkReason(o.reason);
    if (o.pause != null) {
      Names.checkLockName(o.pause);
      boolean abort = o.abort != null;
      if (abort && !o.abort.isEmpty() && !o.abort.equals(o.pause)) {
        throw new GetoptArgs.UsageException(
            "With --pause, --abort takes no lock name (switchman --pause NAME --abort), found '"
                + o.abort
                + "'");
      }
      if (abort && o.lockWait != null) {
        throw new GetoptArgs.UsageException(
            "--pause takes --abort (stop the running job) or --wait DURATION (pause once it"
                + " ends), not both");
      }
      PauseMode mode = PauseMode.FAIL_IF_HELD;
      if (abort) {
        mode = PauseMode.ABORT;
      } else if (o.lockWait != null) {
        Duration wait = Durations.parse("--wait", o.lockWait);
        if (wait.isZero()) {
          throw new GetoptArgs.UsageException(
              "Invalid --wait '" + o.lockWait + "' with --pause: must be positive (10s, 5m, 1h)");
        }
        mode = PauseMode.waitFor(wait);
      }
      return new OperatorAction(What.PAUSE, o.pause, reason, mode);
    }
    if (o.lockWait != null) {
      throw new GetoptArgs.UsageException(
          "--wait only applies to a command (the lock wait) or to --pause (the pause wait)");
    }
    if (o.resume != null) {
      if (o.reason != null) {
        throw new GetoptArgs.UsageException("--reason only applies to --pause and --abort");
      }
      return new OperatorAction(
          What.RESUME, Names.checkLockName(o.resume), null, PauseMode.FAIL_IF_HELD);
    }
    if (o.abort == null || o.abort.isEmpty()) {
      throw new GetoptArgs.UsageException(
          "--abort needs a lock name (switchman --abort NAME), or goes with --pause NAME");
    }
    return new OperatorAction(
        What.ABORT, Names.checkLockName(o.abort), reason, PauseMode.FAIL_IF_HELD);
  }

  /** Connects, acts, and returns the exit code. */
  int run(CliConfig cfg) {
    ZkConnection c;
    try {
      c = ZkConnection.open(cfg);
    } catch (ZkConnection.Failure f) {
      return f.exitCode();
    }
    try (c) {
      SwitchmanEngine engine = c.engine(Duration.ofSeconds(1));
      SwitchmanOperations ops = engine.operations().by(operator());
      OperationResult r =
          switch (what) {
            case PAUSE -> ops.pause(name, reason, mode);
            case RESUME -> ops.resume(name);
            case ABORT -> ops.abort(name, reason);
          };
      System.out.println(r.message());
      return ExitCodes.OK;
    } catch (SwitchmanException e) {
      CliLog.error(e.getMessage());
      return Main.exitCodeOf(e);
    } catch (ZkConnection.Failure f) {
      return f.exitCode();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      CliLog.error("Interrupted");
      return ExitCodes.ERROR;
    }
  }

  /** Who acts: the user who ran sudo, else this process's user. */
  static @Nullable String operator() {
    String sudo = System.getenv("SUDO_USER");
    if (sudo != null && !sudo.isBlank()) {
      return sudo;
    }
    return System.getProperty("user.name");
  }
}
