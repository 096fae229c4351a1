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
    ArrayDeque<Integer> queue = new ArrayDeque<>();
    for (int i = 0; i < sessions; i++) {
      queue.add(i);
    }
    PriorityQueue<Release> held = new PriorityQueue<>((a, b) -> Double.compare(a.at(), b.at()));
    double now = 0;
    double last = 0;
    double area = 0;
    double full = 0;
    int used = 0;
    int grants = 0;
    int target = Math.max(20_000, sessions * 20);
    while (grants < target) {
      while (queue.isEmpty()) {
        Release r = held.remove();
        area += used * (r.at() - last);
        full += used == capacity ? r.at() - last : 0;
        last = r.at();
        now = Math.max(now, r.at());
        used -= amounts[r.session() % amounts.length];
        queue.addLast(r.session());
      }
      int head = queue.peekFirst();
      int amount = amounts[head % amounts.length];
      while (used + amount > capacity) {
        Release r = held.remove();
        area += used * (r.at() - last);
        full += used == capacity ? r.at() - last : 0;
        last = r.at();
        now = Math.max(now, r.at());
        used -= amounts[r.session() % amounts.length];
        queue.addLast(r.session());
      }
      area += used * (now - last);
      full += used == capacity ? now - last : 0;
      last = now;
      queue.removeFirst();
      used += amount;
      held.add(new Release(now + holdMs, head));
      grants++;
    }
    return new Bound(grants * 1000.0 / now, area / now, full / now);
  }
}
