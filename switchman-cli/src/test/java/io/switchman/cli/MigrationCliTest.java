/*
 * Copyright 2026 the switchman authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package io.switchman.cli;

import static io.switchman.cli.LockCliTest.cmd;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A crontab written for switchman 1.16 runs unchanged (issue 14): the host's name, group-only jobs,
 * Getopt::Long's option forms, silence on standard error, the config keys switchman accepts, and a
 * quick failure when no server listens. Each case runs the tool as a process against a real server.
 */
class MigrationCliTest extends CliTestSupport {

  /**
   * The name switchman 1.16 gives this host: {@code Net::Domain::hostfqdn()}, asked of Perl itself
   * (Net::Domain is part of every Perl).
   */
  private static String switchman116Fqdn() throws Exception {
    Process p;
    try {
      p =
          new ProcessBuilder("perl", "-MNet::Domain=hostfqdn", "-e", "print hostfqdn()")
              .redirectErrorStream(true)
              .start();
    } catch (IOException e) {
      assumeThat(false).as("perl is installed: " + e).isTrue();
      throw e;
    }
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
    assumeThat(p.waitFor(20, TimeUnit.SECONDS) && p.exitValue() == 0 && !out.isEmpty())
        .as("Net::Domain names this host: " + out)
        .isTrue();
    return out;
  }

  @Test
  void hostIsNamedAsSwitchman116NamesIt() throws Exception {
    String fqdn = switchman116Fqdn();
    config = writeConfig("fqdn", "");
    clusterData(
        "{\"groups\": {\"here\": [\"" + fqdn + "\"]}, \"resources\": [\"FQDN_cpu\", \"other\"]}");

    Cli grouped = run("-g", "here", "touch", "ran");
    assertThat(grouped.exitCode()).as(grouped.stderr()).isZero();
    assertThat(file("ran")).as("a -g job of a host in the group runs").exists();

    Cli holder =
        start(cmd("--lease", "FQDN_cpu=1:4", "--lockname", "job", holdUntilReleased("held")));
    awaitPid("held");
    String data = new String(zk.getData().forPath(lockPath("job")), StandardCharsets.UTF_8);
    assertThat(data).isEqualTo(fqdn + " " + holder.pid());
    assertThat(zk.getChildren().forPath(prefix + "/semaphores/" + fqdn + "_cpu/leases"))
        .singleElement()
        .asString()
        .startsWith("1_4_");
    release("held");
    assertThat(holder.exitCode()).as(holder.stderr()).isZero();
  }

  @Test
  void noLockWithoutLeaseRunsJobsGuardedByTheGroupOnly() throws Exception {
    clusterData("{\"groups\": {\"web\": [\"" + HOST + "\"], \"db\": [\"db1.example\"]}}");

    Cli plain = run("--no-lock", "touch", "plain");
    assertThat(plain.exitCode()).as(plain.stderr()).isZero();
    assertThat(file("plain")).exists();
    assertThat(plain.stderr()).isEmpty();

    Cli outside = run("--no-lock", "-g", "db", "touch", "outside");
    assertThat(outside.exitCode()).isZero();
    assertThat(file("outside")).doesNotExist();
    assertThat(log()).contains("is not in group 'db'");

    Cli inside = start(cmd("--no-lock", "-g", "web", "--lockname", "job", holdUntilReleased("in")));
    long child = awaitPid("in");
    assertThat(zk.checkExists().forPath(lockPath("job"))).as("no lock node").isNull();
    clusterData("{\"groups\": {\"web\": [\"web9.example\"], \"db\": [\"db1.example\"]}}");
    assertThat(inside.exitCode()).isEqualTo(ExitCodes.LOST);
    assertThat(alive(child)).isFalse();
    assertThat(inside.stderr()).contains("membership of group 'web' lost (LEFT_GROUP)");
  }

  @Test
  void getoptLongFormsMeanWhatTheyMeanToSwitchman116() throws Exception {
    clusterData("{\"groups\": {\"g1\": [\"" + HOST + "\"]}, \"resources\": [\"R\"]}");
    String c = config.toString();
    String echoName = "echo $SWITCHMAN_LOCKNAME > ";

    Cli abbreviated =
        startRaw(List.of("--conf", c, "--lockn", "zz", "--", "sh", "-c", echoName + "a"));
    assertThat(abbreviated.exitCode()).as(abbreviated.stderr()).isZero();
    assertThat(read(file("a")).trim()).isEqualTo("zz");

    Cli singleDash =
        startRaw(
            List.of(
                "-config", c, "-group", "g1", "-lockname", "yy", "--", "sh", "-c", echoName + "b"));
    assertThat(singleDash.exitCode()).as(singleDash.stderr()).isZero();
    assertThat(read(file("b")).trim()).isEqualTo("yy");

    Cli upper =
        startRaw(List.of("--CONFIG", c, "--LockName", "xx", "--", "sh", "-c", echoName + "c"));
    assertThat(upper.exitCode()).as(upper.stderr()).isZero();
    assertThat(read(file("c")).trim()).isEqualTo("xx");

    Cli nolock = run("--nolock", "--lease", "R=1:2", "--lockname", "nl", "true");
    assertThat(nolock.exitCode()).as(nolock.stderr()).isZero();
    assertThat(log()).contains("under lease R=1:2 (fencing token");
    assertThat(zk.checkExists().forPath(lockPath("nl"))).isNull();

    Cli after = run("echo", "hi", "--lockname", "after");
    assertThat(after.exitCode()).as(after.stderr()).isZero();
    assertThat(after.stdout()).isEqualTo("hi\n");
    assertThat(log()).contains("Running [echo, hi] as pid").contains("under lock 'after'");

    Cli dashDash = run("--lockname", "dd", "--", "echo", "--lockname", "zz");
    assertThat(dashDash.exitCode()).as(dashDash.stderr()).isZero();
    assertThat(dashDash.stdout()).isEqualTo("--lockname zz\n");

    Cli unknownGroup = run("-group", "nope", "true");
    assertThat(unknownGroup.exitCode()).isEqualTo(ExitCodes.ERROR);
    assertThat(unknownGroup.stderr()).contains("Unknown group 'nope'");

    Cli ambiguous = run("--lo", "x", "true");
    assertThat(ambiguous.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(ambiguous.stderr())
        .contains("Ambiguous option '--lo': it abbreviates --lock, --lockname");

    Cli commandOption = run("ls", "-la");
    assertThat(commandOption.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(commandOption.stderr()).contains("Unknown option: '-la'");
  }

  @Test
  void runsThatWorkWriteNothingOnStderrWhateverTheConfigSays() throws Exception {
    config = writeConfig("session_timeout", 2000, "termination_timeout", 10, "colour", "blue");
    Cli ran = run("--lockname", "quiet", "--", "sh", "-c", "echo out");
    assertThat(ran.exitCode()).isZero();
    assertThat(ran.stdout()).isEqualTo("out\n");
    assertThat(ran.stderr()).isEmpty();

    Cli holder = start(cmd("--lockname", "quiet", holdUntilReleased("held")));
    awaitPid("held");
    Cli skipped = run("--lockname", "quiet", "true");
    assertThat(skipped.exitCode()).isZero();
    assertThat(skipped.stderr()).isEmpty();
    release("held");
    assertThat(holder.exitCode()).isZero();
    assertThat(holder.stderr()).isEmpty();

    assertThat(log())
        .contains("Unknown key 'colour'")
        .contains("termination_timeout 10s does not fit")
        .contains("Skipped: ");
  }

  @Test
  void chrootInZkhostsIsAConfigErrorNamingTheValue() throws IOException {
    config = writeConfig("zkhosts", server.getConnectString() + "/apps/x");
    Cli c = run("touch", "ran");
    assertThat(c.exitCode()).isEqualTo(ExitCodes.CONFIG);
    assertThat(c.stderr())
        .contains("Invalid zkhosts '" + server.getConnectString() + "/apps/x'")
        .contains("put the path into prefix ('/apps/x/...')");
    assertThat(file("ran")).doesNotExist();
  }

  @Test
  void numericLogLevelAndZeroDataReadLenAreAccepted() throws IOException {
    config = writeConfig("loglevel", 3, "data_read_len", 0);
    Cli warning = run("--lockname", "lvl", "touch", "ran");
    assertThat(warning.exitCode()).as(warning.stderr()).isZero();
    assertThat(file("ran")).exists();
    assertThat(log()).as("level 3 is warning: no info lines").doesNotContain("Running");

    config = writeConfig("loglevel", "1");
    Cli info = run("--lockname", "lvl", "true");
    assertThat(info.exitCode()).as(info.stderr()).isZero();
    assertThat(log()).contains("Running [true]");

    config = writeConfig("loglevel", 8);
    Cli bad = run("true");
    assertThat(bad.exitCode()).isEqualTo(ExitCodes.CONFIG);
    assertThat(bad.stderr()).contains("Invalid loglevel '8'").contains("numbers 0 to 7");
  }

  @Test
  void whenEveryServerRefusesTheRunFailsAtOnceAndRunsNothing() throws IOException {
    int a;
    int b;
    try (ServerSocket s1 = new ServerSocket(0);
        ServerSocket s2 = new ServerSocket(0)) {
      a = s1.getLocalPort();
      b = s2.getLocalPort();
    }
    config = writeConfig("zkhosts", "127.0.0.1:" + a + ",localhost:" + b, "session_timeout", 60000);
    Cli c = start("touch", "ran");
    // well below the 60 s the client would otherwise wait; generous for a loaded machine
    assertThat(c.exitCode(Duration.ofSeconds(20))).isEqualTo(ExitCodes.UNAVAILABLE);
    assertThat(c.stderr())
        .contains("is unreachable: every server refused the connection")
        .contains("nothing was run");
    assertThat(file("ran")).doesNotExist();
  }
}
