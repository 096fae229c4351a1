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

  @Test
  void onASingleServerALeaderReadProvesContactAtItsSendTime() {
    SafetyMonitor.LeaderContact c = contact();
    assertThat(c.modeKnown()).isFalse();
    assertThat(c.singleServer()).as("unknown is not single").isFalse();
    c.modeRead(true, c.connectionGeneration());
    assertThat(c.singleServer()).isTrue();
    assertThat(c.leaderReached(10_000)).as("no fallback, no touch needed").isEqualTo(10_000);
    assertThat(c.leaderReached(9_000)).as("never moves back").isEqualTo(10_000);
    assertThat(c.leaderReached(11_000)).isEqualTo(11_000);
    assertThat(c.keepAliveDue(50_000)).as("nothing to keep touched").isFalse();
  }

  @Test
  void aSingleServerHoldsForOneConnectionOnly() {
    SafetyMonitor.LeaderContact c = contact();
    c.modeRead(true, c.connectionGeneration());
    c.process(
        new org.apache.zookeeper.WatchedEvent(
            org.apache.zookeeper.Watcher.Event.EventType.None,
            org.apache.zookeeper.Watcher.Event.KeeperState.Disconnected,
            null));
    assertThat(c.modeKnown()).as("a disconnect forgets it").isFalse();
    // After the disconnect the rule of several servers applies until the next read.
    assertThat(c.leaderReached(10_000)).isEqualTo(7_000);
    // A read that started before a connection event is dropped.
    long before = c.connectionGeneration();
    c.connectionChanged();
    c.modeRead(true, before);
    assertThat(c.modeKnown()).isFalse();
    c.modeRead(null, c.connectionGeneration());
    assertThat(c.modeKnown()).as("a failed read is read again next time").isFalse();
    c.modeRead(false, c.connectionGeneration());
    assertThat(c.modeKnown()).isTrue();
    assertThat(c.singleServer()).isFalse();
  }

  @Test
  void theEnsembleConfigurationTellsASingleServerFromAQuorum() {
    assertThat(SafetyMonitor.singleServer(""))
        .as("a standalone server's /zookeeper/config")
        .isTrue();
    assertThat(
            SafetyMonitor.singleServer("server.1=127.0.0.1:2888:3888:participant;2181\nversion=0"))
        .as("a quorum of one")
        .isTrue();
    assertThat(SafetyMonitor.singleServer("version=0")).as("an unknown shape").isFalse();
    assertThat(
            SafetyMonitor.singleServer(
                "server.1=127.0.0.1:44627:40887:participant;127.0.0.1:43097\n"
                    + "server.2=127.0.0.1:35715:33139:participant;127.0.0.1:39349\n"
                    + "server.3=127.0.0.1:37501:35161:participant;127.0.0.1:34835\n"
                    + "version=0"))
        .as("three servers")
        .isFalse();
    assertThat(
            SafetyMonitor.singleServer(
                "server.1=127.0.0.1:1:2:participant;3\nserver.2=127.0.0.1:4:5:observer;6\nversion=1"))
        .as("one voter and an observer: a client of the observer is a follower's client")
        .isFalse();
    assertThat(SafetyMonitor.singleServer("server.2=127.0.0.1:4:5:observer;6\nversion=1"))
        .as("an observer alone")
        .isFalse();
  }
}
