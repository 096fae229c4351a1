/*
 * Copyright 2026 the switchman authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package io.switchman.spring.boot.actuate.endpoint;

import io.switchman.core.SwitchmanEngine;
import io.switchman.core.SwitchmanException;
import org.jspecify.annotations.Nullable;

/** Pause, resume and abort of a lock, through the core. */
final class LockActions {

  private LockActions() {}

  /** Does {@code action} on lock {@code name}; answers what was done. */
  static String act(SwitchmanEngine engine, String name, String action, @Nullable String reason)
      throws InterruptedException {
    throw new IllegalArgumentException(
        "Action '" + action + "' is not available yet in this build");
  }

  /** The HTTP status of a refusal or failure of the core. */
  static int status(SwitchmanException e) {
    return 409;
  }
}
