/*
 * Copyright 2026 the switchman authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package io.switchman.benchmarks;

import java.util.ArrayDeque;
import java.util.PriorityQueue;

/**
 * The most any strict-FIFO lease protocol can give in the benchmark's loop, computed by simulating
 * one at zero cost: a grant the instant the head's amount fits, a release and a new join the
 * instant the hold ends. Sessions hold {@code amounts[i % amounts.length]} units. The measured
 * protocols pay round trips on top; their grants/s are compared with this bound, which no protocol
 * can pass while the queue is served in order.
 */
final class FifoBound {

  /** Grants per second and mean units held of the zero-cost strict-FIFO protocol. */
  record Bound(double grantsPerSecond, double meanUnitsHeld, double atCapacityShare) {}

  private record Release(double at, int session) {}

  private FifoBound() {}

  static Bound of(int sessions, String amounts, int capacity, double holdMs) {
    String[] parts = amounts.split(",\\s*");
    int[] values = new int[parts.length];
    for (int i = 0; i < parts.length; i++) {
      values[i] = Integer.parseInt(parts[i].trim());
    }
    return of(sessions, values, capacity, holdMs);
  }

  static Bound of(int sessions, int[] amounts, int capacity, double holdMs) {
    return new Run(sessions, amounts, capacity).simulate(holdMs);
  }

  /** One simulation's state: the queue, the holders, the clock and what it has summed. */
  private static final class Run {
    private final int[] amounts;
    private final int capacity;
    private final ArrayDeque<Integer> queue = new ArrayDeque<>();
    private final PriorityQueue<Release> held =
        new PriorityQueue<>((a, b) -> Double.compare(a.at(), b.at()));
    private final int target;
    private double now;
    private double last;
    private double area;
    private double full;
    private int used;

    Run(int sessions, int[] amounts, int capacity) {
      this.amounts = amounts;
      this.capacity = capacity;
      this.target = Math.max(20_000, sessions * 20);
      for (int i = 0; i < sessions; i++) {
        queue.add(i);
      }
    }

    Bound simulate(double holdMs) {
      int grants = 0;
      while (grants < target) {
        while (queue.isEmpty()) {
          releaseNext();
        }
        int head = queue.peekFirst();
        int amount = amounts[head % amounts.length];
        while (used + amount > capacity) {
          releaseNext();
        }
        advanceTo(now);
        queue.removeFirst();
        used += amount;
        held.add(new Release(now + holdMs, head));
        grants++;
      }
      return new Bound(grants * 1000.0 / now, area / now, full / now);
    }

    /** The earliest holder releases; it joins the queue again at once. */
    private void releaseNext() {
      Release r = held.remove();
      advanceTo(Math.max(now, r.at()));
      used -= amounts[r.session() % amounts.length];
      queue.addLast(r.session());
    }

    private void advanceTo(double t) {
      area += used * (t - last);
      full += used == capacity ? t - last : 0;
      last = t;
      now = t;
    }
  }
}
