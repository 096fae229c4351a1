/*
 * Copyright 2026 the switchman authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package io.switchman.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.apache.curator.test.InstanceSpec;
import org.apache.curator.test.TestingServer;
import org.apache.zookeeper.data.Stat;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.Test;

/**
 * Holder safety of the built {@code target/switchman.jar} under faults that reach the processes
 * around the command: switchman's whole process group killed or stopped, a starved watchdog, a
 * command whose processes outlive SIGKILL, a grant lost while the command is being started. Two
 * "hosts" are two switchman processes with their own sessions contending for lock {@code j}; host
 * A's job appends timestamps ({@code date +%s%N}) to {@code a.ts}, host B's job writes its start
 * time to {@code b.start}.
 */
class HolderSafetyIT extends CliTestSupport {

  private static final Path JAR = Path.of("target", "switchman.jar").toAbsolutePath();
  private static final String A_JOB =
      "echo $$ > a.pid; while :; do date +%s%N >> a.ts; sleep 0.05; done";
  private static final String B_JOB = "date +%s%N > b.start";
  private static final Pattern LOG_LINE =
      Pattern.compile("\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d\t\\[\\d+]\t.*");

  /** {@code java -jar target/switchman.jar -c CONFIG ARGS}. */
  private List<String> jar(Path cfg, String... args) {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-XX:TieredStopAtLevel=1");
    cmd.add("-XX:+UseSerialGC");
    cmd.add("-jar");
    cmd.add(JAR.toString());
    cmd.add("-c");
    cmd.add(cfg.toString());
    cmd.addAll(List.of(args));
    return cmd;
  }

  private static List<String> prefixed(List<String> prefix, List<String> cmd) {
    List<String> all = new ArrayList<>(prefix);
    all.addAll(cmd);
    return all;
  }

  private Path fourSecondSessions() throws IOException {
    // The test server's tickTime is 200 ms: 4 s is the longest session it grants.
    return writeConfig("session_timeout", 4000, "termination_timeout", 0.5);
  }

  /** Host B: waits for lock j, then records when its job started. */
  private Cli startB(Path cfg) throws Exception {
    Cli b = launch(jar(cfg, "--lockname", "j", "--wait", "60s", "--", "sh", "-c", B_JOB), Map.of());
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                zk.checkExists().forPath(prefix + "/waiters/j") != null
                    && !zk.getChildren().forPath(prefix + "/waiters/j").isEmpty());
    return b;
  }

  /** Waits until host A's job runs and has written timestamps; returns its pid (= its pgid). */
  private long awaitJobOfA() {
    long pid = awaitPid("a.pid");
    killGroupAfterTest(pid);
    await().atMost(Duration.ofSeconds(20)).until(() -> !read(file("a.ts")).isEmpty());
    return pid;
  }

  private static long[] timestamps(Path p) {
    return read(p).lines().filter(l -> !l.isBlank()).mapToLong(Long::parseLong).toArray();
  }

  /**
   * After B's job started: A's job (process group {@code aPgid}) is gone, and its last timestamp is
   * before B's start.
   */
  private void assertAStoppedBeforeBStarted(Cli b, long aPgid) {
    assertThat(b.exitCode(Duration.ofSeconds(40))).as(b.stderr()).isZero();
    long bStart = Long.parseLong(read(file("b.start")).trim());
    try {
      await().atMost(Duration.ofSeconds(5)).until(() -> groupMembers(aPgid).isEmpty());
    } catch (ConditionTimeoutException e) {
      long[] ts = timestamps(file("a.ts"));
      long after = java.util.Arrays.stream(ts).filter(t -> t > bStart).count();
      fail(
          "host A's job (process group %d, processes %s) still runs after host B's job started:"
              + " it wrote %d timestamps after B's start, the last %d ms after it",
          aPgid, groupMembers(aPgid), after, (ts[ts.length - 1] - bStart) / 1_000_000);
    }
    long[] ts = timestamps(file("a.ts"));
    long last = ts[ts.length - 1];
    assertThat(last)
        .as(
            "host A's job wrote its last timestamp %d ms after host B's job started",
            (last - bStart) / 1_000_000)
        .isLessThan(bStart);
  }

  private static void exec(String... cmd) throws Exception {
    new ProcessBuilder(cmd)
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.DISCARD)
        .start()
        .waitFor();
  }

  @Test
  void sigkillOfSwitchmansProcessGroupStopsTheCommandBeforeAnotherHostRunsIt() throws Exception {
    Path cfg = fourSecondSessions();
    // Host A in its own process group (setsid execs java: the JVM's pid is the group's id), as
    // under a supervisor that kills the group.
    Cli a =
        launch(
            prefixed(List.of("setsid"), jar(cfg, "--lockname", "j", "--", "sh", "-c", A_JOB)),
            Map.of());
    long aJob = awaitJobOfA();
    Cli b = startB(cfg);

    exec("kill", "-KILL", "--", "-" + a.pid());

    assertAStoppedBeforeBStarted(b, aJob);
  }

  @Test
  void timeoutWithSigkillStopsTheCommandBeforeAnotherHostRunsIt() throws Exception {
    Path cfg = fourSecondSessions();
    // GNU timeout puts itself in a process group of its own and, when the time is up (SIGALRM),
    // sends the signal to its child and to that whole group, itself included. A long timeout,
    // cut short with SIGALRM once the job runs, so that a slow JVM start cannot decide the test.
    Cli a =
        launch(
            prefixed(
                List.of("timeout", "-s", "KILL", "600"),
                jar(cfg, "--lockname", "j", "--", "sh", "-c", A_JOB)),
            Map.of());
    long aJob = awaitJobOfA();
    Cli b = startB(cfg);

    exec("kill", "-ALRM", Long.toString(a.pid()));
    assertThat(a.exitCode()).isEqualTo(128 + 9);

    assertAStoppedBeforeBStarted(b, aJob);
  }

  @Test
  void sigstopOfSwitchmansProcessGroupStopsTheCommandBeforeTheSessionCanExpire() throws Exception {
    Path cfg = fourSecondSessions();
    Cli a =
        launch(
            prefixed(List.of("setsid"), jar(cfg, "--lockname", "j", "--", "sh", "-c", A_JOB)),
            Map.of());
    long aJob = awaitJobOfA();
    Cli b = startB(cfg);

    exec("kill", "-STOP", "--", "-" + a.pid());
    try {
      assertAStoppedBeforeBStarted(b, aJob);
    } finally {
      exec("kill", "-CONT", "--", "-" + a.pid());
    }
    assertThat(a.exitCode()).isEqualTo(ExitCodes.LOST);
    assertThat(a.stderr()).contains("lost");
  }

  /** The watchdog's pid: the bash process among switchman's descendants. */
  private static long watchdogOf(Cli c) {
    return await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                c.process()
                    .toHandle()
                    .descendants()
                    .filter(
                        h -> {
                          try {
                            return Files.readString(Path.of("/proc/" + h.pid() + "/cmdline"))
                                .contains("switchman-watchdog");
                          } catch (IOException e) {
                            return false;
                          }
                        })
                    .map(ProcessHandle::pid)
                    .findFirst()
                    .orElse(-1L),
            pid -> pid > 0);
  }

  /**
   * Stops the watchdog, lets switchman run on for {@code runOn}, stops switchman, and lets the
   * watchdog run again {@code pause} later; then A's job must be gone before the server expires A's
   * session (and deletes its lock node), after which another host could take the lock.
   */
  private void starveWatchdogThenPauseSwitchman(
      Path cfg, String zkhosts, Duration runOn, Duration pause) throws Exception {
    Cli a = launch(jar(cfg, "--lockname", "j", "--", "sh", "-c", A_JOB), Map.of());
    long aJob = awaitJobOfA();
    try (var own =
        org.apache.curator.framework.CuratorFrameworkFactory.newClient(
            zkhosts, new org.apache.curator.retry.RetryOneTime(100))) {
      own.start();
      long owner = own.checkExists().forPath(lockPath("j")).getEphemeralOwner();
      long watchdog = watchdogOf(a);
      signal("STOP", watchdog);
      Thread.sleep(runOn.toMillis()); // the duration of the fault, not a wait for a condition
      signal("STOP", a.pid());
      long stoppedAt = System.nanoTime();
      try {
        Thread.sleep(pause.toMillis()); // the duration of the fault
        signal("CONT", watchdog);
        await()
            .atMost(Duration.ofSeconds(30))
            .until(
                () -> {
                  Stat s = own.checkExists().forPath(lockPath("j"));
                  boolean expired = s == null || s.getEphemeralOwner() != owner;
                  List<Long> left = groupMembers(aJob);
                  assertThat(expired && !left.isEmpty())
                      .as(
                          "host A's session expired (lock node gone) while its job still ran"
                              + " (processes %s), %d ms after switchman was stopped; log:%n%s",
                          left, (System.nanoTime() - stoppedAt) / 1_000_000, log())
                      .isFalse();
                  return expired;
                });
      } finally {
        signal("CONT", a.pid());
      }
    }
    assertThat(a.exitCode()).isEqualTo(ExitCodes.LOST);
  }

  @Test
  void aWatchdogFrozenWithSwitchmanStillStopsTheCommandAtTheDeadline() throws Exception {
    // The fault: the watchdog and then switchman are frozen (SIGSTOP; a frozen cgroup or VM alike),
    // and the watchdog runs again 2.5 s later: a wait it began before it was frozen resumes with
    // the time it had left, not at the deadline.
    starveWatchdogThenPauseSwitchman(
        fourSecondSessions(), server.getConnectString(), Duration.ZERO, Duration.ofMillis(2500));
  }

  @Test
  void heartbeatsReadLateByAStarvedWatchdogDoNotExtendTheDeadline() throws Exception {
    // The fault: the watchdog gets no CPU (emulated with SIGSTOP) while switchman sends heartbeats
    // for 0.5 s; then switchman pauses, and the watchdog runs again 4 s later, before its old
    // deadline, reading heartbeats that waited in the pipe. A 10 s session (tickTime 500 ms).
    try (TestingServer own =
        new TestingServer(new InstanceSpec(null, -1, -1, -1, true, -1, 500, -1), true)) {
      Path cfg =
          writeConfig(
              "zkhosts",
              own.getConnectString(),
              "session_timeout",
              10000,
              "termination_timeout",
              0.5);
      starveWatchdogThenPauseSwitchman(
          cfg, own.getConnectString(), Duration.ofMillis(500), Duration.ofSeconds(4));
    }
  }

  @Test
  void lockIsReleasedOnlyOnceTheCommandsProcessesAreGone() throws Exception {
    Path freezer = Path.of("/sys/fs/cgroup/freezer");
    assumeTrue(
        Files.isWritable(freezer) && Files.exists(freezer.resolve("tasks")),
        "needs the cgroup v1 freezer (and root) to keep a process in uninterruptible sleep");
    clusterData("{\"groups\": {\"grp\": [\"" + HOST + "\"]}}");
    Path cfg = fourSecondSessions();
    Cli a =
        launch(
            jar(
                cfg,
                "-g",
                "grp",
                "--lockname",
                "j",
                "--",
                "sh",
                "-c",
                "sleep 600 & echo $! > a.gc; echo $$ > a.pid; wait"),
            Map.of());
    long aJob = awaitPid("a.pid");
    killGroupAfterTest(aJob);
    long gc = awaitPid("a.gc");
    // The fault: a process of the command that does not die at once on SIGKILL (a large process
    // freeing its memory, or one in uninterruptible sleep on a disk or NFS), emulated by the
    // cgroup v1 freezer: a frozen task keeps SIGKILL pending, in state D, until thawed.
    Path cg = freezer.resolve("switchman-it-" + ProcessHandle.current().pid() + "-" + gc);
    Files.createDirectory(cg);
    try {
      Files.writeString(cg.resolve("tasks"), gc + "\n");
      Files.writeString(cg.resolve("freezer.state"), "FROZEN");
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> Files.readString(cg.resolve("freezer.state")).trim().equals("FROZEN"));
      Cli b = startB(cfg);

      // Host A leaves the group: its grant is lost while its session lives on.
      clusterData("{\"groups\": {\"grp\": [\"other.example\"]}}");
      await().atMost(Duration.ofSeconds(10)).until(() -> !alive(aJob));
      assertThat(state(gc)).isEqualTo("D");
      // As long as A's job has a process, B must not run.
      await()
          .during(Duration.ofSeconds(2))
          .atMost(Duration.ofSeconds(5))
          .until(
              () -> {
                assertThat(Files.exists(file("b.start")))
                    .as(
                        "host B's job started while host A's job's process %d was alive (state"
                            + " %s, SIGKILL pending)",
                        gc, state(gc))
                    .isFalse();
                return true;
              });
      Files.writeString(cg.resolve("freezer.state"), "THAWED");
      await().atMost(Duration.ofSeconds(10)).until(() -> !alive(gc));
      assertThat(b.exitCode(Duration.ofSeconds(30))).as(b.stderr()).isZero();
      assertThat(a.exitCode()).isEqualTo(ExitCodes.LOST);
      assertThat(a.stderr()).contains("lost (LEFT_GROUP)");
    } finally {
      Files.writeString(cg.resolve("freezer.state"), "THAWED");
      await().atMost(Duration.ofSeconds(10)).until(() -> !alive(gc));
      Files.delete(cg);
    }
  }

  @Test
  void aProcessThatOutlivesSigkillLongerThanTheSessionLeavesTheLockToTheSessionsExpiry()
      throws Exception {
    Path freezer = Path.of("/sys/fs/cgroup/freezer");
    assumeTrue(
        Files.isWritable(freezer) && Files.exists(freezer.resolve("tasks")),
        "needs the cgroup v1 freezer (and root) to keep a process in uninterruptible sleep");
    clusterData("{\"groups\": {\"grp\": [\"" + HOST + "\"]}}");
    Path cfg = fourSecondSessions();
    Cli a =
        launch(
            jar(
                cfg,
                "-g",
                "grp",
                "--lockname",
                "j",
                "--",
                "sh",
                "-c",
                "sleep 600 & echo $! > a.gc; echo $$ > a.pid; wait"),
            Map.of());
    long aJob = awaitPid("a.pid");
    killGroupAfterTest(aJob);
    long gc = awaitPid("a.gc");
    long owner = zk.checkExists().forPath(lockPath("j")).getEphemeralOwner();
    Path cg = freezer.resolve("switchman-it-" + ProcessHandle.current().pid() + "-" + gc);
    Files.createDirectory(cg);
    try {
      Files.writeString(cg.resolve("tasks"), gc + "\n");
      Files.writeString(cg.resolve("freezer.state"), "FROZEN");
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> Files.readString(cg.resolve("freezer.state")).trim().equals("FROZEN"));

      clusterData("{\"groups\": {\"grp\": [\"other.example\"]}}");
      // Still frozen S after SIGKILL: A gives up waiting and exits without deleting its node.
      assertThat(a.exitCode(Duration.ofSeconds(30))).isEqualTo(ExitCodes.LOST);
      Stat s = zk.checkExists().forPath(lockPath("j"));
      assertThat(s)
          .as("A deleted its lock node while its job's process %d was alive", gc)
          .isNotNull();
      assertThat(s.getEphemeralOwner()).isEqualTo(owner);
      assertThat(alive(gc)).isTrue();
      assertThat(a.stderr())
          .contains("lost (LEFT_GROUP)")
          .contains("not releasing lock 'j'")
          .contains("pids " + gc);
      // The server deletes it when A's session expires.
      await()
          .atMost(Duration.ofSeconds(20))
          .until(() -> zk.checkExists().forPath(lockPath("j")) == null);
    } finally {
      Files.writeString(cg.resolve("freezer.state"), "THAWED");
      await().atMost(Duration.ofSeconds(10)).until(() -> !alive(gc));
      Files.delete(cg);
    }
  }

  @Test
  void aGrantLostWhileTheCommandIsBeingStartedDoesNotRunIt() throws Exception {
    config = fourSecondSessions();
    // The fault: starting the command is slow (a loaded machine), and the grant is lost meanwhile.
    // A setsid on switchman's PATH that waits, for the command only, until the test lets it go.
    Path bin = Files.createDirectories(file("slow-bin"));
    String realSetsid = null;
    for (String d : System.getenv("PATH").split(":")) {
      if (Files.isExecutable(Path.of(d, "setsid"))) {
        realSetsid = Path.of(d, "setsid").toString();
        break;
      }
    }
    assertThat(realSetsid).isNotNull();
    Path fake = bin.resolve("setsid");
    Files.writeString(
        fake,
        "#!/bin/sh\n"
            + "case \" $* \" in *\" switchman-job \"*)\n"
            + "  : > '"
            + file("spawned")
            + "'\n"
            + "  while [ ! -e '"
            + file("go")
            + "' ]; do sleep 0.01; done ;;\n"
            + "esac\n"
            + "exec "
            + realSetsid
            + " \"$@\"\n");
    fake.toFile().setExecutable(true);
    Cli a =
        launch(
            jar(config, "--lockname", "j", "--", "sh", "-c", "echo $$ > ran; sleep 60"),
            Map.of("PATH", bin + ":" + System.getenv("PATH")));
    await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(file("spawned")));

    zk.delete().forPath(lockPath("j"));
    await().atMost(Duration.ofSeconds(10)).until(() -> log().contains("lost (NODE_DELETED)"));
    Files.writeString(file("go"), "");

    assertThat(a.exitCode()).isEqualTo(ExitCodes.LOST);
    if (Files.exists(file("ran"))) {
      killGroupAfterTest(awaitPid("ran"));
    }
    assertThat(file("ran"))
        .as("the command ran on a grant lost before it started; stderr:%n%s", a.stderr())
        .doesNotExist();
    assertThat(a.stderr()).contains("Not running the command: lock 'j' was lost (NODE_DELETED)");
  }

  @Test
  void stoppingACommandWritesNothingButSwitchmansLogLinesToStderr() throws Exception {
    config = fourSecondSessions();
    // Processes come and go on the host while the watchdog looks for the rest of the group in
    // /proc (a busy host, as under cron).
    Cli churn =
        launch(
            List.of("sh", "-c", "while [ ! -e churn.stop ]; do /bin/true; /bin/true; done"),
            Map.of());
    try {
      for (int run = 1; run <= 3; run++) {
        String pidFile = "a" + run + ".pid";
        Cli a =
            launch(
                jar(
                    config,
                    "--lockname",
                    "j",
                    "--",
                    "sh",
                    "-c",
                    "echo $$ > " + pidFile + "; while :; do sleep 0.01; done"),
                Map.of());
        long aJob = awaitPid(pidFile);
        killGroupAfterTest(aJob);

        zk.delete().forPath(lockPath("j"));

        assertThat(a.exitCode()).isEqualTo(ExitCodes.LOST);
        assertThat(groupMembers(aJob)).isEmpty();
        String err = a.stderr();
        assertThat(err).contains("lost (NODE_DELETED)");
        assertThat(err.lines().filter(l -> !LOG_LINE.matcher(l).matches()).toList())
            .as("run %d: lines on stderr that are not switchman's log lines; stderr:%n%s", run, err)
            .isEmpty();
      }
    } finally {
      Files.writeString(file("churn.stop"), "");
      churn.exitCode();
    }
  }
}
