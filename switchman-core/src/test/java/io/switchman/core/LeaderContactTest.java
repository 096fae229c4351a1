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

  private static SafetyMonitor.LeaderContact contact() {
    return new SafetyMonitor.LeaderContact(1, S, 0);
  }

  @Test
  void aLeaderReadWithoutAnEarlierTouchProvesContactOnlyBackToHalfASession() {
    SafetyMonitor.LeaderContact c = contact();
    assertThat(c.windowNanos()).isEqualTo(1000);
    assertThat(c.leaderReached(10_000)).isEqualTo(7_000);
  }

  @Test
  void aLeaderReadProvesContactBackToTheNewestTouchAWindowBeforeIt() {
    SafetyMonitor.LeaderContact c = contact();
    c.touched(10_000, 10_010); // the create
    c.touched(11_010, 11_015); // a refresh's sync: too recent to count for itself
    assertThat(c.leaderReached(11_010)).isEqualTo(10_000); // the create's touch, 1000 before
    c.touched(12_020, 12_030);
    // Too soon after the last touch (480 < W): still the touch at 10_000 at best.
    assertThat(c.leaderReached(11_500)).isEqualTo(10_000);
    assertThat(c.leaderReached(12_015)).isEqualTo(11_010);
    assertThat(c.leaderReached(13_030)).isEqualTo(12_020);
  }

  @Test
  void withoutAnEligibleTouchTheBoundIsHalfASessionBeforeTheLeaderRead() {
    SafetyMonitor.LeaderContact c = contact();
    c.touched(10_000, 10_010);
    c.touched(30_000, 30_010);
    assertThat(c.leaderReached(30_500)).isEqualTo(27_500); // newer than the touch at 10_000
    assertThat(c.leaderReached(20_000)).as("never moves back").isEqualTo(27_500);
  }

  @Test
  void touchesCloserThanAQuarterWindowAreKeptAsOneWithTheLaterReply() {
    SafetyMonitor.LeaderContact c = contact();
    c.touched(10_000, 10_010);
    c.touched(10_100, 10_200); // within W/4 of the last reply: merged into (10_100, 10_200)
    assertThat(c.leaderReached(11_100)).as("merged reply 10_200 is 900 before").isEqualTo(8_100);
    assertThat(c.leaderReached(11_200)).isEqualTo(10_100);
  }

  @Test
  void aKeepAliveIsDueOnlyAfterAWindowWithoutSendsOrReplies() {
    SafetyMonitor.LeaderContact c = contact();
    assertThat(c.keepAliveDue(0)).isTrue();
    c.sending(100);
    assertThat(c.keepAliveDue(600)).isFalse();
    c.touched(100, 150);
    assertThat(c.keepAliveDue(1_100)).isFalse();
    assertThat(c.keepAliveDue(1_150)).isTrue();
  }
}
