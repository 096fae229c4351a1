/*
 * Copyright 2026 the switchman authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package io.switchman.benchmarks;

import io.switchman.benchmarks.LockCycles.Kind;
import io.switchman.benchmarks.LockCycles.LockCycle;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Section 1: uncontended lock cycles (acquire + release) of every kind on one server, interleaved:
 * each iteration runs one cycle of each kind, in an order rotated by one per iteration, so drift of
 * the shared machine hits every kind alike. Repeated in rounds; the spread of the per-round ratios
 * is the noise. Operations are counted in a separate pass through a {@link CountingProxy}, so the
 * proxy's hop is not in the timings.
 */
final class LockCycleBenchmark {

  /**
   * Results of one kind.
   *
   * @param kind the kind
   * @param total every cycle, pooled over rounds
   * @param acquire the acquire part
   * @param release the release part
   * @param roundRatios p50 ratio to the floor's p50, per round
   * @param ops operations per cycle, counted at the proxy
   */
  record KindResult(
      Kind kind,
      Samples total,
      Samples acquire,
      Samples release,
      List<Double> roundRatios,
      Map<String, Double> ops,
      double writes,
      double reads,
      double notifications) {}

  /**
   * The outcome of the whole section.
   *
   * @param results per kind, in table order
   * @param rounds rounds run
   * @param iterations measured iterations per round
   * @param warmup warm-up iterations before the first round
   * @param opsCycles cycles counted per kind at the proxy
   * @param proxyFloor the floor's p50 through the proxy, to show the proxy's own cost
   * @param serverCpuMs the server process's CPU time during the timed rounds
   */
  record Result(
      List<KindResult> results,
      int rounds,
      int iterations,
      int warmup,
      int opsCycles,
      long proxyFloorP50,
      long serverCpuMs,
      long wallMs) {

    KindResult floor() {
      return results.stream().filter(r -> r.kind().floor()).findFirst().orElseThrow();
    }

    KindResult get(String key) {
      return results.stream().filter(r -> r.kind().key().equals(key)).findFirst().orElseThrow();
    }

    double ratio(KindResult r) {
      return (double) r.total().p50() / floor().total().p50();
    }
  }

  private final ZooKeeperServerProcess server;
  private final List<Kind> kinds;
  private final int rounds;
  private final int iterations;
  private final int warmup;
  private final int opsCycles;

  LockCycleBenchmark(
      ZooKeeperServerProcess server,
      List<Kind> kinds,
      int rounds,
      int iterations,
      int warmup,
      int opsCycles) {
    this.server = server;
    this.kinds = kinds;
    this.rounds = rounds;
    this.iterations = iterations;
    this.warmup = warmup;
    this.opsCycles = opsCycles;
  }

  Result run() throws Exception {
    int k = kinds.size();
    List<LockCycle> cycles = new ArrayList<>();
    try {
      for (Kind kind : kinds) {
        cycles.add(kind.factory().open(server.connectString()));
      }
      Samples[] total = new Samples[k];
      Samples[] acq = new Samples[k];
      Samples[] rel = new Samples[k];
      List<List<Double>> ratios = new ArrayList<>();
      for (int i = 0; i < k; i++) {
        total[i] = new Samples(rounds * iterations);
        acq[i] = new Samples(rounds * iterations);
        rel[i] = new Samples(rounds * iterations);
        ratios.add(new ArrayList<>());
      }
      Samples[] scratch = new Samples[k];
      for (int i = 0; i < k; i++) {
        scratch[i] = new Samples(warmup);
      }
      iterate(cycles, warmup, scratch, new Samples[k], new Samples[k]);
      long cpu0 = server.cpuTimeMillis();
      long wall0 = System.nanoTime();
      int floorIndex = floorIndex();
      for (int r = 0; r < rounds; r++) {
        Samples[] roundTotal = new Samples[k];
        for (int i = 0; i < k; i++) {
          roundTotal[i] = new Samples(iterations);
        }
        iterate(cycles, iterations, roundTotal, acq, rel);
        long floorP50 = roundTotal[floorIndex].p50();
        for (int i = 0; i < k; i++) {
          total[i].addAll(roundTotal[i]);
          ratios.get(i).add((double) roundTotal[i].p50() / floorP50);
        }
        Progress.log(
            "lock cycles: round %d/%d, floor p50 %s ms", r + 1, rounds, Samples.ms(floorP50));
      }
      long wallMs = (System.nanoTime() - wall0) / 1_000_000;
      long cpuMs = server.cpuTimeMillis() - cpu0;
      for (LockCycle c : cycles) {
        c.close();
      }
      cycles.clear();

      List<KindResult> results = new ArrayList<>();
      long proxyFloor = 0;
      try (CountingProxy proxy = new CountingProxy(server.port())) {
        for (int i = 0; i < k; i++) {
          Kind kind = kinds.get(i);
          try (LockCycle c = kind.factory().open(proxy.connectString())) {
            Samples viaProxy = new Samples(opsCycles);
            Samples[] one = {viaProxy};
            for (int w = 0; w < 10; w++) {
              c.acquire();
              c.release();
            }
            CountingProxy.Counts before = proxy.counts();
            iterate(List.of(c), opsCycles, one, new Samples[1], new Samples[1]);
            CountingProxy.Counts d = proxy.counts().minus(before);
            if (kind.floor()) {
              proxyFloor = viaProxy.p50();
            }
            Map<String, Double> ops = new LinkedHashMap<>();
            d.byName().forEach((name, n) -> ops.put(name, (double) n / opsCycles));
            results.add(
                new KindResult(
                    kind,
                    total[i],
                    acq[i],
                    rel[i],
                    ratios.get(i),
                    ops,
                    (double) d.writes() / opsCycles,
                    (double) d.reads() / opsCycles,
                    (double) d.notifications() / opsCycles));
          }
        }
      }
      return new Result(results, rounds, iterations, warmup, opsCycles, proxyFloor, cpuMs, wallMs);
    } finally {
      for (LockCycle c : cycles) {
        try {
          c.close();
        } catch (Exception e) {
          // best effort
        }
      }
    }
  }

  private int floorIndex() {
    for (int i = 0; i < kinds.size(); i++) {
      if (kinds.get(i).floor()) {
        return i;
      }
    }
    throw new IllegalStateException("no floor among the kinds");
  }

  /** Runs {@code n} iterations; each runs one cycle of every kind, order rotated per iteration. */
  private static void iterate(
      List<LockCycle> cycles, int n, Samples[] total, Samples[] acq, Samples[] rel)
      throws Exception {
    int k = cycles.size();
    for (int it = 0; it < n; it++) {
      for (int j = 0; j < k; j++) {
        int i = (it + j) % k;
        LockCycle c = cycles.get(i);
        long t0 = System.nanoTime();
        c.acquire();
        long t1 = System.nanoTime();
        c.release();
        long t2 = System.nanoTime();
        total[i].add(t2 - t0);
        if (acq[i] != null) {
          acq[i].add(t1 - t0);
          rel[i].add(t2 - t1);
        }
      }
    }
  }
}
