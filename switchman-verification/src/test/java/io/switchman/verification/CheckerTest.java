/*
 * Copyright 2026 the switchman authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package io.switchman.verification;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The checker on hand-made histories: each contains one kind of violation, and it is caught. */
class CheckerTest {

  private final Checker checker = new Checker(Duration.ofMillis(500));
  private final List<HistoryEvent> h = new ArrayList<>();

  // times in milliseconds, converted to microseconds
  private void add(long ms, String source, String type, Object... kv) {
    h.add(HistoryEvent.of(ms * 1000, source, type, kv));
  }

  private void lockRun(String worker, String run, long token, long from, long to, boolean end) {
    add(from, worker, "granted", "run", run, "token", token, "lock", "payroll");
    for (long t = from + 10; t <= to; t += 10) {
      add(t, worker, "heartbeat", "run", run);
    }
    if (end) {
      add(to + 1, worker, "finished", "run", run);
    }
  }

  private void leaseRun(String worker, String run, long token, long from, long to, int amount) {
    add(from, worker, "granted", "run", run, "token", token, "leases", "db:" + amount + ":2");
    for (long t = from + 10; t <= to; t += 10) {
      add(t, worker, "heartbeat", "run", run);
    }
    add(to + 1, worker, "stopped", "run", run, "reason", "SAFETY_DEADLINE");
  }

  private CheckReport check() {
    return checker.check(h, List.of());
  }

  @Test
  void cleanHistoryHasNoViolationsAndTheExactSummaryLine() {
    add(0, "schedule", "fault", "n", 1, "kind", "PARTITION_HOLDER", "target", "w1");
    lockRun("w1", "w1-1", 10, 0, 1000, true);
    lockRun("w2", "w2-1", 20, 1100, 2000, true);
    leaseRun("w3", "w3-1", 30, 0, 2000, 1);
    leaseRun("w4", "w4-1", 31, 0, 2000, 1);
    leaseRun("w5", "w5-1", 40, 2100, 3000, 2);
    CheckReport r = check();
    assertThat(r.summaryLine())
        .isEqualTo(
            "faults=1 grants=5 overlaps=0 capacity_violations=0 token_order_violations=0"
                + " orphan_nodes=0 lost_runs=0 stale_writes_accepted=0 paused_overlaps=0");
    assertThat(r.safe()).isTrue();
    assertThat(r.details()).isEmpty();
  }

  @Test
  void twoHoldersOfOneLockWithOverlappingHeartbeatsAreAnOverlap() {
    lockRun("w1", "w1-1", 10, 0, 1000, true);
    lockRun("w2", "w2-1", 20, 990, 2000, true); // starts 10 ms before w1's last heartbeat
    lockRun("w3", "w3-1", 30, 2100, 3000, true);
    CheckReport r = check();
    assertThat(r.overlaps()).isEqualTo(1);
    assertThat(r.safe()).isFalse();
    assertThat(r.details())
        .singleElement()
        .asString()
        .startsWith("overlap on lock payroll: run w1-1 (token 10)")
        .contains("run w2-1 (token 20)");
  }

  @Test
  void heartbeatsOfARunNeverGrantedCountAsOverlaps() {
    add(5, "w1", "heartbeat", "run", "w1-9");
    CheckReport r = check();
    assertThat(r.overlaps()).isEqualTo(1);
    assertThat(r.details()).singleElement().asString().startsWith("unguarded work: ");
  }

  @Test
  void heartbeatsRightAfterAPauseArePausedOverlapsNotOverlaps() {
    add(0, "w1", "granted", "run", "w1-1", "token", 10, "lock", "payroll");
    add(50, "w1", "heartbeat", "run", "w1-1");
    add(100, "schedule", "paused", "worker", "w1");
    lockRun("w2", "w2-1", 20, 3000, 6000, true); // took over while w1 was paused
    add(5000, "schedule", "resumed", "worker", "w1");
    add(5010, "w1", "heartbeat", "run", "w1-1"); // unavoidable: runs before it learns of the loss
    add(5020, "w1", "stopped", "run", "w1-1", "reason", "SAFETY_DEADLINE");
    CheckReport r = check();
    assertThat(r.overlaps()).isZero();
    assertThat(r.pausedOverlaps()).isEqualTo(1);
    assertThat(r.safe()).isTrue();
    assertThat(r.summaryLine()).endsWith("paused_overlaps=1");
  }

  @Test
  void workLongAfterAPauseIsAnOverlapAgain() {
    add(0, "w1", "granted", "run", "w1-1", "token", 10, "lock", "payroll");
    add(100, "schedule", "paused", "worker", "w1");
    lockRun("w2", "w2-1", 20, 3000, 7000, true);
    add(5000, "schedule", "resumed", "worker", "w1");
    add(5600, "w1", "heartbeat", "run", "w1-1"); // 600 ms after resuming: beyond the 500 ms grace
    add(5700, "w1", "stopped", "run", "w1-1", "reason", "SAFETY_DEADLINE");
    CheckReport r = check();
    assertThat(r.overlaps()).isEqualTo(1);
    assertThat(r.pausedOverlaps()).isZero();
  }

  @Test
  void leaseHoldersAboveCapacityAreCapacityViolations() {
    leaseRun("w1", "w1-1", 10, 0, 1000, 1);
    leaseRun("w2", "w2-1", 11, 100, 1000, 1);
    leaseRun("w3", "w3-1", 12, 500, 600, 1); // a third unit of a capacity of 2
    leaseRun("w4", "w4-1", 13, 1100, 1200, 2); // after everyone left: fine
    CheckReport r = check();
    assertThat(r.capacityViolations()).isEqualTo(1);
    assertThat(r.overlaps()).isZero();
    assertThat(r.details())
        .singleElement()
        .asString()
        .isEqualTo(
            "capacity violation on resource db at 500000: 3 units held, capacity 2"
                + " [no fault before it]");
    assertThat(r.violationsByKind()).containsExactly(java.util.Map.entry("none", 1));
  }

  @Test
  void aLeaseOfAPausedProcessIsAPausedExcessOnly() {
    add(0, "w1", "granted", "run", "w1-1", "token", 10, "leases", "db:2:2");
    add(100, "schedule", "paused", "worker", "w1");
    leaseRun("w2", "w2-1", 20, 3000, 6000, 2);
    add(5000, "schedule", "resumed", "worker", "w1");
    add(5010, "w1", "heartbeat", "run", "w1-1");
    add(5020, "w1", "stopped", "run", "w1-1", "reason", "CONNECTION_SUSPENDED");
    CheckReport r = check();
    assertThat(r.capacityViolations()).isZero();
    assertThat(r.pausedOverlaps()).isEqualTo(1);
  }

  @Test
  void aFencingTokenNotAboveThePreviousGrantsIsATokenOrderViolation() {
    lockRun("w1", "w1-1", 30, 0, 1000, true);
    lockRun("w2", "w2-1", 20, 1100, 2000, true);
    lockRun("w3", "w3-1", 40, 2100, 3000, true);
    CheckReport r = check();
    assertThat(r.tokenOrderViolations()).isEqualTo(1);
    assertThat(r.details())
        .containsExactly(
            "token order on lock payroll: run w2-1 granted token 20 after run w1-1 had token 30"
                + " [no fault before it]");
  }

  @Test
  void nodesLeftAfterEveryClientExitedAreOrphans() {
    lockRun("w1", "w1-1", 10, 0, 1000, true);
    CheckReport r =
        checker.check(h, List.of("/switchman/locks/payroll", "/switchman/semaphores/db/leases/x"));
    assertThat(r.orphanNodes()).isEqualTo(2);
    assertThat(r.safe()).isFalse();
    assertThat(r.details())
        .contains(
            "orphan node /switchman/locks/payroll (found at the end of the run; blamed on kind"
                + " end-of-run)");
    assertThat(r.violationsByKind()).containsExactly(java.util.Map.entry("end-of-run", 2));
  }

  @Test
  void aRunGrantedButNeverEndedNorKilledIsLost() {
    lockRun("w1", "w1-1", 10, 0, 1000, false); // vanished: lost
    add(1500, "schedule", "killed", "worker", "w2"); // a kill before w2's run does not excuse it
    lockRun("w2", "w2-1", 20, 2000, 3000, false);
    lockRun("w3", "w3-1", 30, 4000, 5000, false);
    add(5001, "schedule", "killed", "worker", "w3"); // killed by the schedule: accounted for
    CheckReport r = check();
    assertThat(r.lostRuns()).isEqualTo(2);
    assertThat(r.details())
        .filteredOn(d -> d.startsWith("lost run"))
        .extracting(d -> d.split(" ")[2])
        .containsExactly("w1-1", "w2-1");
  }

  @Test
  void eachViolationIsBlamedOnTheLastFaultThatBeganBeforeIt() {
    add(
        0,
        "schedule",
        "fault",
        "n",
        1,
        "kind",
        "KILL_CLI_GROUP",
        "target",
        "w1:switchman-group:77");
    add(0, "schedule", "killed", "worker", "w1");
    add(400, "schedule", "fault-end", "n", 1);
    lockRun("w1", "w1-1", 10, 0, 3000, true); // the command ran on after its group was killed
    lockRun("w2", "w2-1", 20, 2500, 4000, true);
    add(5000, "schedule", "fault", "n", 2, "kind", "SWALLOWED_INTERRUPT", "target", "w8");
    lockRun("w8", "w8-1", 30, 4100, 9000, true); // swallowed its interrupt
    lockRun("w3", "w3-1", 40, 8000, 9500, true);
    add(10000, "schedule", "fault-end", "n", 2);
    leaseRun("w4", "w4-1", 50, 10500, 11000, 2);
    add(10600, "schedule", "fault", "n", 3, "kind", "SLOW_LISTENER", "target", "w8");
    leaseRun("w8", "w8-lease-1", 51, 10700, 11000, 1); // a third unit
    CheckReport r = check();
    assertThat(r.overlaps()).isEqualTo(2);
    assertThat(r.capacityViolations()).isEqualTo(1);
    assertThat(r.violationsByKind())
        .containsExactly(
            java.util.Map.entry("kill-cli-group", 1),
            java.util.Map.entry("slow-listener", 1),
            java.util.Map.entry("swallowed-interrupt", 1));
    assertThat(r.details())
        .containsExactly(
            "overlap on lock payroll: run w1-1 (token 10) worked Span[start=0, end=3001000]"
                + " while run w2-1 (token 20) worked Span[start=2500000, end=4001000] [fault n=1"
                + " kind=kill-cli-group target=w1:switchman-group:77 began 2500 ms before, ended"
                + " 2100 ms before]",
            "overlap on lock payroll: run w8-1 (token 30) worked Span[start=4100000, end=9001000]"
                + " while run w3-1 (token 40) worked Span[start=8000000, end=9501000] [fault n=2"
                + " kind=swallowed-interrupt target=w8 began 3000 ms before, still going on]",
            "capacity violation on resource db at 10700000: 3 units held, capacity 2 [fault n=3"
                + " kind=slow-listener target=w8 began 100 ms before, still going on]");
  }

  @Test
  void aFaultThatNamesAWorkerOfTheViolationIsBlamedBeforeALaterFaultThatDoesNot() {
    add(0, "schedule", "fault", "n", 1, "kind", "KILL_CLI_GROUP", "target", "w1:switchman-group:7");
    add(10, "schedule", "fault-end", "n", 1);
    add(
        900,
        "schedule",
        "fault",
        "n",
        2,
        "kind",
        "KILL_CLI_GROUP",
        "target",
        "w3:switchman-group:9");
    add(1000, "schedule", "fault", "n", 3, "kind", "KILL_LEADER", "target", "zk3");
    lockRun("w1", "w1-1", 10, 0, 3000, true); // w1's command ran on after its group was killed
    lockRun("w2", "w2-1", 20, 2500, 4000, true);
    CheckReport r = check();
    assertThat(r.violationsByKind()).containsExactly(java.util.Map.entry("kill-cli-group", 1));
    assertThat(r.details())
        .singleElement()
        .asString()
        .endsWith(
            "[fault n=1 kind=kill-cli-group target=w1:switchman-group:7 began 2500 ms before,"
                + " ended 2490 ms before; the last fault before it: n=3 kill-leader]");
  }

  @Test
  void aRunOfAWorkerThatExitedOnItsOwnIsNotLost() {
    // the starter halted the JVM of a stuck method: the run has no end line, and is not lost
    lockRun("w8", "w8-1", 10, 0, 1000, false);
    add(1200, "schedule", "exited", "worker", "w8", "code", 70);
    lockRun("w8", "w8-2", 20, 2000, 3000, false); // after the exit: nothing excuses it
    CheckReport r = check();
    assertThat(r.lostRuns()).isEqualTo(1);
    assertThat(r.details())
        .singleElement()
        .asString()
        .startsWith("lost run w8-2 of w8: granted at 2000000");
  }

  @Test
  void aWriteAcceptedFromAnOlderGrantIsStale() {
    add(1, "store", "write", "key", "payroll", "token", 10, "run", "w1-1", "accepted", true);
    add(2, "store", "write", "key", "payroll", "token", 10, "run", "w1-1", "accepted", true);
    add(3, "store", "write", "key", "payroll", "token", 20, "run", "w2-1", "accepted", true);
    add(4, "store", "write", "key", "payroll", "token", 10, "run", "w1-1", "accepted", false);
    add(5, "store", "write", "key", "payroll", "token", 10, "run", "w1-1", "accepted", true);
    add(6, "store", "write", "key", "payroll", "token", 20, "run", "w9-1", "accepted", true);
    add(7, "store", "write", "key", "other", "token", 5, "run", "w3-1", "accepted", true);
    CheckReport r = check();
    assertThat(r.staleWritesAccepted()).isEqualTo(2);
    assertThat(r.details())
        .containsExactly(
            "stale write accepted on payroll: run w1-1 with token 10 after run w2-1 with token 20"
                + " [no fault before it]",
            "stale write accepted on payroll: run w9-1 with token 20 after run w2-1 with token 20"
                + " [no fault before it]");
  }

  @Test
  void historyLinesRoundTripAndMalformedOnesAreNamed() {
    HistoryEvent e = HistoryEvent.of(123, "w1", "granted", "run", "w1-1", "token", 7);
    assertThat(e.format()).isEqualTo("123 w1 granted run=w1-1 token=7");
    assertThat(HistoryEvent.parse(e.format())).isEqualTo(e);
    assertThatThrownBy(() -> HistoryEvent.parse("abc w1 granted"))
        .hasMessage("Invalid history line 'abc w1 granted': 'abc' is not a time in microseconds");
    assertThatThrownBy(() -> HistoryEvent.parse("1 w1 granted run"))
        .hasMessage("Invalid history line '1 w1 granted run': 'run' is not key=value");
    assertThatThrownBy(() -> HistoryEvent.of(1, "w 1", "x"))
        .hasMessage("Invalid history word 'w 1': must be non-empty, without spaces or '='");
    assertThatThrownBy(() -> HistoryEvent.parse("1 w1 granted").require("run"))
        .hasMessage("History line '1 w1 granted' has no run=");
  }

  @Test
  void readsHistoriesAndTheStoreLogFromADirectory(@TempDir Path dir) throws IOException {
    try (HistoryWriter w = new HistoryWriter(dir.resolve("w1.history"), "w1")) {
      w.append("granted", "run", "w1-1", "token", 5, "lock", "payroll");
      w.append("heartbeat", "run", "w1-1");
      w.append("finished", "run", "w1-1");
    }
    FencedStore store = new FencedStore(dir.resolve("store"));
    assertThat(store.write("payroll", 5, "w1-1")).isTrue();
    List<HistoryEvent> events = Checker.readAll(dir);
    assertThat(events)
        .extracting(HistoryEvent::type)
        .containsExactlyInAnyOrder("granted", "heartbeat", "finished", "write");
    assertThat(checker.check(events, List.of()).summaryLine())
        .startsWith("faults=0 grants=1 overlaps=0");
  }

  @Test
  void aRunIdThatComesBackIsANewRunNotOneLongRun() {
    // A job process got the pid of an earlier one: both wrote run=w3-77-cli.
    leaseRun("w3", "w3-77-cli", 10, 0, 1000, 1);
    leaseRun("w7", "w7-1", 20, 2000, 3000, 2); // the whole capacity, between the two
    leaseRun("w3", "w3-77-cli", 30, 4000, 5000, 1);
    CheckReport r = check();
    assertThat(r.grants()).isEqualTo(3);
    assertThat(r.capacityViolations()).isZero();
    assertThat(r.lostRuns()).isZero();
    assertThat(r.safe()).isTrue();
  }
}
