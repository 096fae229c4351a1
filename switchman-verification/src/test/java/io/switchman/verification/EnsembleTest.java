/*
 * Copyright 2026 the switchman authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package io.switchman.verification;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryNTimes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The out-of-process ensemble: servers are real processes, killed, paused and restarted. */
class EnsembleTest {

  private static CuratorFramework client(String connect) throws InterruptedException {
    CuratorFramework c =
        CuratorFrameworkFactory.builder()
            .connectString(connect)
            .sessionTimeoutMs(3000)
            .connectionTimeoutMs(2000)
            .retryPolicy(new RetryNTimes(200, 100))
            .build();
    c.start();
    assertThat(c.blockUntilConnected(20, TimeUnit.SECONDS)).isTrue();
    return c;
  }

  @Test
  void threeServersSurviveLeaderKillFollowerPauseAndAWholeRestart(@TempDir Path dir)
      throws Exception {
    try (Ensemble zk = Ensemble.start(dir, 3, 200, Duration.ofSeconds(40))) {
      int leader = zk.leader();
      assertThat(leader).isBetween(0, 2);
      assertThat(zk.followers()).hasSize(2).doesNotContain(leader);
      try (CuratorFramework c = client(zk.connectString())) {
        c.create().forPath("/kept", "1".getBytes(StandardCharsets.UTF_8));

        zk.kill(leader);
        assertThat(zk.isRunning(leader)).isFalse();
        await().atMost(Duration.ofSeconds(30)).until(() -> zk.leader() >= 0);
        assertThat(zk.leader()).isNotEqualTo(leader);
        c.setData().forPath("/kept", "2".getBytes(StandardCharsets.UTF_8));
        zk.restart(leader);
        zk.awaitServing(Duration.ofSeconds(30));
        assertThat(zk.mode(leader)).isEqualTo("follower");

        int follower = zk.followers().get(0);
        zk.pause(follower);
        assertThat(zk.mode(follower)).isNull();
        zk.resume(follower);
        await().atMost(Duration.ofSeconds(30)).until(() -> zk.mode(follower) != null);

        for (int i = 0; i < 3; i++) {
          zk.kill(i);
        }
        for (int i = 0; i < 3; i++) {
          zk.restart(i);
        }
        zk.awaitServing(Duration.ofSeconds(40));
        await()
            .atMost(Duration.ofSeconds(30))
            .ignoreExceptions()
            .until(
                () -> new String(c.getData().forPath("/kept"), StandardCharsets.UTF_8).equals("2"));
      }
    }
  }

  @Test
  void quorumProxiesCutAFollowerFromTheLeaderAndTheLeaderFromBothFollowers(@TempDir Path dir)
      throws Exception {
    try (Ensemble zk =
        Ensemble.start(dir, 3, 200, Duration.ofSeconds(40), Ensemble.Options.withQuorumProxies())) {
      assertThat(zk.hasQuorumProxies()).isTrue();
      int leader = zk.leader();
      assertThat(leader).isBetween(0, 2);
      String cfg = java.nio.file.Files.readString(dir.resolve("zoo" + (leader + 1) + ".cfg"));
      // its own line is its real address; the two others point at proxies (distinct ports)
      assertThat(cfg.lines().filter(l -> l.startsWith("server."))).hasSize(3);

      int follower = zk.followers().get(0);
      zk.cut(follower, leader);
      // the follower loses the leader (syncLimit x tick) and stops serving; the quorum stays
      awaitEnsemble(
          zk, 30, "server " + (follower + 1) + " stops serving", () -> zk.mode(follower) == null);
      assertThat(zk.leader()).isEqualTo(leader);
      zk.healQuorum();
      awaitEnsemble(
          zk,
          60,
          "server " + (follower + 1) + " follows again",
          () -> "follower".equals(zk.mode(follower)));

      zk.isolate(leader);
      // the leader loses its quorum; the two followers elect one of them
      awaitEnsemble(
          zk,
          60,
          "the two servers cut from server " + (leader + 1) + " elect one of them",
          () -> {
            int now = zk.leader();
            return now >= 0 && now != leader;
          });
      zk.healQuorum();
      zk.awaitServing(Duration.ofSeconds(60));
      awaitEnsemble(
          zk,
          60,
          "server " + (leader + 1) + " rejoins as a follower",
          () -> zk.mode(leader) != null && zk.followers().size() == 2);
    }
  }

  /**
   * Waits for {@code condition}; a timeout fails with what each server is doing and the end of its
   * log. The bounds are generous: the servers are three JVMs on a loaded 2-core machine, and an
   * election that times out under load starts over.
   */
  private static void awaitEnsemble(
      Ensemble zk, int seconds, String what, java.util.concurrent.Callable<Boolean> condition) {
    try {
      await()
          .atMost(Duration.ofSeconds(seconds))
          .pollInterval(Duration.ofMillis(200))
          .until(condition);
    } catch (org.awaitility.core.ConditionTimeoutException e) {
      throw new AssertionError(
          "Expected " + what + " within " + seconds + " s; " + zk.describe(), e);
    }
  }

  @Test
  void aSingleServerRunsStandaloneAndKeepsItsDataOverAKill(@TempDir Path dir) throws Exception {
    try (Ensemble zk = Ensemble.start(dir, 1, 200, Duration.ofSeconds(30))) {
      assertThat(zk.mode(0)).isEqualTo("standalone");
      try (CuratorFramework c = client(zk.connectString())) {
        c.create().forPath("/kept", "x".getBytes(StandardCharsets.UTF_8));
        long pid = zk.process(0).pid();
        zk.kill(0);
        assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).isFalse();
        zk.restart(0);
        zk.awaitServing(Duration.ofSeconds(30));
        await()
            .atMost(Duration.ofSeconds(20))
            .ignoreExceptions()
            .until(() -> c.checkExists().forPath("/kept") != null);
      }
    }
  }
}
