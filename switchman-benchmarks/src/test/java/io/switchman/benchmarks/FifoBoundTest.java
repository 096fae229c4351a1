/*
 * Copyright 2026 the switchman authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package io.switchman.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

/** The zero-cost strict-FIFO bound the lease goals are compared with (a computation, no timing). */
class FifoBoundTest {

  @Test
  void oneUnitEachKeepsTheWholeCapacityHeld() {
    FifoBound.Bound b = FifoBound.of(20, "1", 4, 5);
    assertThat(b.grantsPerSecond()).isCloseTo(800, within(1.0));
    assertThat(b.meanUnitsHeld()).isCloseTo(4.0, within(0.01));
    assertThat(b.atCapacityShare()).isCloseTo(1.0, within(0.01));
  }

  @Test
  void aLargeRequestAtTheHeadWaitsForHoldersToDrain() {
    // Amounts 1, 2, 1, 3 by session, capacity 4: the head needing 3 waits for the 1 and 2 ahead.
    FifoBound.Bound b = FifoBound.of(10, "1, 2, 1, 3", 4, 5);
    assertThat(b.grantsPerSecond()).isCloseTo(400, within(1.0));
    assertThat(b.meanUnitsHeld()).isCloseTo(3.4, within(0.01));
  }

  @Test
  void fewerSessionsThanTheCapacityHoldOnlyWhatTheyAre() {
    FifoBound.Bound b = FifoBound.of(2, "1", 4, 5);
    assertThat(b.grantsPerSecond()).isCloseTo(400, within(1.0));
    assertThat(b.meanUnitsHeld()).isCloseTo(2.0, within(0.01));
    assertThat(b.atCapacityShare()).isZero();
  }
}
