/*
 * Copyright 2026 the switchman authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package io.switchman.spring.boot.autoconfigure;

import io.switchman.core.GrantRequest;
import java.time.Duration;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * A guarded method with its annotations resolved and validated: placeholders replaced, durations
 * parsed, capacities looked up.
 *
 * @param description the method, for log lines and errors ({@code Jobs.report()})
 * @param request what to acquire before each call
 * @param holdAtLeast how long to keep the grant, counted from the call's start
 * @param maxDuration when to stop the call, or null for never
 * @param returnsOptional whether a skipped call returns {@code Optional.empty()} rather than null
 * @param kind how the method runs: returns, or a Publisher or future it returns completes
 */
record GuardedMethod(
    String description,
    GrantRequest request,
    Duration holdAtLeast,
    @Nullable Duration maxDuration,
    boolean returnsOptional,
    ResultKind kind) {

  /** What a skipped call returns. */
  @Nullable Object skipValue() {
    return returnsOptional ? Optional.empty() : null;
  }
}
