/*
 * Copyright 2026 the switchman authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package io.switchman.core;

import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Static access, inside a guarded method, to the grant it runs under: its fencing token, lock name,
 * and whether it is still held.
 *
 * <pre>{@code
 * @Scheduled(fixedDelay = 60_000)
 * @SwitchmanLock(name = "nightly-export")
 * void export() {
 *   store.write(rows, SwitchmanContext.fencingToken()); // the store rejects older tokens
 * }
 * }</pre>
 *
 * <p>The grant is bound to the thread that runs the method; code on other threads must be handed
 * the token explicitly.
 */
public final class SwitchmanContext {

  private static final ThreadLocal<@Nullable Grant> CURRENT = new ThreadLocal<>();

  private SwitchmanContext() {}

  /** The grant of the guarded method running on this thread, if any. */
  public static Optional<Grant> current() {
    return Optional.ofNullable(CURRENT.get());
  }

  /**
   * The fencing token of the current grant.
   *
   * @throws IllegalStateException outside a guarded method
   */
  public static long fencingToken() {
    return require().fencingToken();
  }

  /**
   * The lock name of the current grant (its request's name for a lease-only grant).
   *
   * @throws IllegalStateException outside a guarded method
   */
  public static String lockName() {
    return require().name();
  }

  /**
   * Whether the current grant is still held; a long-running method may check it between steps.
   *
   * @throws IllegalStateException outside a guarded method
   */
  public static boolean isHeld() {
    return require().isHeld();
  }

  /**
   * Insists that this code runs under a grant that is still held, as ShedLock's {@code
   * LockAssert.assertLocked()}: call it at the top of code that must never run unguarded, or in a
   * test.
   *
   * @return the grant
   * @throws IllegalStateException outside a guarded method or {@code SwitchmanTemplate} run, or
   *     when the grant was lost or released
   */
  public static Grant assertHeld() {
    Grant g = CURRENT.get();
    if (g == null) {
      throw new IllegalStateException(
          "Not running under a switchman grant: this code must run inside a method guarded by"
              + " @SwitchmanLock or @SwitchmanLease, or a SwitchmanTemplate run, on the thread"
              + " that runs it");
    }
    if (!g.isHeld()) {
      throw new IllegalStateException(
          "The switchman grant '"
              + g.name()
              + "' (fencing token "
              + g.fencingToken()
              + ") is no longer held"
              + g.lossReason().map(r -> ": it was lost (" + r + ")").orElse(": it was released"));
    }
    return g;
  }

  /**
   * Insists that this code runs under a held grant of the lock {@code lockName}.
   *
   * @return the grant
   * @throws IllegalStateException when it does not, naming the lock it runs under, if any
   */
  public static Grant assertHeld(String lockName) {
    Grant current = CURRENT.get();
    if (current != null && !current.name().equals(lockName)) {
      throw new IllegalStateException(
          "Not running under the switchman lock '"
              + lockName
              + "': this code runs under '"
              + current.name()
              + "'");
    }
    if (current == null) {
      throw new IllegalStateException(
          "Not running under the switchman lock '"
              + lockName
              + "': this code must run inside a method guarded by @SwitchmanLock(name = \""
              + lockName
              + "\"), or a SwitchmanTemplate run of that lock, on the thread that runs it");
    }
    return assertHeld();
  }

  private static Grant require() {
    Grant g = CURRENT.get();
    if (g == null) {
      throw new IllegalStateException(
          "No switchman grant on this thread: SwitchmanContext is only available inside a method"
              + " guarded by @SwitchmanLock or @SwitchmanLease, on the thread that runs it");
    }
    return g;
  }

  /**
   * Binds {@code grant} to the current thread until the returned scope is closed; for adapters that
   * run guarded code. Scopes nest.
   */
  public static Scope enter(Grant grant) {
    Grant previous = CURRENT.get();
    CURRENT.set(grant);
    return () -> {
      if (previous == null) {
        CURRENT.remove();
      } else {
        CURRENT.set(previous);
      }
    };
  }

  /** A binding of a grant to a thread; closing it restores the previous one. */
  @FunctionalInterface
  public interface Scope extends AutoCloseable {
    @Override
    void close();
  }
}
