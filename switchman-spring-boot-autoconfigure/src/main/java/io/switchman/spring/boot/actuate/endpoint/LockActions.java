/*
 * Copyright 2026 the switchman authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package io.switchman.spring.boot.actuate.endpoint;

import io.switchman.core.PauseMode;
import io.switchman.core.SwitchmanEngine;
import io.switchman.core.SwitchmanException;
import io.switchman.core.SwitchmanOperations;
import org.jspecify.annotations.Nullable;

/** Pause, resume and abort of a lock, through the core's {@link SwitchmanOperations}. */
final class LockActions {

  private LockActions() {}

  /**
   * Does {@code action} on lock {@code name} as {@code operator} (the authenticated user, or null);
   * answers what was done.
   */
  static String act(
      SwitchmanEngine engine,
      String name,
      String action,
      @Nullable String reason,
      @Nullable String operator)
      throws InterruptedException {
    SwitchmanOperations ops = engine.operations().by(operator);
    return switch (action) {
      case "pause" -> ops.pause(name, reason, PauseMode.FAIL_IF_HELD).message();
      case "resume" -> ops.resume(name).message();
      case "abort" -> ops.abort(name, reason).message();
      default -> throw new IllegalArgumentException("Unknown action '" + action + "'");
    };
  }

  /** The HTTP status of a refusal or failure of the core. */
  static int status(SwitchmanException e) {
    return switch (e.kind()) {
      case INVALID_ARGUMENT -> 400;
      case LOCK_HELD, LOCK_PAUSED, LOCK_FREE -> 409;
      default -> 503;
    };
  }
}
