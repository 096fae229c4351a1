/*
 * Copyright 2026 the switchman authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package io.switchman.cli;

/**
 * The exit codes of {@code switchman}. A skipped job exits with the busy exit code (default 0, as
 * switchman 1.16); a job that ran exits with the command's own code, or 128+N when a signal N
 * killed it. The other codes follow {@code sysexits.h}.
 */
final class ExitCodes {

  /** The command ran and exited 0, or the job was skipped with the default busy exit code. */
  static final int OK = 0;

  /** Bad command line: unknown option, bad lease expression, bad lock name or duration. */
  static final int USAGE = 64;

  /**
   * An operator's action refused because a running job holds the lock: {@code --pause} without
   * {@code --abort} (or its {@code --wait} ran out), {@code --resume} of a held lock.
   */
  static final int LOCK_HELD = 65;

  /** {@code --resume} of a lock that is not paused, {@code --abort} of a lock nobody holds. */
  static final int LOCK_FREE = 66;

  /** {@code --pause} of a lock that is paused already, {@code --abort} of a paused lock. */
  static final int LOCK_PAUSED = 67;

  /** ZooKeeper could not be reached (or the session ended) before the command started. */
  static final int UNAVAILABLE = 69;

  /** The command was stopped because the lock or a lease was lost (or may have been). */
  static final int LOST = 75;

  /** Bad config file: missing, unreadable, not JSON, missing or invalid keys. */
  static final int CONFIG = 78;

  /**
   * Any other error, as switchman 1.16: unknown resource or group, totals mismatch, amount above
   * capacity, invalid cluster data, lease wait timeout.
   */
  static final int ERROR = 255;

  /** 128 + the signal number, for a command killed by a signal. */
  static final int SIGNAL_BASE = 128;

  private ExitCodes() {}
}
