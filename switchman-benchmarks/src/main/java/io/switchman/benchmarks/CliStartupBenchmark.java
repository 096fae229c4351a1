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
 * (the first one makes the launcher's class-data sharing archive). When a Java 25 JDK is found
 * (system property {@code switchman.bench.java25}, default {@code
 * /usr/lib/jvm/temurin-25-jdk-amd64}) and caches are on, the launcher also runs on it, with its
 * ahead-of-time cache, in the same rounds. CPU time (user + system) of each run is read from this
 * JVM's reaped-children counters ({@code /proc/self/stat}, 10 ms resolution).
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
   * @param jvm wall times of {@code java -version} with the launcher's flags
   * @param cpu CPU times (user + system) of the CLI runs
   * @param aot wall times of the CLI on Java 25 with its ahead-of-time cache, or null
   * @param aotCpu CPU times of those runs, or null
   * @param java25 the Java 25 home used, or null
   * @param note why nothing was measured, or null
   */
  record Result(
      String launcher,
      Samples switchman,
      Samples flock,
      Samples jvm,
      Samples cpu,
      @Nullable Samples aot,
      @Nullable Samples aotCpu,
      @Nullable String java25,
      int warmups,
      boolean cds,
      @Nullable String note) {}

  /** The Java 25 home for the ahead-of-time cache variant, if there is one. */
  static @Nullable Path java25() {
    Path home =
        Path.of(System.getProperty("switchman.bench.java25", "/usr/lib/jvm/temurin-25-jdk-amd64"));
    return Files.isExecutable(home.resolve("bin").resolve("java")) ? home : null;
  }

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
    Samples cpu = new Samples(runs);
    Path java25 = cds ? java25() : null;
    Samples aot = java25 != null ? new Samples(runs) : null;
    Samples aotCpu = java25 != null ? new Samples(runs) : null;
    if (!Files.isExecutable(launcher) || !Files.exists(launcher.resolveSibling("switchman.jar"))) {
      return new Result(
          launcher.toString(),
          sw,
          fl,
          jv,
          cpu,
          null,
          null,
          null,
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
    long[] cpuNanos = new long[1];
    for (int i = 0; i < warmups; i++) {
      time(cli, null, cpuNanos);
      if (java25 != null) {
        time(cli, java25, cpuNanos);
      }
      time(flock, null, cpuNanos);
      time(jvm, null, cpuNanos);
    }
    for (int i = 0; i < runs; i++) {
      sw.add(time(cli, null, cpuNanos));
      cpu.add(cpuNanos[0]);
      if (aot != null && aotCpu != null) {
        aot.add(time(cli, java25, cpuNanos));
        aotCpu.add(cpuNanos[0]);
      }
      fl.add(time(flock, null, cpuNanos));
      jv.add(time(jvm, null, cpuNanos));
    }
    Progress.log(
        "CLI start-up: median %s ms (CPU %s ms), Java 25 + AOT %s ms, flock %s ms, java -version %s"
            + " ms",
        Samples.ms1(sw.p50()),
        Samples.ms1(cpu.p50()),
        aot != null ? Samples.ms1(aot.p50()) : "-",
        Samples.ms1(fl.p50()),
        Samples.ms1(jv.p50()));
    return new Result(
        launcher.toString(),
        sw,
        fl,
        jv,
        cpu,
        aot,
        aotCpu,
        java25 != null ? java25.toString() : null,
        warmups,
        cds,
        null);
  }

  /** CPU time of this JVM's reaped children (user + system), from {@code /proc/self/stat}. */
  private static long childrenCpuNanos() {
    try {
      String stat = Files.readString(Path.of("/proc/self/stat"));
      String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      // fields 16 and 17 of stat(5) (cutime, cstime) are 13 and 14 after the command name
      long ticks = Long.parseLong(f[13]) + Long.parseLong(f[14]);
      return ticks * 10_000_000L;
    } catch (java.io.IOException | RuntimeException e) {
      return 0;
    }
  }

  private long time(List<String> command, @Nullable Path javaHome, long[] cpuNanos)
      throws Exception {
    ProcessBuilder pb =
        new ProcessBuilder(command)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .redirectError(ProcessBuilder.Redirect.DISCARD);
    if (!cds) {
      pb.environment().put("SWITCHMAN_CDS", "off");
    }
    if (javaHome != null) {
      pb.environment().put("JAVA_HOME", javaHome.toString());
    }
    long cpu0 = childrenCpuNanos();
    long t0 = System.nanoTime();
    Process p = pb.start();
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new IllegalStateException(command + " did not finish within 60 s");
    }
    long t = System.nanoTime() - t0;
    cpuNanos[0] = childrenCpuNanos() - cpu0;
    if (p.exitValue() != 0) {
      throw new IllegalStateException(command + " exited with " + p.exitValue());
    }
    return t;
  }
}
