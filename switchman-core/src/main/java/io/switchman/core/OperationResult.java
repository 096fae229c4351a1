/*
 * Copyright 2026 the switchman authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package io.switchman.core;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * What an operator's action did ({@link SwitchmanOperations}). Refusals are thrown as {@link
 * SwitchmanException} (kinds {@code LOCK_HELD}, {@code LOCK_PAUSED}, {@code LOCK_FREE}), not
 * returned.
 *
 * @param action what was done
 * @param name the lock name
 * @param pause the pause created ({@link Action#PAUSE}) or removed ({@link Action#RESUME}); null
 *     for {@link Action#ABORT}
 * @param aborted the running job that was stopped (its node deleted): by {@link Action#ABORT}, or
 *     by a pause with {@link PauseMode#ABORT} that found one; else null
 * @param message one sentence for people and logs, naming who, when and why
 */
public record OperationResult(
    Action action,
    String name,
    @Nullable Pause pause,
    ClusterStatus.@Nullable LockInfo aborted,
    String message) {

  /** An operator's action. */
  public enum Action {
    PAUSE,
    RESUME,
    ABORT
  }

  public OperationResult {
    Objects.requireNonNull(action, "action");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(message, "message");
  }
}
