/*
 * Copyright 2026 the switchman authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package io.switchman.spring.boot.autoconfigure;

import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Runs a guarded method of this application now, by its lock name, through its proxy: under its
 * grant, exactly as a scheduled call would (skipped when the lock is held, paused, or this host is
 * not in the group). The actuator endpoint's {@code run} action and the console use it.
 */
public interface SwitchmanRunner {

  /** Lock name (the request's name for lease-only methods) to the guarded method(s) with it. */
  Map<String, String> methods();

  /**
   * Runs the one guarded method with lock name {@code name} on a thread of its own, and waits for
   * it to return, at most the runner's wait (then it answers with {@code finished=false}, and the
   * method goes on).
   *
   * @throws IllegalArgumentException naming the value when no guarded method, or more than one, or
   *     one that takes parameters, has this lock name
   */
  RunResult run(String name);

  /**
   * What a call of {@link #run} did.
   *
   * @param name the lock name
   * @param method the method, {@code com.example.Jobs.report()}
   * @param ran whether the method was called under its grant
   * @param outcome {@code acquired} when it ran; otherwise why it was skipped, as the {@code
   *     outcome} tag of {@code switchman.acquisitions} ({@code busy}, {@code paused}, {@code
   *     not-in-group}, {@code timeout}, {@code error}), or {@code waiting} when no grant was
   *     decided within the wait
   * @param detail why it was skipped, in words, or null
   * @param fencingToken the grant's fencing token when it ran
   * @param finished whether the method returned (or was skipped) within the wait
   * @param durationMs how long it ran, when it returned
   * @param error what the method threw, or null
   */
  record RunResult(
      String name,
      String method,
      boolean ran,
      String outcome,
      @Nullable String detail,
      @Nullable Long fencingToken,
      boolean finished,
      @Nullable Long durationMs,
      @Nullable String error) {}
}
