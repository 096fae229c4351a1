/*
 * Copyright 2026 the switchman authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package io.switchman.verification;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;

/**
 * Reads every history of a run and counts violations of the promises: never two holders of a lock,
 * never more than a resource's capacity, fencing tokens growing with each grant, no nodes left
 * behind, every run accounted for, and no stale write accepted by the fenced store.
 *
 * <p>The evidence is the jobs' own: a run works from its {@code granted} line to its last {@code
 * heartbeat} (or {@code finished}). When the schedule paused a run's process ({@code paused} then
 * {@code resumed}), the run's evidence stamped within {@code pauseGrace} after it resumed is its
 * <em>post-pause tail</em>: a JVM that runs the job itself cannot stop before it runs again, so
 * overlaps made only by such tails are counted apart as paused overlaps. Evidence later than that
 * is ordinary: a job that kept working after the grace is an overlap like any other.
 *
 * <p>Every violation is blamed on a fault of the schedule: the last {@code fault} that began at or
 * before the violation's moment (an overlap's moment is the later run's grant; a capacity
 * violation's the start that exceeded it; a lost run's its grant; a stale write's the write). Its
 * detail names that fault ({@code n}, kind, target, how long before it began and whether it was
 * still going on), and {@link CheckReport#violationsByKind()} counts violations per fault kind
 * ({@code none} when no fault came before, {@code end-of-run} for orphan nodes).
 */
public final class Checker {

  private final Duration pauseGrace;

  /** A checker that excuses post-pause heartbeats for {@code pauseGrace} after a resume. */
  public Checker(Duration pauseGrace) {
    this.pauseGrace = pauseGrace;
  }

  /**
   * Checks a run's directory again offline and prints the summary line and the details: {@code java
   * -cp ... io.switchman.verification.Checker DIR [PAUSE_GRACE_MS]}. Orphan nodes are not searched
   * (the ensemble is gone): they count 0.
   */
  public static void main(String[] args) throws IOException {
    if (args.length < 1) {
      System.err.println("usage: Checker DIR [PAUSE_GRACE_MS]");
      System.exit(64);
    }
    long grace = args.length > 1 ? Long.parseLong(args[1]) : 700;
    CheckReport r =
        new Checker(Duration.ofMillis(grace)).check(readAll(Path.of(args[0])), List.of());
    r.details().forEach(System.out::println);
    System.out.println(r.summaryLine());
    System.exit(r.safe() ? 0 : 1);
  }

  /** Reads every {@code *.history} and {@code *.log} file under {@code dir}. */
  public static List<HistoryEvent> readAll(Path dir) throws IOException {
    List<HistoryEvent> events = new ArrayList<>();
    List<Path> files;
    try (Stream<Path> s = Files.walk(dir)) {
      files =
          s.filter(Files::isRegularFile)
              .filter(
                  p ->
                      p.getFileName().toString().endsWith(".history")
                          || p.getFileName().toString().equals("store.log"))
              .sorted()
              .toList();
    }
    for (Path f : files) {
      for (String line : Files.readAllLines(f, StandardCharsets.UTF_8)) {
        if (!line.isBlank()) {
          events.add(HistoryEvent.parse(line));
        }
      }
    }
    return events;
  }

  private record Lease(String resource, long amount, long capacity) {}

  private record Span(long start, long end) {
    boolean overlaps(Span o) {
      return start < o.end && o.start < end;
    }
  }

  private static final class Run {
    final String id;
    final String worker;
    @Nullable HistoryEvent granted;
    long token;
    @Nullable String lock;
    final List<Lease> leases = new ArrayList<>();
    final List<Long> evidence = new ArrayList<>();
    @Nullable Long ended;
    // computed
    @Nullable Span main;
    final List<Span> tails = new ArrayList<>();

    Run(String id, String worker) {
      this.id = id;
      this.worker = worker;
    }
  }

  /** Checks the events of one run, with the ephemeral nodes found after every client exited. */
  public CheckReport check(List<HistoryEvent> events, List<String> orphanNodes) {
    List<String> details = new ArrayList<>();
    Blame blame = new Blame();
    Map<String, Run> runs = new LinkedHashMap<>();
    Map<String, Run> latest = new HashMap<>();
    Map<String, List<Long>> kills = new HashMap<>();
    Map<String, List<Span>> pauses = new HashMap<>();
    Map<String, Long> pausedAt = new HashMap<>();
    List<HistoryEvent> writes = new ArrayList<>();
    List<HistoryEvent> faultEvents = new ArrayList<>();
    Map<String, Long> faultEnds = new HashMap<>();
    int faults = 0;
    List<HistoryEvent> sorted = new ArrayList<>(events);
    sorted.sort(Comparator.comparingLong(HistoryEvent::micros));
    for (HistoryEvent e : sorted) {
      if (e.type().equals("fault")) {
        faultEvents.add(e);
      } else if (e.type().equals("fault-end")) {
        faultEnds.put(e.require("n"), e.micros());
      }
    }
    blame.faults = faultEvents;
    blame.ends = faultEnds;
    int unguarded = 0;
    for (HistoryEvent e : sorted) {
      switch (e.type()) {
        case "fault" -> faults++;
        // killed by the schedule, or exited on its own (the starter halting a stuck JVM): either
        // way a run it held cannot end with a line of its own
        case "killed", "exited" ->
            kills.computeIfAbsent(e.require("worker"), k -> new ArrayList<>()).add(e.micros());
        case "paused" -> pausedAt.put(e.require("worker"), e.micros());
        case "resumed" -> {
          Long at = pausedAt.remove(e.require("worker"));
          if (at != null) {
            pauses
                .computeIfAbsent(e.require("worker"), k -> new ArrayList<>())
                .add(new Span(at, e.micros()));
          }
        }
        case "write" -> writes.add(e);
        case "granted" -> {
          // A run id may come back (a pid reused by a later process of the same worker): runs of
          // one worker follow each other, so events belong to the latest run granted under it.
          String id = e.require("run");
          Run was = runs.get(id);
          String key = id;
          for (int n = 2; was != null && was.granted != null; n++) {
            key = id + "#" + n;
            was = runs.get(key);
          }
          Run r = new Run(key, e.source());
          runs.put(key, r);
          latest.put(id, r);
          r.granted = e;
          r.token = Long.parseLong(e.require("token"));
          r.lock = e.get("lock");
          String leases = e.get("leases");
          if (leases != null) {
            for (String l : leases.split(",")) {
              String[] p = l.split(":");
              r.leases.add(
                  new Lease(
                      String.join(":", java.util.Arrays.copyOf(p, p.length - 2)),
                      Long.parseLong(p[p.length - 2]),
                      Long.parseLong(p[p.length - 1])));
            }
          }
          r.evidence.add(e.micros());
        }
        case "heartbeat", "finished", "stopped" -> {
          Run r = latest.get(e.require("run"));
          if (r == null) {
            if (!e.type().equals("stopped")) {
              unguarded++;
              details.add(
                  "unguarded work: "
                      + e.format()
                      + " (no granted line for its run)"
                      + blame.at(e.micros(), List.of(e.source())));
            }
            continue;
          }
          if (!e.type().equals("stopped")) {
            r.evidence.add(e.micros());
          }
          if (!e.type().equals("heartbeat") && r.ended == null) {
            r.ended = e.micros();
          }
        }
        default -> {
          // other lines (worker started, errors) are context only
        }
      }
    }
    // A pause still open when the history ends lasts until its end.
    long endOfTime = sorted.isEmpty() ? 0 : sorted.get(sorted.size() - 1).micros() + 1;
    pausedAt.forEach(
        (w, at) -> pauses.computeIfAbsent(w, k -> new ArrayList<>()).add(new Span(at, endOfTime)));

    long grace = pauseGrace.toNanos() / 1000;
    for (Run r : runs.values()) {
      long start = r.granted == null ? 0 : r.granted.micros();
      long mainEnd = start;
      Map<Long, Long> tailEnd = new TreeMap<>();
      List<Span> ps = pauses.getOrDefault(r.worker, List.of());
      for (long t : r.evidence) {
        Span tailOf = null;
        for (Span p : ps) {
          if (p.start >= start && t >= p.end && t <= p.end + grace) {
            tailOf = p;
          }
        }
        if (tailOf == null) {
          mainEnd = Math.max(mainEnd, t);
        } else {
          tailEnd.merge(tailOf.end, t, Math::max);
        }
      }
      r.main = new Span(start, mainEnd);
      tailEnd.forEach((from, to) -> r.tails.add(new Span(from, to)));
    }

    // Overlaps per lock.
    int overlaps = unguarded;
    int paused = 0;
    Map<String, List<Run>> byLock = new TreeMap<>();
    for (Run r : runs.values()) {
      if (r.lock != null) {
        byLock.computeIfAbsent(r.lock, k -> new ArrayList<>()).add(r);
      }
    }
    int tokenOrder = 0;
    for (var entry : byLock.entrySet()) {
      List<Run> rs = entry.getValue();
      rs.sort(Comparator.comparingLong(r -> r.main.start));
      for (int i = 0; i < rs.size(); i++) {
        Run a = rs.get(i);
        for (int j = i + 1; j < rs.size(); j++) {
          Run b = rs.get(j);
          if (b.main.start > a.main.end && a.tails.isEmpty()) {
            break;
          }
          if (a.main.overlaps(b.main)) {
            overlaps++;
            details.add(
                String.format(
                        "overlap on lock %s: run %s (token %d) worked %s while run %s (token %d)"
                            + " worked %s",
                        entry.getKey(), a.id, a.token, a.main, b.id, b.token, b.main)
                    + blame.at(Math.max(a.main.start, b.main.start), List.of(a.worker, b.worker)));
          } else if (anyOverlap(a, b)) {
            paused++;
            details.add(
                String.format(
                    "paused overlap on lock %s: runs %s and %s (a paused process resumed)",
                    entry.getKey(), a.id, b.id));
          }
        }
        if (i > 0 && a.token <= rs.get(i - 1).token) {
          tokenOrder++;
          details.add(
              String.format(
                      "token order on lock %s: run %s granted token %d after run %s had token %d",
                      entry.getKey(), a.id, a.token, rs.get(i - 1).id, rs.get(i - 1).token)
                  + blame.at(a.main.start, List.of(a.worker, rs.get(i - 1).worker)));
        }
      }
    }

    // Capacity per resource; owners: the worker of each interval (its index in the 5th slot).
    List<String> owners = new ArrayList<>();
    int capacity = 0;
    Map<String, List<long[]>> mainByRes = new TreeMap<>();
    Map<String, List<long[]>> allByRes = new TreeMap<>();
    for (Run r : runs.values()) {
      for (Lease l : r.leases) {
        long[] m = {r.main.start, r.main.end, l.amount(), l.capacity(), owner(owners, r.worker)};
        mainByRes.computeIfAbsent(l.resource(), k -> new ArrayList<>()).add(m);
        allByRes.computeIfAbsent(l.resource(), k -> new ArrayList<>()).add(m);
        for (Span t : r.tails) {
          allByRes
              .computeIfAbsent(l.resource(), k -> new ArrayList<>())
              .add(new long[] {t.start, t.end, l.amount(), l.capacity(), owner(owners, r.worker)});
        }
      }
    }
    for (var entry : mainByRes.entrySet()) {
      int excess = excesses(entry.getKey(), entry.getValue(), details, "", blame, owners);
      capacity += excess;
      int withTails =
          excesses(
              entry.getKey(),
              allByRes.get(entry.getKey()),
              new ArrayList<>(),
              "paused ",
              null,
              owners);
      if (withTails > excess) {
        paused += withTails - excess;
        details.add(
            "paused capacity excess on resource "
                + entry.getKey()
                + ": "
                + (withTails - excess)
                + " (a paused process resumed)");
      }
    }

    // Lost runs.
    int lost = 0;
    for (Run r : runs.values()) {
      if (r.granted == null || r.ended != null) {
        continue;
      }
      long start = r.granted.micros();
      boolean killed = kills.getOrDefault(r.worker, List.of()).stream().anyMatch(k -> k >= start);
      if (!killed) {
        lost++;
        details.add(
            "lost run "
                + r.id
                + " of "
                + r.worker
                + ": granted at "
                + start
                + ", never finished, stopped or killed"
                + blame.at(start, List.of(r.worker)));
      }
    }

    // Stale writes accepted by the fenced store.
    int stale = 0;
    Map<String, Long> highest = new HashMap<>();
    Map<String, String> runOfHighest = new HashMap<>();
    for (HistoryEvent w : writes) {
      if (!Boolean.parseBoolean(w.require("accepted"))) {
        continue;
      }
      String key = w.require("key");
      long token = Long.parseLong(w.require("token"));
      String run = w.require("run");
      Long h = highest.get(key);
      if (h != null && (token < h || (token == h && !run.equals(runOfHighest.get(key))))) {
        stale++;
        details.add(
            String.format(
                    "stale write accepted on %s: run %s with token %d after run %s with token %d",
                    key, run, token, runOfHighest.get(key), h)
                + blame.at(
                    w.micros(),
                    List.of(
                        run.split("-")[0], String.valueOf(runOfHighest.get(key)).split("-")[0])));
        continue;
      }
      highest.put(key, token);
      runOfHighest.put(key, run);
    }

    for (String o : orphanNodes) {
      details.add("orphan node " + o + " (found at the end of the run; blamed on kind end-of-run)");
      blame.byKind.merge("end-of-run", 1, Integer::sum);
    }
    return new CheckReport(
        faults,
        (int) runs.values().stream().filter(r -> r.granted != null).count(),
        overlaps,
        capacity,
        tokenOrder,
        orphanNodes.size(),
        lost,
        stale,
        paused,
        details,
        blame.byKind);
  }

  private static long owner(List<String> owners, String worker) {
    int i = owners.indexOf(worker);
    if (i < 0) {
      owners.add(worker);
      i = owners.size() - 1;
    }
    return i;
  }

  /** Blames violations on the schedule's faults and counts them per kind. */
  private static final class Blame {
    List<HistoryEvent> faults = List.of();
    Map<String, Long> ends = Map.of();
    final Map<String, Integer> byKind = new TreeMap<>();

    /**
     * The text appended to the detail of a violation at {@code micros} by the runs of {@code
     * workers}; counts it. The fault blamed is the last one that began at or before it and names
     * one of those workers in its target, among the faults of the last 30 s; else the last fault
     * that began before it.
     */
    String at(long micros, List<String> workers) {
      HistoryEvent last = null;
      HistoryEvent named = null;
      for (HistoryEvent f : faults) {
        if (f.micros() > micros) {
          break;
        }
        last = f;
        if (micros - f.micros() <= 30_000_000L && names(f.get("target"), workers)) {
          named = f;
        }
      }
      if (last == null) {
        byKind.merge("none", 1, Integer::sum);
        return " [no fault before it]";
      }
      HistoryEvent blamed = named != null ? named : last;
      String text = describe(blamed, micros);
      if (blamed != last) {
        text += "; the last fault before it: n=" + last.require("n") + " " + tagOf(last);
      }
      byKind.merge(tagOf(blamed), 1, Integer::sum);
      return " [" + text + "]";
    }

    private static boolean names(@Nullable String target, List<String> workers) {
      if (target == null) {
        return false;
      }
      for (String word : target.split("[^A-Za-z0-9]+")) {
        if (workers.contains(word)) {
          return true;
        }
      }
      return false;
    }

    private static String tagOf(HistoryEvent fault) {
      String kind = fault.require("kind");
      try {
        return FaultKind.valueOf(kind).tag();
      } catch (IllegalArgumentException e) {
        return kind.toLowerCase(java.util.Locale.ROOT).replace('_', '-');
      }
    }

    private String describe(HistoryEvent last, long micros) {
      String tag = tagOf(last);
      Long end = ends.get(last.require("n"));
      String when =
          end == null || end > micros
              ? "still going on"
              : "ended " + (micros - end) / 1000 + " ms before";
      return String.format(
          "fault n=%s kind=%s target=%s began %d ms before, %s",
          last.require("n"), tag, last.get("target"), (micros - last.micros()) / 1000, when);
    }
  }

  private static boolean anyOverlap(Run a, Run b) {
    List<Span> as = new ArrayList<>(a.tails);
    as.add(a.main);
    List<Span> bs = new ArrayList<>(b.tails);
    bs.add(b.main);
    for (Span x : as) {
      for (Span y : bs) {
        if (x.overlaps(y)) {
          return true;
        }
      }
    }
    return false;
  }

  /** Sweeps {start, end, amount, capacity} intervals; counts starts that exceed the capacity. */
  private static int excesses(
      String resource,
      List<long[]> intervals,
      List<String> details,
      String what,
      @Nullable Blame blame,
      List<String> owners) {
    List<long[]> points = new ArrayList<>(); // {time, kind(0 end, 1 start), amount, capacity}
    for (long[] i : intervals) {
      points.add(new long[] {i[0], 1, i[2], i[3], i[4]});
      points.add(new long[] {i[1], 0, i[2], i[3], i[4]});
    }
    points.sort(Comparator.<long[]>comparingLong(p -> p[0]).thenComparingLong(p -> p[1]));
    long sum = 0;
    int count = 0;
    Map<Long, Integer> holding = new HashMap<>(); // owner index -> intervals open
    for (long[] p : points) {
      if (p[1] == 0) {
        sum -= p[2];
        holding.merge(p[4], -1, Integer::sum);
      } else {
        sum += p[2];
        holding.merge(p[4], 1, Integer::sum);
        if (sum > p[3]) {
          count++;
          details.add(
              String.format(
                      "%scapacity violation on resource %s at %d: %d units held, capacity %d",
                      what, resource, p[0], sum, p[3])
                  + (blame == null
                      ? ""
                      : blame.at(
                          p[0],
                          holding.entrySet().stream()
                              .filter(h -> h.getValue() > 0)
                              .map(h -> owners.get(h.getKey().intValue()))
                              .toList())));
        }
      }
    }
    return count;
  }
}
