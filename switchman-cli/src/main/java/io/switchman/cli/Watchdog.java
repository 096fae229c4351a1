/*
 * Copyright 2026 the switchman authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package io.switchman.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * The process that guards the command from outside the JVM: a small bash script in a session and
 * process group of its own (so that a signal to switchman's process group does not reach it), fed
 * over a pipe with the safety deadline as an absolute time on a clock both can read (see {@link
 * #deadline}). It stops the command's process group (SIGTERM, then SIGKILL) when the deadline
 * passes before a heartbeat moved it (switchman paused: SIGSTOP, GC, frozen VM, starved) or the
 * pipe closes (switchman died). It lets the command exec only when told to, right after switchman
 * checked the grant ({@link #run}), and reports whether the group is gone before switchman releases
 * ({@link #finish}). switchman also sends it the signals for the group, as bash's {@code kill}
 * reaches a process group and Java's API does not. The protocol is described in watchdog.sh.
 */
final class Watchdog implements AutoCloseable {

  private static final String SCRIPT = loadScript();
  private static final Path UPTIME = Path.of("/proc/uptime");

  /** Whether the deadlines are on the /proc/uptime clock (else on the wall clock). */
  private static final boolean UPTIME_CLOCK = uptimeMicros() >= 0;

  /** What a deadline is moved earlier by: the resolution of the clock (/proc/uptime: 10 ms). */
  private static final long RESOLUTION_MICROS = UPTIME_CLOCK ? 10_000 : 1_000;

  private static final String EOF = "\0eof";

  private final Process process;
  private final Writer out;
  private final BlockingQueue<String> replies = new LinkedBlockingQueue<>();
  private volatile boolean broken;
  private volatile long pgid;

  private Watchdog(Process process) {
    this.process = process;
    this.out = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.US_ASCII);
    Thread reader =
        new Thread(
            () -> {
              try (BufferedReader in =
                  new BufferedReader(
                      new InputStreamReader(process.getInputStream(), StandardCharsets.US_ASCII))) {
                String line;
                while ((line = in.readLine()) != null) {
                  replies.add(line);
                }
              } catch (IOException e) {
                // the watchdog is gone
              }
              replies.add(EOF);
            },
            "switchman-watchdog-reader");
    reader.setDaemon(true);
    reader.start();
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
            // Own session and process group: a signal to switchman's group (timeout -s KILL, a
            // supervisor killing the group, kill -STOP -PGID) does not reach the watchdog. -w: if
            // setsid had to fork, it would still wait for bash (it never forks here: a process
            // started by the JVM does not lead a process group).
            "setsid",
            "-w",
            "bash",
            "-c",
            SCRIPT,
            "switchman-watchdog",
            Long.toString(killDelayMs),
            Long.toString(ProcessHandle.current().pid()),
            logFile == null ? "" : logFile.toString(),
            UPTIME_CLOCK ? "uptime" : "realtime");
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

  /**
   * The time since boot in microseconds, from /proc/uptime (10 ms resolution, truncated), or -1
   * where it cannot be read.
   */
  static long uptimeMicros() {
    try {
      String s = Files.readString(UPTIME, StandardCharsets.US_ASCII);
      String up = s.substring(0, s.indexOf(' '));
      int dot = up.indexOf('.');
      long secs = Long.parseLong(up.substring(0, dot));
      String frac = (up.substring(dot + 1) + "000000").substring(0, 6);
      return secs * 1_000_000 + Long.parseLong(frac);
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }

  /**
   * The watchdog's clock value, in microseconds, of the {@link System#nanoTime()} instant {@code
   * atNanos}, never later than it. The clock (/proc/uptime, or the wall clock without /proc) is
   * read before {@code nanoTime}, and both truncate, so any delay between the two readings, and the
   * clock's resolution, which is subtracted, only move the result earlier.
   */
  static long clockMicros(long atNanos) {
    long clock = UPTIME_CLOCK ? uptimeMicros() : wallMicros();
    long now = System.nanoTime();
    return clock + Math.floorDiv(atNanos - now, 1000L) - RESOLUTION_MICROS;
  }

  private static long wallMicros() {
    Instant i = Instant.now();
    return i.getEpochSecond() * 1_000_000 + i.getNano() / 1000;
  }

  /**
   * The grant is safe until {@code safeUntilNanos} ({@link System#nanoTime()} clock): sent as an
   * absolute time on the watchdog's clock, so a line that waits in the pipe (a starved watchdog)
   * cannot make the deadline later.
   */
  void deadline(long safeUntilNanos) {
    send("deadline " + clockMicros(safeUntilNanos));
  }

  /** The grant is safe for {@code ms} more milliseconds from now (for tests). */
  void safeFor(long ms) {
    deadline(System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(ms));
  }

  /** The time between SIGTERM and SIGKILL when the watchdog stops the group on its own. */
  void killDelay(long ms) {
    send("kill " + Math.max(0, ms));
  }

  /**
   * The command runs in process group {@code pgid}, whose leader stops itself before it execs the
   * command: waits until the watchdog has seen it stopped.
   *
   * @return whether it is ready to be let go with {@link #run}; false when it died, the grant was
   *     lost meanwhile or the watchdog is gone (the group was then killed)
   */
  boolean processGroup(long pgid) {
    this.pgid = pgid;
    if (send("pgid " + pgid)) {
      String r = reply(30_000);
      if ("ready".equals(r)) {
        return true;
      }
      if (r != null && !EOF.equals(r)) {
        return false; // "killed": the watchdog killed the group
      }
    }
    fallbackKill("KILL");
    return false;
  }

  /**
   * Lets the command exec: call right after checking that the grant is held.
   *
   * @return whether it runs; false when the watchdog refused (the deadline passed by its clock, or
   *     the grant was lost) or is gone: the group was then killed and the command never ran
   */
  boolean run() {
    if (send("run")) {
      String r = reply(30_000);
      if ("running".equals(r)) {
        return true;
      }
      if (r != null && !EOF.equals(r)) {
        return false;
      }
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

  /** The next answer of the watchdog, or null after {@code ms} without one. */
  private @Nullable String reply(long ms) {
    // An interrupt (a signal to switchman, which the caller checks afterwards) does not cut the
    // wait short: the answer says what the watchdog did with the command.
    long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(ms);
    boolean interrupted = false;
    try {
      while (true) {
        try {
          return replies.poll(end - System.nanoTime(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
          interrupted = true;
        }
      }
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
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

  /** What {@link #finish} learnt of the command's process group. */
  record Finish(boolean gone, String detail) {}

  /**
   * Tells the watchdog that the command's leader has exited, after it finished any stop it was
   * doing. If it stopped the group (the grant was lost), it waits up to {@code maxWaitMs} until no
   * process of the group is left.
   *
   * @return gone = false when processes of a stopped group are still alive (their pids in detail),
   *     or when the watchdog is gone or gave no answer, so that nobody can say
   */
  Finish finish(long maxWaitMs) {
    Finish f;
    if (send("exit " + Math.max(0, maxWaitMs))) {
      // It first finishes a stop it was doing (SIGKILL after at most the kill delay).
      String r = reply(maxWaitMs + 30_000);
      if (r == null || EOF.equals(r)) {
        f = new Finish(false, "the watchdog gave no answer");
      } else if (r.startsWith("alive")) {
        f = new Finish(false, r.substring("alive".length()).trim());
      } else {
        f = new Finish(true, r);
      }
    } else {
      f = new Finish(false, "the watchdog is gone");
    }
    closePipe();
    try {
      if (!process.waitFor(5, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return f;
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
