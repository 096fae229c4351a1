/*
 * Copyright 2026 the switchman authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package io.switchman.benchmarks;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Runs the benchmarks and writes {@code docs/benchmarks.md}.
 *
 * <pre>
 * java -jar switchman-benchmarks/target/benchmarks.jar [--smoke] [--sections 1,2,...]
 *     [--waiters 10,100,1000] [--cli switchman-cli/target/switchman]
 *     [--out docs/benchmarks.md | --no-write]
 * </pre>
 */
public final class BenchmarkMain {

  private BenchmarkMain() {}

  public static void main(String[] args) throws Exception {
    if (args.length > 0 && args[0].equals("holder")) {
      HolderMain.main(java.util.Arrays.copyOfRange(args, 1, args.length));
      return;
    }
    Settings settings = parse(args);
    Report report = run(settings);
    String markdown = report.render();
    System.out.println(markdown);
    if (settings.out() != null) {
      Path out = settings.out();
      if (out.getParent() != null) {
        Files.createDirectories(out.getParent());
      }
      String existing = Files.exists(out) ? Files.readString(out, StandardCharsets.UTF_8) : null;
      Files.writeString(out, report.mergeInto(existing), StandardCharsets.UTF_8);
      Progress.log("wrote %s", out.toAbsolutePath());
    }
    System.exit(0);
  }

  static Settings parse(String[] args) {
    Settings s = Settings.full();
    for (String a : args) {
      if (a.equals("--smoke")) {
        s = Settings.smokeRun().withOut(s.out());
      }
    }
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      switch (a) {
        case "--smoke" -> {}
        case "--no-write" -> s = s.withOut(null);
        case "--out" -> s = s.withOut(Path.of(value(args, ++i, a)));
        case "--sections" -> s = s.withSections(ints(value(args, ++i, a), a, Settings.ALL));
        case "--cli" -> s = s.withCliLauncher(Path.of(value(args, ++i, a)));
        case "--waiters" -> s = s.withWaiters(new ArrayList<>(ints(value(args, ++i, a), a, null)));
        default ->
            throw new IllegalArgumentException(
                "Unknown option '"
                    + a
                    + "': allowed are --smoke, --sections LIST, --waiters LIST, --cli LAUNCHER,"
                    + " --out FILE, --no-write");
      }
    }
    return s;
  }

  private static String value(String[] args, int i, String option) {
    if (i >= args.length) {
      throw new IllegalArgumentException("Option " + option + " needs a value");
    }
    return args[i];
  }

  private static Set<Integer> ints(String list, String option, Set<Integer> allowed) {
    Set<Integer> out = new LinkedHashSet<>();
    for (String part : list.split(",")) {
      int n;
      try {
        n = Integer.parseInt(part.trim());
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(
            "Invalid " + option + " '" + list + "': expected numbers separated by commas");
      }
      if (n < 1 || (allowed != null && !allowed.contains(n))) {
        throw new IllegalArgumentException(
            "Invalid "
                + option
                + " value "
                + n
                + (allowed != null ? ": allowed " + new java.util.TreeSet<>(allowed) : ""));
      }
      out.add(n);
    }
    return out;
  }

  /** Runs the selected sections against one fresh server process. */
  static Report run(Settings s) throws Exception {
    Path work = Files.createTempDirectory("switchman-bench-");
    Report report = new Report(s);
    try (ZooKeeperServerProcess server = ZooKeeperServerProcess.start(work, s.tickTimeMs())) {
      report.server(server);
      Progress.log("ZooKeeper server pid %d at %s", server.pid(), server.connectString());
      if (s.sections().contains(1)) {
        report.lockCycles =
            new LockCycleBenchmark(
                    server,
                    LockCycles.coreKinds(),
                    s.rounds(),
                    s.iterations(),
                    s.warmup(),
                    s.opsCycles())
                .run();
      }
      if (s.sections().contains(2)) {
        List<LeaseContentionBenchmark.Result> leases = new ArrayList<>();
        // Two passes in opposite orders (the smoke run: one), so drift hits every size alike.
        List<Integer> order = new ArrayList<>(s.waiters());
        if (!s.smoke()) {
          List<Integer> back = new ArrayList<>(s.waiters());
          java.util.Collections.reverse(back);
          order.addAll(back);
        }
        // Each size with the previous protocol and the present one, back to back, the order
        // alternating, so the before/after comparison is one run, interleaved.
        boolean previousFirst = true;
        for (int n : order) {
          for (boolean previous : new boolean[] {previousFirst, !previousFirst}) {
            leases.add(
                new LeaseContentionBenchmark(
                        server, n, 4, s.leaseGrants(), s.leaseHoldMs(), previous)
                    .run());
          }
          previousFirst = !previousFirst;
        }
        if (!s.smoke()) {
          // Issue 16's case: two instances with ten 5 ms jobs each, one unit each, capacity 4.
          for (boolean previous : new boolean[] {true, false, false, true}) {
            leases.add(
                new LeaseContentionBenchmark(
                        server, 20, 4, s.leaseGrants(), s.leaseHoldMs(), previous, new int[] {1})
                    .run());
          }
        }
        report.leases = leases;
      }
      if (s.sections().contains(3)) {
        report.failover = new FailoverBenchmark(server, s.faultSessionMs(), s.faultRuns()).run();
      }
      if (s.sections().contains(4)) {
        report.stop = new StopLatencyBenchmark(server, s.faultSessionMs(), s.faultRuns()).run();
      }
      if (s.sections().contains(5)) {
        report.cli =
            new CliStartupBenchmark(
                    server, s.cliLauncher(), s.cliRuns(), s.smoke() ? 0 : 3, !s.smoke())
                .run(work);
      }
      if (s.sections().contains(6)) {
        report.footprint =
            new FootprintBenchmark(server, s.footprintGrants(), s.footprintWaiters()).run();
      }
      if (s.sections().contains(9)) {
        report.status =
            s.smoke()
                ? new StatusBenchmark(server, 50, 5, 5, 1, 1).run()
                : new StatusBenchmark(server, 5000, 200, 500, 1, 5).run();
      }
      if (s.sections().contains(8)) {
        report.idle =
            new IdleCostBenchmark(server, java.time.Duration.ofSeconds(s.smoke() ? 2 : 60)).run();
      }
      if (s.sections().contains(7)) {
        report.sizing = new WriteThroughputBenchmark(server, s.smoke() ? 0.5 : 5).run();
      }
    } finally {
      Jvm.deleteRecursively(work);
    }
    return report;
  }
}
