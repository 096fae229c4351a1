/*
 * Copyright 2026 the switchman authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package io.switchman.core;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * The arithmetic of the leader's last contact (no ZooKeeper involved; {@link FollowerCutOffTest}
 * shows it against a real ensemble). Times are plain numbers here: S = 6000, so the ping window W
 * is 1000 and the fallback S/2 is 3000.
 */
class LeaderContactTest {

  private static final long S = 6000;

  @Test
  void theCreateAloneProvesContactOnlyBackToHalfASession() {
    SafetyMonitor.LeaderContact c = new SafetyMonitor.LeaderContact(S, 10_000, 10_010);
    assertThat(c.windowNanos()).isEqualTo(1000);
    assertThat(c.boundNanos()).isEqualTo(7_000);
  }

  @Test
  void aLeaderReadProvesContactBackToTheNewestTouchAWindowBeforeIt() {
    SafetyMonitor.LeaderContact c = new SafetyMonitor.LeaderContact(S, 10_000, 10_010);
    c.touched(11_010, 11_015); // the sync's own reply: too recent to count for itself
    assertThat(c.leaderReached(11_010)).isEqualTo(10_000); // the create's touch, 1000 before
    c.touched(12_020, 12_030);
    // Too soon after the last touch (480 < W): still the touch at 11_010 at best.
    assertThat(c.leaderReached(11_500)).isEqualTo(10_000);
    assertThat(c.leaderReached(12_015)).isEqualTo(11_010);
    assertThat(c.leaderReached(13_030)).isEqualTo(12_020);
  }

  @Test
  void withoutAnEligibleTouchTheBoundIsHalfASessionBeforeTheLeaderRead() {
    SafetyMonitor.LeaderContact c = new SafetyMonitor.LeaderContact(S, 10_000, 10_010);
    c.touched(30_000, 30_010);
    assertThat(c.leaderReached(30_500)).isEqualTo(27_500); // newer than the create's touch
    assertThat(c.leaderReached(20_000)).as("never moves back").isEqualTo(27_500);
  }
}
