/*
 * Copyright 2026 the switchman authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package io.switchman.spring.boot.autoconfigure;

import org.springframework.boot.logging.LoggingSystem;

/**
 * Halts the JVM when a guarded method does not return within the stop time after its grant was lost
 * (or its maxDuration passed, or shutdown began) and {@code switchman.on-stuck=halt}, the default.
 * The default flushes the logs (waiting at most 50 ms; with the wait for the ERROR line, at most
 * 100 ms, the least margin of the stop budget) and calls {@link Runtime#halt(int)}: no shutdown
 * hooks run, so the method cannot outlive the grant by more than the stop budget. Define a bean of
 * this type to replace it (tests do, to observe the halt without dying); a halter that returns
 * leaves the method running, and at shutdown its session is then abandoned rather than closed.
 */
@FunctionalInterface
public interface SwitchmanHalter {

  /** The exit status of a halt: 70, EX_SOFTWARE of sysexits.h. */
  int EXIT_STATUS = 70;

  /**
   * How long the guard waits for the ERROR line to be logged before it calls the halter, and the
   * default halter for the logs to be flushed, in milliseconds: together at most 100 ms, the least
   * margin of the stop budget, so that a blocked appender cannot delay the halt past the budget.
   */
  long LOG_WAIT_MILLIS = 50;

  /**
   * Halts the JVM.
   *
   * @param reason what was stuck, already logged at ERROR with the thread's stack
   */
  void halt(String reason);

  /** The default: flush the logs, then {@code Runtime.getRuntime().halt(70)}. */
  static SwitchmanHalter runtime() {
    return reason -> {
      flushLogs();
      Runtime.getRuntime().halt(EXIT_STATUS);
    };
  }

  /**
   * Stops the logging system (which flushes asynchronous appenders) and flushes the standard
   * streams, waiting at most {@link #LOG_WAIT_MILLIS}.
   */
  private static void flushLogs() {
    Thread flush =
        new Thread(
            () -> {
              try {
                Runnable stop =
                    LoggingSystem.get(SwitchmanHalter.class.getClassLoader()).getShutdownHandler();
                if (stop != null) {
                  stop.run();
                }
              } catch (RuntimeException | LinkageError e) {
                // halting anyway
              }
              System.out.flush();
              System.err.flush();
            },
            "switchman-halt-flush");
    flush.setDaemon(true);
    flush.start();
    try {
      flush.join(LOG_WAIT_MILLIS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
