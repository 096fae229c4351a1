/*
 * Copyright 2026 the switchman authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package io.switchman.verification;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The proof of safety on every build: a 3-server ensemble out of process, three lock workers and
 * three lease workers (separate JVMs, each behind its own fault proxy), and at least 30 random
 * faults. Any violation fails the build with the seed that replays it.
 *
 * <p>{@code -Dsoak.minutes=N} runs for N minutes instead; {@code -Dsoak.seed=S} replays a schedule;
 * {@code -Dsoak.faults=F} changes the minimum number of faults (default 32).
 */
class SoakTest {

  static Soak.Config config(long seed, int minFaults, Duration minDuration, String name) {
    Path base = Path.of(System.getProperty("verification.dir", "target/verification"));
    return new Soak.Config(
        seed,
        3,
        200,
        2000,
        700,
        minFaults,
        minDuration,
        3,
        List.of("db=1:2", "db=1:2", "db=2:2"),
        base.resolve(name + "-" + seed));
  }

  static long seed() {
    String s = System.getProperty("soak.seed", "");
    return s.isBlank() ? ThreadLocalRandom.current().nextLong(1, 1_000_000) : Long.parseLong(s);
  }

  @Test
  @Timeout(value = 24, unit = java.util.concurrent.TimeUnit.HOURS)
  void faultsNeverBreakThePromises() throws Exception {
    long minutes = Long.getLong("soak.minutes", 0);
    int minFaults = Integer.getInteger("soak.faults", 32);
    long seed = seed();
    Soak.Config config =
        config(seed, minFaults, Duration.ofMinutes(minutes), minutes > 0 ? "soak" : "ci");
    long start = System.nanoTime();
    CheckReport report = Soak.run(config);
    long tookS = (System.nanoTime() - start) / 1_000_000_000L;
    String why =
        "seed "
            + seed
            + " (replay: -Dsoak.seed="
            + seed
            + "), took "
            + tookS
            + " s, histories in "
            + config.dir()
            + "\n"
            + report.summaryLine()
            + "\n"
            + String.join("\n", report.details());
    assertThat(report.faults()).as(why).isGreaterThanOrEqualTo(Math.min(minFaults, 30));
    assertThat(report.grants()).as(why).isGreaterThan(report.faults());
    assertThat(report.safe()).as(why).isTrue();
    if (minutes == 0) {
      assertThat(tookS).as("the bounded run must fit in 5 minutes: " + why).isLessThan(300);
    }
  }
}
