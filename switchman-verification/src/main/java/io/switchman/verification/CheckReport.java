/*
 * Copyright 2026 the switchman authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package io.switchman.verification;

import java.util.List;

/**
 * What the {@link Checker} found.
 *
 * @param faults faults the schedule injected
 * @param grants grants the jobs reported
 * @param overlaps pairs of holders of one lock whose work overlapped, outside the unavoidable
 *     moment after a paused process resumes
 * @param capacityViolations moments a lease holder started while the overlapping holders' amounts
 *     already exceeded the resource's capacity
 * @param tokenOrderViolations lock grants whose fencing token is not above the previous grant's
 * @param orphanNodes ephemeral nodes left under the prefix after every client exited
 * @param lostRuns runs granted that neither finished, stopped nor were killed by the schedule
 * @param staleWritesAccepted writes the fenced store accepted from an older grant
 * @param pausedOverlaps overlaps (and capacity excesses) caused only by the heartbeats of a paused
 *     process right after it resumed
 * @param details one sentence per violation, for the report, each naming the fault it is blamed on
 * @param violationsByKind violations per fault kind they are blamed on ({@link FaultKind#tag()}:
 *     the last fault that began before the violation), sorted by kind; empty when safe
 */
public record CheckReport(
    int faults,
    int grants,
    int overlaps,
    int capacityViolations,
    int tokenOrderViolations,
    int orphanNodes,
    int lostRuns,
    int staleWritesAccepted,
    int pausedOverlaps,
    List<String> details,
    java.util.Map<String, Integer> violationsByKind) {

  public CheckReport {
    details = List.copyOf(details);
    violationsByKind =
        java.util.Collections.unmodifiableMap(new java.util.TreeMap<>(violationsByKind));
  }

  /** The one summary line every run ends with. */
  public String summaryLine() {
    return "faults="
        + faults
        + " grants="
        + grants
        + " overlaps="
        + overlaps
        + " capacity_violations="
        + capacityViolations
        + " token_order_violations="
        + tokenOrderViolations
        + " orphan_nodes="
        + orphanNodes
        + " lost_runs="
        + lostRuns
        + " stale_writes_accepted="
        + staleWritesAccepted
        + " paused_overlaps="
        + pausedOverlaps;
  }

  /** Whether no invariant was violated (paused overlaps are reported, not violations). */
  public boolean safe() {
    return overlaps == 0
        && capacityViolations == 0
        && tokenOrderViolations == 0
        && orphanNodes == 0
        && lostRuns == 0
        && staleWritesAccepted == 0;
  }
}
