/*
 * Copyright 2026 the switchman authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package io.switchman.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.switchman.core.LossReason;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * A smoke run of every section with a few iterations against a real ZooKeeper server process: the
 * harness still works and counts what it claims to count. Speed is not asserted (the machine is
 * shared); structure, request counts and safety order are.
 */
class BenchmarkSmokeTest {

  @Test
  void smokeRunOfEverySection() throws Exception {
    // Run from the module's directory: the CLI launcher, if built, is next door.
    java.nio.file.Path launcher =
        java.nio.file.Path.of("..").resolve(CliStartupBenchmark.DEFAULT_LAUNCHER);
    Settings s = Settings.smokeRun().withCliLauncher(launcher);
    Report report = BenchmarkMain.run(s);

    LockCycleBenchmark.Result lc = report.lockCycles;
    assertThat(lc).isNotNull();
    for (LockCycleBenchmark.KindResult k : lc.results()) {
      assertThat(k.total().size()).as(k.kind().key()).isEqualTo(s.rounds() * s.iterations());
      assertThat(k.total().p50()).as(k.kind().key()).isPositive();
      assertThat(k.roundRatios()).hasSize(s.rounds());
    }
    // The proxy reads the wire protocol: the floor is exactly one create and one delete.
    assertThat(lc.floor().ops()).containsOnly(entry("create", 1.0), entry("delete", 1.0));
    assertThat(lc.get("read").ops()).containsOnly(entry("exists", 1.0));
    assertThat(lc.get("switchman").writes()).isEqualTo(2.0);
    assertThat(lc.get("switchman").reads()).isEqualTo(1.0);
    assertThat(lc.get("curator").writes()).isEqualTo(2.0);
    // The guarded method ran every time (the cycle fails otherwise) with the engine's requests.
    assertThat(lc.get("spring").writes()).isEqualTo(2.0);
    assertThat(lc.get("spring").reads()).isEqualTo(1.0);
    assertThat(lc.get("raw-pipelined").ops())
        .containsOnly(entry("create", 1.0), entry("exists", 1.0), entry("delete", 1.0));

    assertThat(report.leases).hasSize(1);
    LeaseContentionBenchmark.Result leases = report.leases.get(0);
    assertThat(leases.grants()).isGreaterThanOrEqualTo(s.leaseGrants());
    assertThat(leases.errors()).isZero();
    assertThat(leases.handover().size()).isPositive();
    assertThat(leases.writesPerGrant()).isGreaterThanOrEqualTo(2.0);
    assertThat(leases.notificationsPerGrant()).isPositive();

    FailoverBenchmark.Result failover = report.failover;
    assertThat(failover).isNotNull();
    assertThat(failover.sessionMs()).isEqualTo(s.faultSessionMs());
    // The server cannot hand the lock over before the dead holder's session expired.
    assertThat(failover.failoverMs())
        .hasSize(s.faultRuns())
        .allSatisfy(ms -> assertThat(ms).isBetween(failover.sessionMs() / 3L, 3L * 2000 + 5000));

    StopLatencyBenchmark.Result stop = report.stop;
    assertThat(stop).isNotNull();
    assertThat(stop.runs())
        .hasSize(s.faultRuns())
        .allSatisfy(
            run -> {
              assertThat(run.lossMs()).isLessThan(run.expiryMs());
              assertThat(run.reason())
                  .isIn(LossReason.CONNECTION_SUSPENDED, LossReason.SAFETY_DEADLINE);
            });

    CliStartupBenchmark.Result cli = report.cli;
    assertThat(cli).isNotNull();
    if (java.nio.file.Files.isExecutable(launcher)) {
      assertThat(cli.note()).isNull();
      assertThat(cli.switchman().size()).isEqualTo(s.cliRuns());
      assertThat(cli.flock().size()).isEqualTo(s.cliRuns());
      assertThat(cli.jvm().size()).isEqualTo(s.cliRuns());
    } else {
      assertThat(cli.note()).startsWith("not measured: no CLI launcher at " + launcher);
    }

    FootprintBenchmark.Result fp = report.footprint;
    assertThat(fp).isNotNull();
    assertThat(fp.sessions()).isEqualTo(1);
    assertThat(fp.engineThreads()).contains("switchman-safety-monitor", "switchman-loss-notifier");
    assertThat(fp.bytesPerGrant()).isPositive();

    assertThat(report.sizing).isNotNull();
    assertThat(report.sizing.cyclesPerSecond()).isPositive();

    String md = report.render();
    assertThat(md)
        .contains(Report.BEGIN, Report.END, Report.COMMAND)
        .contains("## 1. Lock cycle", "## 2. Leases", "## 3. Failover", "## 4. Stop latency")
        .contains("## 5. CLI start-up", "## 6. Footprint", "## 7. Sizing a deployment")
        .contains("smoke run", "## Goals of issue 6 at a glance", "## Closing note");
  }

  @Test
  void regeneratingKeepsSectionsOutsideTheMarkers() {
    Report report = new Report(Settings.smokeRun().withSections(Set.of(1)));
    String cli = "\n## CLI start-up\n\nmedian 0.31 s\n";
    String existing = "# Benchmarks\n\n" + Report.BEGIN + "\nold\n" + Report.END + "\n" + cli;
    String merged = report.mergeInto(existing);
    assertThat(merged).endsWith(cli).doesNotContain("\nold\n").contains("## 1. Lock cycle");
    assertThat(report.mergeInto("## CLI start-up\n"))
        .startsWith("# Benchmarks")
        .endsWith("## CLI start-up\n");
  }

  @Test
  void optionsAreChecked() {
    assertThat(BenchmarkMain.parse(new String[] {"--sections", "1,2", "--waiters", "10,100"}))
        .satisfies(
            s -> {
              assertThat(s.sections()).containsExactly(1, 2);
              assertThat(s.waiters()).isEqualTo(List.of(10, 100));
            });
    assertThatThrownBy(() -> BenchmarkMain.parse(new String[] {"--sections", "9"}))
        .hasMessage("Invalid --sections value 9: allowed [1, 2, 3, 4, 5, 6, 7]");
    assertThatThrownBy(() -> BenchmarkMain.parse(new String[] {"--bogus"}))
        .hasMessageStartingWith("Unknown option '--bogus'");
    assertThatThrownBy(() -> BenchmarkMain.parse(new String[] {"--waiters", "ten"}))
        .hasMessage("Invalid --waiters 'ten': expected numbers separated by commas");
  }

  private static java.util.Map.Entry<String, Double> entry(String k, double v) {
    return java.util.Map.entry(k, v);
  }
}
