/*
 * Copyright 2026 the switchman authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package io.switchman.cli;

import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * switchman's log: lines {@code YYYY-MM-DD HH:MM:SS<TAB>[pid]<TAB>message}, as switchman 1.16
 * writes them: warnings and errors on standard error (everything when the environment has {@code
 * DEBUG} set), and lines of the configured level and above appended to the log file. Warnings about
 * the setup rather than the run go to the log file only ({@link #setupWarning}). Process-wide, as
 * the tool is one process.
 */
final class CliLog {

  /** Log levels, lowest first; switchman's (Log::Dispatch) names are accepted by {@link #parse}. */
  enum Level {
    DEBUG,
    INFO,
    WARN,
    ERROR
  }

  private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");
  private static final long PID = ProcessHandle.current().pid();

  private static final Level STDERR_LEVEL =
      System.getenv("DEBUG") != null && !System.getenv("DEBUG").isEmpty()
          ? Level.DEBUG
          : Level.WARN;

  private static volatile Level level = Level.INFO;
  private static volatile @Nullable PrintStream file;

  private CliLog() {}

  /**
   * Parses a level as switchman's config file names it: {@code debug}, {@code info}, {@code
   * notice}, {@code warning} (or {@code warn}), {@code error}, {@code critical}, {@code alert},
   * {@code emergency}, or their Log::Dispatch numbers {@code 0} (debug) to {@code 7} (emergency);
   * case-insensitive.
   *
   * @return the level, or null when the name is unknown
   */
  static @Nullable Level parse(String name) {
    return switch (name.trim().toLowerCase(Locale.ROOT)) {
      case "debug", "trace", "0" -> Level.DEBUG;
      case "info", "notice", "1", "2" -> Level.INFO;
      case "warning", "warn", "3" -> Level.WARN;
      case "error", "err", "critical", "crit", "alert", "emergency", "emerg", "4", "5", "6", "7" ->
          Level.ERROR;
      default -> null;
    };
  }

  static Level level() {
    return level;
  }

  static void setLevel(Level l) {
    level = l;
  }

  /** Appends to {@code path} from now on. */
  static synchronized void openFile(Path path) throws IOException {
    OutputStream out = new FileOutputStream(path.toFile(), true);
    file = new PrintStream(out, true, StandardCharsets.UTF_8);
  }

  /** Whether a line of level {@code l} goes anywhere. */
  static boolean enabled(Level l) {
    return l.compareTo(STDERR_LEVEL) >= 0 || (file != null && l.compareTo(level) >= 0);
  }

  /** A debug line with the milliseconds since the JVM started, to see where start-up time goes. */
  static void timing(String what) {
    if (enabled(Level.DEBUG)) {
      long ms =
          System.currentTimeMillis()
              - ProcessHandle.current()
                  .info()
                  .startInstant()
                  .map(i -> i.toEpochMilli())
                  .orElse(System.currentTimeMillis());
      debug("timing: " + what + " at " + ms + " ms");
    }
  }

  static void debug(String msg) {
    log(Level.DEBUG, msg);
  }

  static void info(String msg) {
    log(Level.INFO, msg);
  }

  static void warn(String msg) {
    log(Level.WARN, msg);
  }

  static void error(String msg) {
    log(Level.ERROR, msg);
  }

  /**
   * A warning that concerns the setup, not this run (an unknown config key, a termination_timeout
   * that does not fit): appended to the log file only, so that cron mails nothing on every run
   * while the job works (and on standard error only with {@code DEBUG} set).
   */
  static void setupWarning(String msg) {
    log(Level.WARN, msg, STDERR_LEVEL == Level.DEBUG);
  }

  static void log(Level l, String msg) {
    log(l, msg, l.compareTo(STDERR_LEVEL) >= 0);
  }

  private static synchronized void log(Level l, String msg, boolean toStderr) {
    PrintStream f = l.compareTo(level) >= 0 ? file : null;
    if (!toStderr && f == null) {
      return;
    }
    String line =
        TIME.format(LocalDateTime.now()) + "\t[" + PID + "]\t" + msg.replace('\n', ' ').strip();
    if (toStderr) {
      System.err.println(line);
      System.err.flush();
    }
    if (f != null) {
      f.println(line);
    }
  }

  static synchronized void close() {
    PrintStream f = file;
    if (f != null) {
      f.close();
      file = null;
    }
  }
}
