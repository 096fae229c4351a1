/*
 * Copyright 2026 the switchman authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package io.switchman.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * The process that guards the command from outside the JVM: a small bash script fed with "safe for
 * N ms" heartbeats over a pipe. It stops the command's process group (SIGTERM, then SIGKILL) when
 * the heartbeats stop before the safety deadline (switchman paused: SIGSTOP, GC, frozen VM) or the
 * pipe closes (switchman died). switchman also sends it the signals for the group, as bash's {@code
 * kill} reaches a process group and Java's API does not.
 */
final class Watchdog implements AutoCloseable {

  private static final String SCRIPT = loadScript();

  private final Process process;
  private final Writer out;
  private volatile boolean broken;
  private volatile long pgid;

  private Watchdog(Process process) {
    this.process = process;
    this.out = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.US_ASCII);
  }

  /**
   * Starts the watchdog.
   *
   * @param killDelayMs the time between SIGTERM and SIGKILL when it stops the group on its own
   * @param logFile the log file it appends its lines to, or null
   */
  static Watchdog start(long killDelayMs, @Nullable Path logFile) throws IOException {
    ProcessBuilder pb =
        new ProcessBuilder(
            "bash",
            "-c",
            SCRIPT,
            "switchman-watchdog",
            Long.toString(killDelayMs),
            Long.toString(ProcessHandle.current().pid()),
            logFile == null ? "" : logFile.toString());
    pb.redirectOutput(ProcessBuilder.Redirect.DISCARD);
    pb.redirectError(ProcessBuilder.Redirect.INHERIT);
    return new Watchdog(pb.start());
  }

  private static String loadScript() {
    try (InputStream in = Watchdog.class.getResourceAsStream("watchdog.sh")) {
      if (in == null) {
        throw new IllegalStateException("watchdog.sh is missing from the jar");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalStateException("Cannot read watchdog.sh from the jar", e);
    }
  }

  /** The grant is safe for {@code ms} more milliseconds. */
  void safe(long ms) {
    send("safe " + Math.max(0, ms));
  }

  /** The time between SIGTERM and SIGKILL when the watchdog stops the group on its own. */
  void killDelay(long ms) {
    send("kill " + Math.max(0, ms));
  }

  /**
   * The command runs in process group {@code pgid}, whose leader has stopped itself: the watchdog
   * lets it continue now that it guards it.
   *
   * @return false when the watchdog is gone; the group was then killed, as it would run unguarded
   */
  boolean processGroup(long pgid) {
    this.pgid = pgid;
    if (send("pgid " + pgid)) {
      return true;
    }
    fallbackKill("KILL");
    return false;
  }

  /** Sends signal {@code name} (TERM, INT, HUP) to the command's process group. */
  void signal(String name) {
    if (!send("sig " + name)) {
      fallbackKill(name);
    }
  }

  /** The grant is lost: SIGTERM to the group now, SIGKILL {@code killInMs} later. */
  void stop(long killInMs) {
    if (!send("stop " + Math.max(0, killInMs))) {
      fallbackKill("TERM");
    }
  }

  /** Whether the pipe to the watchdog broke (it died): the command is then unprotected. */
  boolean isBroken() {
    return broken || !process.isAlive();
  }

  private synchronized boolean send(String line) {
    if (broken) {
      return false;
    }
    try {
      out.write(line);
      out.write('\n');
      out.flush();
      return true;
    } catch (IOException e) {
      broken = true;
      CliLog.warn(
          "The watchdog process is gone ("
              + e.getMessage()
              + "): the command is no longer stopped if switchman is paused or killed");
      return false;
    }
  }

  /** Signals the group with /bin/kill when the watchdog is gone. */
  private void fallbackKill(String signal) {
    long g = pgid;
    if (g <= 0) {
      return;
    }
    try {
      new ProcessBuilder("kill", "-s", signal, "--", "-" + g)
          .redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.DISCARD)
          .start()
          .waitFor(2, TimeUnit.SECONDS);
    } catch (IOException e) {
      CliLog.error("Cannot signal process group " + g + ": " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * Tells the watchdog that the command is gone and waits until it has finished any stop it was
   * doing (so no process of the group is left when this returns), at most {@code maxWaitMs}.
   */
  void finish(long maxWaitMs) {
    send("exit");
    closePipe();
    try {
      if (!process.waitFor(maxWaitMs, TimeUnit.MILLISECONDS)) {
        process.destroyForcibly();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private synchronized void closePipe() {
    broken = true;
    try {
      out.close();
    } catch (IOException e) {
      // the watchdog is gone already
    }
  }

  /** Closes the pipe without a command: a watchdog that never got a process group just exits. */
  @Override
  public void close() {
    closePipe();
  }
}
