/*
 * Copyright 2026 the switchman authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package io.switchman.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The watchdog process on its own (no ZooKeeper): the protocol switchman speaks to it, with real
 * process groups. The command starts as switchman starts it: in its own session, stopped until the
 * watchdog lets it go on.
 */
class WatchdogTest {

  @TempDir Path dir;
  private final List<Process> processes = new ArrayList<>();
  private final List<Watchdog> watchdogs = new ArrayList<>();

  @AfterEach
  void cleanUp() {
    watchdogs.forEach(Watchdog::close);
    for (Process p : processes) {
      p.toHandle().descendants().forEach(ProcessHandle::destroyForcibly);
      p.destroyForcibly();
    }
  }

  private Watchdog watchdog(long killDelayMs) throws IOException {
    Watchdog wd = Watchdog.start(killDelayMs, null);
    watchdogs.add(wd);
    return wd;
  }

  /** Starts {@code sh -c script} as switchman starts a command: own session, held stopped. */
  private Process command(String script) throws IOException {
    Process p =
        new ProcessBuilder(
                "setsid", "sh", "-c", "kill -STOP $$; exec \"$@\"", "job", "sh", "-c", script)
            .directory(dir.toFile())
            .inheritIO()
            .start();
    processes.add(p);
    return p;
  }

  /** Lets the command go, as switchman does once the grant is checked, and waits until it runs. */
  private void start(Watchdog wd, Process p) {
    assertThat(wd.processGroup(p.pid())).isTrue();
    assertThat(wd.run()).isTrue();
    await().atMost(Duration.ofSeconds(5)).until(this::ran);
  }

  private boolean ran() {
    return Files.exists(dir.resolve("ran"));
  }

  @Test
  void commandRunsOnlyOnceTheWatchdogGuardsItsProcessGroup() throws Exception {
    Watchdog wd = watchdog(500);
    wd.safeFor(10_000);
    Process p = command("echo $$ > ran; sleep 30");
    await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2)).until(() -> !ran());

    assertThat(wd.processGroup(p.pid())).isTrue();
    await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2)).until(() -> !ran());
    assertThat(wd.run()).isTrue();
    await().atMost(Duration.ofSeconds(5)).until(this::ran);
    assertThat(p.isAlive()).isTrue();
  }

  @Test
  void commandNeverRunsWhenSwitchmanDiesBeforeNamingItsGroup() throws Exception {
    Watchdog wd = watchdog(500);
    wd.safeFor(10_000);
    Process p = command("echo $$ > ran; sleep 30");
    wd.close(); // end of input without a process group: switchman died right after the start
    await()
        .during(Duration.ofMillis(700))
        .atMost(Duration.ofSeconds(2))
        .until(() -> !ran() && p.isAlive());
  }

  @Test
  void endOfInputStopsTheGroup() throws Exception {
    Watchdog wd = watchdog(500);
    wd.safeFor(10_000);
    Process p = command("sleep 30 & echo $! > grandchild; echo $$ > ran; wait");
    start(wd, p);
    await().atMost(Duration.ofSeconds(5)).until(() -> Files.exists(dir.resolve("grandchild")));
    long grandchild = Long.parseLong(Files.readString(dir.resolve("grandchild")).trim());

    wd.close(); // switchman died
    assertThat(p.waitFor()).isEqualTo(128 + 15);
    await()
        .atMost(Duration.ofSeconds(2))
        .until(() -> !CliTestSupport.alive(grandchild)); // a zombie waiting for init counts as gone
  }

  @Test
  void missingHeartbeatStopsTheGroupAtTheDeadlineNotBefore() throws Exception {
    Watchdog wd = watchdog(500);
    wd.safeFor(400);
    Process p = command("echo $$ > ran; sleep 30");
    start(wd, p);
    // Heartbeats keep it running well past the first deadline.
    long until = System.nanoTime() + Duration.ofMillis(1200).toNanos();
    while (System.nanoTime() < until) {
      wd.safeFor(400);
      assertThat(p.isAlive()).isTrue();
      Thread.sleep(100); // the heartbeat period, as switchman sends them
    }
    long t0 = System.nanoTime();
    // No more heartbeats (switchman paused): stopped at the deadline.
    assertThat(p.waitFor()).isEqualTo(128 + 15);
    assertThat(Duration.ofNanos(System.nanoTime() - t0))
        .isBetween(Duration.ofMillis(250), Duration.ofMillis(1500));
  }

  @Test
  void stopSendsSigtermThenSigkill() throws Exception {
    Watchdog wd = watchdog(5000);
    wd.safeFor(60_000);
    Process p = command("trap '' TERM; echo $$ > ran; while :; do sleep 0.05; done");
    start(wd, p);
    long t0 = System.nanoTime();
    wd.stop(400);
    assertThat(p.waitFor()).isEqualTo(128 + 9);
    assertThat(Duration.ofNanos(System.nanoTime() - t0))
        .isBetween(Duration.ofMillis(350), Duration.ofMillis(2000));
  }

  @Test
  void signalsReachTheGroup() throws Exception {
    Watchdog wd = watchdog(500);
    wd.safeFor(60_000);
    Process p =
        command("trap 'echo hup > got; exit 0' HUP; echo $$ > ran; while :; do sleep 0.05; done");
    start(wd, p);
    wd.signal("HUP");
    assertThat(p.waitFor()).isZero();
    assertThat(Files.readString(dir.resolve("got")).trim()).isEqualTo("hup");
  }

  @Test
  void commandNeverRunsWhenTheDeadlinePassedBeforeItIsLetGo() throws Exception {
    Watchdog wd = watchdog(500);
    wd.safeFor(300);
    Process p = command("echo $$ > ran; sleep 30");
    assertThat(wd.processGroup(p.pid())).isTrue();
    // No heartbeat: the deadline passes while the command waits to be let go.
    assertThat(p.waitFor()).isEqualTo(128 + 9);
    assertThat(wd.run()).isFalse();
    assertThat(ran()).isFalse();
    assertThat(wd.finish(1000).gone()).isTrue();
  }

  @Test
  void commandNeverRunsWhenTheGrantIsLostBeforeItIsLetGo() throws Exception {
    Watchdog wd = watchdog(500);
    wd.safeFor(60_000);
    Process p = command("echo $$ > ran; sleep 30");
    assertThat(wd.processGroup(p.pid())).isTrue();
    wd.stop(500); // the loss, before switchman's last check
    assertThat(wd.run()).isFalse();
    assertThat(p.waitFor()).isEqualTo(128 + 9);
    assertThat(ran()).isFalse();
  }

  @Test
  void finishReportsAStoppedGroupGoneOnlyWhenNoProcessIsLeft() throws Exception {
    Watchdog wd = watchdog(500);
    wd.safeFor(60_000);
    Process p =
        command("trap '' TERM; sleep 30 & echo $! > grandchild; echo $$ > ran; trap - TERM; wait");
    start(wd, p);
    await().atMost(Duration.ofSeconds(5)).until(() -> Files.exists(dir.resolve("grandchild")));
    long grandchild = Long.parseLong(Files.readString(dir.resolve("grandchild")).trim());
    wd.stop(300); // the leader dies on SIGTERM; the grandchild ignores it until SIGKILL
    assertThat(p.waitFor()).isEqualTo(128 + 15);
    Watchdog.Finish f = wd.finish(5000);
    assertThat(f.gone()).isTrue();
    assertThat(CliTestSupport.alive(grandchild)).isFalse();
  }

  @Test
  void finishAfterANormalExitDoesNotWait() throws Exception {
    Watchdog wd = watchdog(500);
    wd.safeFor(60_000);
    Process p = command("echo $$ > ran");
    start(wd, p);
    assertThat(p.waitFor()).isZero();
    assertThat(wd.finish(5000)).isEqualTo(new Watchdog.Finish(true, "done"));
  }
}
