/*
 * Copyright 2026 the switchman authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package io.switchman.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.data.Stat;
import org.junit.jupiter.api.Test;

/**
 * {@code --pause}, {@code --resume}, {@code --abort} (issue 12): process tests on real ZooKeeper.
 */
class OperatorCliTest extends CliTestSupport {

  private static final String WHO = System.getProperty("user.name") + "@" + HOST;

  private ZooKeeper raw() throws Exception {
    return zk.getZookeeperClient().getZooKeeper();
  }

  private Cli holder(String name) {
    return start("--lockname", "job", "--", "sh", "-c", "echo $$ > " + name + "; exec sleep 60");
  }

  @Test
  void pauseSkipsJobsHereAndOnSwitchman116HostsUntilResume() throws Exception {
    Cli pause = run("--pause", "job", "--reason", "disk full on db1");
    assertThat(pause.exitCode()).as(pause.stderr()).isZero();
    assertThat(pause.stdout())
        .startsWith("Paused lock 'job' (paused by " + WHO + " since ")
        .endsWith(": disk full on db1)\n");
    assertThat(log()).contains("Paused lock 'job' (paused by " + WHO + " since ");
    Stat stat = new Stat();
    String data = new String(raw().getData(lockPath("job"), false, stat), StandardCharsets.UTF_8);
    assertThat(stat.getEphemeralOwner()).isZero();
    assertThat(data)
        .startsWith(HOST + " ")
        .contains(" paused ")
        .endsWith(" by " + System.getProperty("user.name") + ": disk full on db1");

    Cli job = run("--lockname", "job", "--busy-exit-code", "7", "--", "touch", "ran");
    assertThat(job.exitCode()).isEqualTo(7);
    assertThat(file("ran")).doesNotExist();
    assertThat(log()).contains("Skipped: lock 'job' is paused by " + WHO + " since ");

    // switchman 1.16: its ephemeral create finds the node, so it skips
    assertThatThrownBy(
            () ->
                raw()
                    .create(
                        lockPath("job"),
                        "perl 1".getBytes(StandardCharsets.UTF_8),
                        ZooDefs.Ids.OPEN_ACL_UNSAFE,
                        CreateMode.EPHEMERAL))
        .isInstanceOf(KeeperException.NodeExistsException.class);

    String status = run("--status").stdout();
    assertThat(status)
        .containsPattern(
            "(?m)^  job  PAUSED by "
                + java.util.regex.Pattern.quote(WHO)
                + "  since \\S+Z  reason disk full on db1$");
    JsonNode lock =
        new ObjectMapper().readTree(run("--status", "--json").stdout()).get("locks").get(0);
    assertThat(lock.get("paused").asBoolean()).isTrue();
    assertThat(lock.get("pause").get("who").asText()).isEqualTo(WHO);
    assertThat(lock.get("pause").get("reason").asText()).isEqualTo("disk full on db1");

    Cli resume = run("--resume", "job");
    assertThat(resume.exitCode()).as(resume.stderr()).isZero();
    assertThat(resume.stdout())
        .startsWith("Resumed lock 'job' (by " + WHO + ", it was paused by " + WHO + " since ")
        .endsWith(": disk full on db1)\n");
    assertThat(run("--lockname", "job", "--", "touch", "ran").exitCode()).isZero();
    assertThat(file("ran")).exists();
  }

  @Test
  void pauseOfARunningJobIsRefusedNamingTheHolderAndResumeNeverDeletesIt() throws Exception {
    Cli holder = holder("child");
    long child = awaitPid("child");

    Cli pause = run("--pause", "job");
    assertThat(pause.exitCode()).isEqualTo(ExitCodes.LOCK_HELD).isEqualTo(65);
    assertThat(pause.stderr())
        .contains(
            "Cannot pause lock 'job': a running job holds it (holder " + HOST + " " + holder.pid())
        .contains("); pause with abort to stop it, or with a wait to pause once it ends");

    Cli resume = run("--resume", "job");
    assertThat(resume.exitCode()).isEqualTo(65);
    assertThat(resume.stderr())
        .contains(
            "Cannot resume lock 'job': it is not paused but held by a running job (holder "
                + HOST
                + " "
                + holder.pid());
    assertThat(alive(child)).isTrue();
    assertThat(raw().exists(lockPath("job"), false).getEphemeralOwner()).isNotZero();
    signal("TERM", holder.pid());
    holder.exitCode();
  }

  @Test
  void pauseWithAbortStopsTheRunningCommandWithinASecondAndKeepsThePause() throws Exception {
    Cli holder = holder("child");
    long child = awaitPid("child");

    Cli pause = run("--pause", "job", "--abort", "--reason", "bad data");
    assertThat(pause.exitCode()).as(pause.stderr()).isZero();
    await().atMost(Duration.ofSeconds(1)).until(() -> !alive(child));
    assertThat(pause.stdout())
        .contains("aborted the running job of " + HOST + " " + holder.pid() + " (fencing token ");
    assertThat(holder.exitCode()).isEqualTo(ExitCodes.LOST);
    assertThat(holder.stderr()).contains("lost (NODE_DELETED)");
    // the holder's release left the pause node alone
    Stat stat = raw().exists(lockPath("job"), false);
    assertThat(stat).isNotNull();
    assertThat(stat.getEphemeralOwner()).isZero();
    assertThat(run("--lockname", "job", "--", "touch", "ran").exitCode()).isZero();
    assertThat(file("ran")).doesNotExist();
  }

  @Test
  void abortStopsARunningCommandWithinASecondAndTheNextRunMayTakeTheLock() throws Exception {
    Cli holder = holder("child");
    long child = awaitPid("child");

    Cli abort = run("--abort", "job", "--reason", "stuck");
    assertThat(abort.exitCode()).as(abort.stderr()).isZero();
    await().atMost(Duration.ofSeconds(1)).until(() -> !alive(child));
    assertThat(abort.stdout())
        .startsWith("Aborted the job of lock 'job' (holder " + HOST + " " + holder.pid())
        .contains(") by " + WHO + " at ")
        .endsWith(": stuck\n");
    assertThat(log()).contains("Aborted the job of lock 'job'");
    assertThat(holder.exitCode()).isEqualTo(ExitCodes.LOST);
    assertThat(holder.stderr()).contains("lost (NODE_DELETED)");
    assertThat(run("--lockname", "job", "--", "touch", "ran").exitCode()).isZero();
    assertThat(file("ran")).exists();
  }

  @Test
  void pauseWithWaitIsTakenWhenTheRunEnds() throws Exception {
    Cli holder = start(cmd("--lockname", "job", holdUntilReleased("first")));
    awaitPid("first");

    Cli pause = start("--pause", "job", "--wait", "60s", "--reason", "after this run");
    await()
        .atMost(Duration.ofSeconds(20))
        .until(
            () ->
                run("--status")
                    .stdout()
                    .contains("waiting for locks:\n  job:\n    pause  holder "));
    assertThat(pause.process().isAlive()).isTrue();

    release("first");
    assertThat(holder.exitCode()).isZero();
    assertThat(pause.exitCode()).as(pause.stderr()).isZero();
    assertThat(pause.stdout()).startsWith("Paused lock 'job' (paused by " + WHO);
    assertThat(run("--status").stdout())
        .contains("  job  PAUSED by ")
        .doesNotContain("waiting for locks:");

    Cli timedOut = run("--pause", "other", "--wait", "1s");
    assertThat(timedOut.exitCode()).isZero(); // free: paused at once
    Cli again = run("--pause", "job", "--wait", "1s");
    assertThat(again.exitCode()).isEqualTo(ExitCodes.LOCK_PAUSED).isEqualTo(67);
    assertThat(again.stderr()).contains("Cannot pause lock 'job': it is already paused by " + WHO);
  }

  @Test
  void pauseWithWaitThatRunsOutIsRefused() throws Exception {
    Cli holder = holder("child");
    awaitPid("child");
    Cli pause = run("--pause", "job", "--wait", "1s");
    assertThat(pause.exitCode()).isEqualTo(65);
    assertThat(pause.stderr())
        .contains(
            "Cannot pause lock 'job': a running job still holds it after waiting 1s (holder ");
    assertThat(run("--status").stdout()).doesNotContain("waiting for locks:");
    signal("TERM", holder.pid());
    holder.exitCode();
  }

  @Test
  void refusalsOfResumeAndAbortHaveTheirCodes() throws Exception {
    Cli resume = run("--resume", "job");
    assertThat(resume.exitCode()).isEqualTo(ExitCodes.LOCK_FREE).isEqualTo(66);
    assertThat(resume.stderr())
        .contains(
            "Cannot resume lock 'job': it is not paused (no node at " + lockPath("job") + ")");
    Cli abort = run("--abort", "job");
    assertThat(abort.exitCode()).isEqualTo(66);
    assertThat(abort.stderr())
        .contains("Cannot abort lock 'job': no job holds it (no node at " + lockPath("job") + ")");

    assertThat(run("--pause", "job").exitCode()).isZero();
    Cli abortPaused = run("--abort", "job");
    assertThat(abortPaused.exitCode()).isEqualTo(67);
    assertThat(abortPaused.stderr())
        .contains("Cannot abort lock 'job': no job runs, it is paused by " + WHO + " since ")
        .contains("; resume it instead");
    Cli pauseAgain = run("--pause", "job", "--abort");
    assertThat(pauseAgain.exitCode()).isEqualTo(67);
  }

  @Test
  void badInputIsAUsageErrorNamingTheValue() throws Exception {
    assertUsage(run("--pause", "a/b"), "Invalid lock name 'a/b'");
    assertUsage(
        run("--pause", "job", "--reason", "  "),
        "Invalid reason '  ': it is empty; give a few words saying why, or no reason at all");
    assertUsage(run("--pause", "job", "--reason"), "Option '--reason' requires a value");
    assertUsage(
        run("--abort"),
        "--abort needs a lock name (switchman --abort NAME), or goes with --pause NAME");
    assertUsage(
        run("--pause", "job", "--abort", "--wait", "5s"),
        "--pause takes --abort (stop the running job) or --wait DURATION (pause once it ends), not"
            + " both");
    assertUsage(
        run("--pause", "job", "--abort", "other"),
        "With --pause, --abort takes no lock name (switchman --pause NAME --abort), found 'other'");
    assertUsage(run("--pause", "job", "--wait", "soon"), "Invalid --wait 'soon'");
    assertUsage(
        run("--pause", "job", "--wait", "0"), "Invalid --wait '0' with --pause: must be positive");
    assertUsage(
        run("--resume", "job", "--reason", "x"), "--reason only applies to --pause and --abort");
    assertUsage(run("--resume", "job", "--wait", "5s"), "--wait only applies to a command");
    assertUsage(run("--reason", "x", "--", "true"), "--reason only applies to --pause and --abort");
    assertUsage(
        run("--pause", "job", "--resume", "job"), "--pause and --resume cannot be used together");
    assertUsage(run("--abort", "job", "--status"), "--status and --abort cannot be used together");
    assertUsage(run("--pause", "job", "--", "true"), "--pause takes no command, found 'true'");
    assertUsage(
        run("--pause", "job", "--lockname", "x"),
        "--lockname, --lease, --group and --no-lock apply to a command");
    assertThat(zk.checkExists().forPath(lockPath("job"))).isNull();
  }

  @Test
  void helpListsTheActionsAndTheirExitCodes() {
    Cli help = run("--help");
    assertThat(help.exitCode()).isZero();
    assertThat(help.stdout())
        .contains("switchman [-c PATH] --pause NAME [--reason TEXT] [--abort | --wait DURATION]")
        .contains("switchman [-c PATH] --resume NAME\n")
        .contains("switchman [-c PATH] --abort NAME [--reason TEXT]")
        .contains("  --pause=NAME ")
        .contains("  --abort[=NAME] ")
        .contains("  --reason=TEXT ")
        .contains("  65     --pause, --resume: refused, a running job holds the lock")
        .contains("  66     --resume, --abort: refused")
        .contains("  67     --pause, --abort: refused, the lock is paused already");
  }

  private static void assertUsage(Cli c, String message) {
    assertThat(c.exitCode()).as(c.stderr()).isEqualTo(ExitCodes.USAGE);
    assertThat(c.stderr()).contains(message);
  }

  static String[] cmd(Object... parts) {
    return LockCliTest.cmd(parts);
  }

  @SuppressWarnings("unused")
  private boolean exists(String name) {
    return Files.exists(file(name));
  }
}
