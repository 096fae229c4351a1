/*
 * Copyright 2026 the switchman authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package io.switchman.benchmarks;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * Section 5: wall time of the CLI launcher ({@code switchman -c CONF --lockname x -- true}: JVM
 * start, session, lock, command, release, session close) next to {@code flock -n FILE true}, the
 * local floor of any locking wrapper. Interleaved, one of each per iteration, after warm-up runs
 * (the first one makes the launcher's class-data sharing archive).
 */
final class CliStartupBenchmark {

  /** Where the launcher is after {@code ./mvnw -pl switchman-cli -am package}. */
  static final Path DEFAULT_LAUNCHER = Path.of("switchman-cli", "target", "switchman");

  /**
   * The outcome.
   *
   * @param launcher the launcher run
   * @param switchman wall times of the CLI
   * @param flock wall times of flock
   * @param note why nothing was measured, or null
   */
  record Result(
      String launcher,
      Samples switchman,
      Samples flock,
      Samples jvm,
      int warmups,
      boolean cds,
      @Nullable String note) {}

  private final ZooKeeperServerProcess server;
  private final Path launcher;
  private final int runs;
  private final int warmups;
  private final boolean cds;

  /**
   * @param cds whether the launcher may use its class-data sharing archive (making it takes a
   *     training run of a few seconds: the smoke run turns it off)
   */
  CliStartupBenchmark(
      ZooKeeperServerProcess server, Path launcher, int runs, int warmups, boolean cds) {
    this.server = server;
    this.launcher = launcher;
    this.runs = runs;
    this.warmups = warmups;
    this.cds = cds;
  }

  Result run(Path work) throws Exception {
    Samples sw = new Samples(runs);
    Samples fl = new Samples(runs);
    Samples jv = new Samples(runs);
    if (!Files.isExecutable(launcher) || !Files.exists(launcher.resolveSibling("switchman.jar"))) {
      return new Result(
          launcher.toString(),
          sw,
          fl,
          jv,
          warmups,
          cds,
          "not measured: no CLI launcher at "
              + launcher
              + " (build it with ./mvnw -B -q -pl switchman-cli -am package -DskipTests)");
    }
    Path conf = work.resolve("switchman.conf");
    Files.writeString(
        conf, "{\"zkhosts\": \"" + server.connectString() + "\", \"prefix\": \"/bench-cli\"}\n");
    Path lockFile = work.resolve("x");
    List<String> cli =
        List.of(launcher.toString(), "-c", conf.toString(), "--lockname", "x", "--", "true");
    List<String> flock = List.of("flock", "-n", lockFile.toString(), "true");
    // The JVM's own start with the launcher's flags: what no Java CLI can go below.
    List<String> jvm =
        List.of(
            Jvm.java(),
            "-XX:TieredStopAtLevel=1",
            "-XX:+UseSerialGC",
            "-XX:-UsePerfData",
            "-version");
    for (int i = 0; i < warmups; i++) {
      time(cli);
      time(flock);
      time(jvm);
    }
    for (int i = 0; i < runs; i++) {
      sw.add(time(cli));
      fl.add(time(flock));
      jv.add(time(jvm));
    }
    Progress.log(
        "CLI start-up: median %s ms, flock %s ms, java -version %s ms",
        Samples.ms1(sw.p50()), Samples.ms1(fl.p50()), Samples.ms1(jv.p50()));
    return new Result(launcher.toString(), sw, fl, jv, warmups, cds, null);
  }

  private long time(List<String> command) throws Exception {
    ProcessBuilder pb =
        new ProcessBuilder(command)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .redirectError(ProcessBuilder.Redirect.DISCARD);
    if (!cds) {
      pb.environment().put("SWITCHMAN_CDS", "off");
    }
    long t0 = System.nanoTime();
    Process p = pb.start();
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new IllegalStateException(command + " did not finish within 60 s");
    }
    long t = System.nanoTime() - t0;
    if (p.exitValue() != 0) {
      throw new IllegalStateException(command + " exited with " + p.exitValue());
    }
    return t;
  }
}
