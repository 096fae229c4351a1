/*
 * Copyright 2026 the switchman authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package io.switchman.core;

import java.time.Duration;

/**
 * Moved to {@link io.switchman.core.internal.Durations} (not API). This delegate stays only until
 * the adapters import the internal class; then it is deleted.
 */
public final class Durations {

  private Durations() {}

  /** See {@link io.switchman.core.internal.Durations#parse}. */
  public static Duration parse(String what, String value) {
    return io.switchman.core.internal.Durations.parse(what, value);
  }

  /** See {@link io.switchman.core.internal.Durations#format}. */
  public static String format(Duration d) {
    return io.switchman.core.internal.Durations.format(d);
  }
}
