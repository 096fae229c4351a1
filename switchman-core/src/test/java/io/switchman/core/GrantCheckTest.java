/*
 * Copyright 2026 the switchman authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package io.switchman.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

/**
 * Issue 10, item 8: a job must not start on a grant already lost. The adapters ask the grant right
 * before running; the answer must be true only while the safety deadline has not passed, whether or
 * not the safety monitor has got round to declaring the loss (a slow or descheduled thread).
 */
class GrantCheckTest extends EngineTestBase {

  @Test
  void aGrantPastItsSafetyDeadlineIsNotHeldEvenBeforeTheMonitorNoticed() throws Exception {
    SwitchmanEngine engine = engine("host-a");
    Grant g = engine.acquire(lock("job")).grant();
    g.ensureHeld(); // held: no exception

    // The safety monitor is descheduled: its thread runs nothing until released.
    CountDownLatch monitorBlocked = new CountDownLatch(1);
    CountDownLatch releaseMonitor = new CountDownLatch(1);
    engine
        .monitorScheduler()
        .execute(
            () -> {
              monitorBlocked.countDown();
              OrphanSweepRaceTest.awaitQuietly(releaseMonitor);
            });
    try {
      assertThat(monitorBlocked.await(10, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
      // The connection stays healthy: only the monitor's refreshes are missing.
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> System.nanoTime() - g.safeUntilNanos() > 0);
      assertThat(g.isHeld()).as("isHeld() after the safety deadline passed").isFalse();
      assertThat(g.lossReason()).contains(LossReason.SAFETY_DEADLINE);
      assertThatThrownBy(g::ensureHeld)
          .isInstanceOfSatisfying(
              SwitchmanException.class,
              e -> assertThat(e.kind()).isEqualTo(SwitchmanException.Kind.GRANT_LOST))
          .hasMessage(
              "Grant 'job' (fencing token "
                  + g.fencingToken()
                  + ") is no longer held: SAFETY_DEADLINE; the job must not run");
    } finally {
      releaseMonitor.countDown();
    }
  }

  @Test
  void aReleasedGrantIsNotHeld() throws Exception {
    Grant g = engine("host-a").acquire(lock("job")).grant();
    g.release();
    assertThat(g.isHeld()).isFalse();
    assertThatThrownBy(g::ensureHeld)
        .isInstanceOf(SwitchmanException.class)
        .hasMessage(
            "Grant 'job' (fencing token "
                + g.fencingToken()
                + ") is no longer held: it was released; the job must not run");
  }
}
