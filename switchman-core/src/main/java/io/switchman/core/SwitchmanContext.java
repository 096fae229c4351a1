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
