/*
 * Copyright 2026 the switchman authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package io.switchman.core;

/**
 * The benchmark's way to the core's package-private switches (this class lives in the benchmark
 * module, in the core's package): the lease protocol as of issue 6, for measuring before and after
 * side by side in one run. Not part of any published artifact.
 */
public final class BenchmarkAccess {

  private BenchmarkAccess() {}

  /**
   * Serves leases with the previous protocol ({@code PreviousLeaseQueue}) when {@code previous}.
   */
  public static SwitchmanEngine.Builder previousLeaseProtocol(
      SwitchmanEngine.Builder builder, boolean previous) {
    return builder.previousLeaseProtocol(previous);
  }

  /** The safety monitor ticks with no grant held too (as before issue 16) when {@code always}. */
  public static SwitchmanEngine.Builder tickWhileIdle(
      SwitchmanEngine.Builder builder, boolean always) {
    return builder.tickWhileIdle(always);
  }
}
