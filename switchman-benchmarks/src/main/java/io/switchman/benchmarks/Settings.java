/*
 * Copyright 2026 the switchman authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package io.switchman.benchmarks;

import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * How much to run.
 *
 * @param smoke a few iterations only, to prove the harness works (CI)
 * @param rounds section 1: rounds of interleaved iterations
 * @param iterations section 1: measured iterations per round (one cycle of every kind each)
 * @param warmup section 1: warm-up iterations before the first round
 * @param opsCycles section 1: cycles per kind counted at the proxy
 * @param waiters section 2: numbers of waiting sessions
 * @param leaseGrants section 2: grants measured per run
 * @param leaseHoldMs section 2: how long a holder keeps its lease
 * @param faultRuns sections 3 and 4: repetitions
 * @param footprintGrants section 6: grants held at once
 * @param footprintWaiters section 6: requests waiting at once
 * @param tickTimeMs the server's tick time
 * @param faultSessionMs the session timeout asked for in sections 3 and 4
 * @param cliRuns section 5: runs of the CLI and of flock
 * @param cliLauncher section 5: the CLI launcher
 * @param sections the sections to run (1 to 6, 7 for sizing, 8 idle cost, 9 status at scale)
 * @param out where to write the report, or null for standard output only
 */
record Settings(
    boolean smoke,
    int rounds,
    int iterations,
    int warmup,
    int opsCycles,
    List<Integer> waiters,
    int leaseGrants,
    int leaseHoldMs,
    int faultRuns,
    int footprintGrants,
    int footprintWaiters,
    int tickTimeMs,
    int faultSessionMs,
    int cliRuns,
    Path cliLauncher,
    Set<Integer> sections,
    @org.jspecify.annotations.Nullable Path out) {

  static final Set<Integer> ALL = Set.of(1, 2, 3, 4, 5, 6, 7, 8, 9);

  /** The real run: minutes on two cores. */
  static Settings full() {
    return new Settings(
        false,
        5,
        800,
        600,
        200,
        List.of(10, 100, 1000),
        400,
        5,
        3,
        2000,
        500,
        2000,
        10_000,
        20,
        CliStartupBenchmark.DEFAULT_LAUNCHER,
        ALL,
        Path.of("docs", "benchmarks.md"));
  }

  /** A few iterations of everything, with a short tick so faults take seconds: for CI. */
  static Settings smokeRun() {
    return new Settings(
        true,
        2,
        15,
        10,
        10,
        List.of(4),
        12,
        2,
        1,
        40,
        10,
        200,
        2000,
        1,
        CliStartupBenchmark.DEFAULT_LAUNCHER,
        ALL,
        null);
  }

  private Settings with(
      Set<Integer> newSections,
      @org.jspecify.annotations.Nullable Path newOut,
      List<Integer> newWaiters,
      Path newLauncher) {
    return new Settings(
        smoke,
        rounds,
        iterations,
        warmup,
        opsCycles,
        newWaiters,
        leaseGrants,
        leaseHoldMs,
        faultRuns,
        footprintGrants,
        footprintWaiters,
        tickTimeMs,
        faultSessionMs,
        cliRuns,
        newLauncher,
        newSections,
        newOut);
  }

  Settings withSections(Set<Integer> s) {
    return with(new TreeSet<>(s), out, waiters, cliLauncher);
  }

  Settings withOut(@org.jspecify.annotations.Nullable Path o) {
    return with(sections, o, waiters, cliLauncher);
  }

  Settings withWaiters(List<Integer> w) {
    return with(sections, out, w, cliLauncher);
  }

  Settings withCliLauncher(Path launcher) {
    return with(sections, out, waiters, launcher);
  }
}
