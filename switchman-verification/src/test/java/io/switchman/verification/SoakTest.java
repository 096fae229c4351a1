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
 * The proof of safety on every build: a 3-server ensemble out of process; two lock workers and two
 * lease workers on switchman-core, two lock workers and a lease worker running the {@code
 * switchman} command-line tool, and a Spring Boot service guarded by the starter's
 * {@code @SwitchmanLock} (each a separate JVM behind its own fault proxy, all on the same lock and
 * resource); and at least 30 random faults. Any violation fails the build with the seed that
 * replays it.
 *
 * <p>{@code -Dsoak.minutes=N} runs for N minutes instead; {@code -Dsoak.seed=S} replays a schedule;
 * {@code -Dsoak.faults=F} changes the minimum number of faults (default 32); {@code
 * -Dsoak.exclude=kind,kind} leaves fault kinds out (tags as in the fault-kinds line, e.g. {@code
 * swallowed-interrupt}; default none).
 */
class SoakTest {

  static Soak.Config config(
      int servers, long seed, int minFaults, Duration minDuration, String name) {
    Path base = Path.of(System.getProperty("verification.dir", "target/verification"));
    return new Soak.Config(
        seed,
        servers,
        200,
        // S = 20 ticks (the most the servers grant) and a stop budget of 900 ms (stop time 500 ms +
        // 400 ms margin) that fits S/4: a fresh session's first safety deadline, S/2 - 900 ms =
        // 1100 ms after the create, then leaves 433 ms for the first refresh (sent S/6 = 667 ms
        // after it). At S = 2 s the 500 ms that fitted left 167 ms, and a CLI run lost its grant.
        4000,
        900,
        minFaults,
        minDuration,
        2,
        List.of("db=1:2", "db=2:2"),
        cliJar(),
        2,
        List.of("db=1:2"),
        1,
        base.resolve(name + "-" + seed),
        excluded());
  }

  /** The kinds named by {@code -Dsoak.exclude} (tags, comma-separated). */
  static java.util.Set<FaultKind> excluded() {
    java.util.Set<FaultKind> out = java.util.EnumSet.noneOf(FaultKind.class);
    for (String tag : System.getProperty("soak.exclude", "").split(",")) {
      if (tag.isBlank()) {
        continue;
      }
      FaultKind k =
          java.util.Arrays.stream(FaultKind.values())
              .filter(f -> f.tag().equals(tag.trim()))
              .findFirst()
              .orElseThrow(
                  () ->
                      new IllegalArgumentException(
                          "Invalid soak.exclude '"
                              + tag.trim()
                              + "': expected fault kinds among "
                              + java.util.Arrays.stream(FaultKind.values())
                                  .map(FaultKind::tag)
                                  .toList()));
      out.add(k);
    }
    return out;
  }

  /**
   * The CLI's jar when it was built (by {@code package}); else the soak runs without CLI workers.
   */
  static Path cliJar() {
    Path jar =
        Path.of(System.getProperty("switchman.cli.jar", "../switchman-cli/target/switchman.jar"));
    if (java.nio.file.Files.isRegularFile(jar)) {
      return jar;
    }
    System.out.println("soak: no CLI workers: " + jar + " is not built (run the package phase)");
    return null;
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
        config(3, seed, minFaults, Duration.ofMinutes(minutes), minutes > 0 ? "soak" : "ci");
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
    String schedule = java.nio.file.Files.readString(config.dir().resolve("schedule.history"));
    String summary = java.nio.file.Files.readString(config.dir().resolve("summary.txt"));
    for (FaultKind kind : FaultKind.values()) {
      if ((kind.needsCli() && config.cliJar() == null) || config.excluded().contains(kind)) {
        continue;
      }
      assertThat(schedule).as("every kind of fault was injected").contains("kind=" + kind + " ");
      assertThat(summary)
          .as("the fault-kinds line counts it")
          .containsPattern("(?m)^fault kinds:.* " + kind.tag() + "=[1-9]");
    }
    assertThat(report.safe()).as(why).isTrue();
    if (minutes == 0) {
      assertThat(tookS).as("the bounded run must fit in 5 minutes: " + why).isLessThan(300);
    }
  }

  @Test
  @Timeout(value = 3, unit = java.util.concurrent.TimeUnit.MINUTES)
  void aStandaloneServerKilledAndRestartedNeverBreaksThePromisesEither() throws Exception {
    long seed = seed();
    Soak.Config config = config(1, seed, 8, Duration.ZERO, "standalone");
    CheckReport report = Soak.run(config);
    String why =
        "seed "
            + seed
            + ", histories in "
            + config.dir()
            + "\n"
            + report.summaryLine()
            + "\n"
            + String.join("\n", report.details());
    assertThat(report.faults()).as(why).isGreaterThanOrEqualTo(8);
    assertThat(report.safe()).as(why).isTrue();
  }
}
