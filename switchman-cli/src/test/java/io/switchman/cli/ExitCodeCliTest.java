/*
 * Copyright 2026 the switchman authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package io.switchman.cli;

import static io.switchman.cli.LockCliTest.cmd;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Exit codes, signals, config file handling and the log format. */
class ExitCodeCliTest extends CliTestSupport {

  private static final String LOG_LINE =
      "\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d\\t\\[\\d+\\]\\t\\S.*";

  @Test
  void commandExitCodeIsPassedThrough() {
    Cli c = run("--", "sh", "-c", "exit 3");
    assertThat(c.exitCode()).isEqualTo(3);
    assertThat(c.stderr()).contains("exited with status 3");
  }

  @Test
  void commandKilledBySignalGives128PlusN() {
    assertThat(run("--", "sh", "-c", "kill -KILL $$").exitCode()).isEqualTo(137);
    assertThat(run("--lockname", "t", "--", "sh", "-c", "kill -TERM $$").exitCode()).isEqualTo(143);
  }

  @Test
  void singleArgumentWithShellSyntaxRunsThroughSh() {
    Cli c = run("echo one > f; echo two >> f");
    assertThat(c.exitCode()).as(c.stderr()).isZero();
    assertThat(read(file("f"))).isEqualTo("one\ntwo\n");
    assertThat(log()).contains("Running [/bin/sh, -c, echo one > f; echo two >> f]");
  }

  @Test
  void commandAfterDoubleDashKeepsItsOptions() {
    Cli c = run("--", "sh", "-c", "echo $0 > f", "x");
    assertThat(c.exitCode()).as(c.stderr()).isZero();
    assertThat(read(file("f")).trim()).isEqualTo("x");
  }

  @Test
  void missingCommandOrUnknownOptionIsAUsageError() {
    Cli none = run();
    assertThat(none.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(none.stderr()).contains("No command given");

    Cli unknown = run("--frobnicate", "true");
    assertThat(unknown.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(unknown.stderr()).contains("Unknown option: '--frobnicate'");

    Cli badName = run("--lockname", "a/b", "true");
    assertThat(badName.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(badName.stderr()).contains("Invalid lock name 'a/b'");

    Cli badWait = run("--wait", "soon", "true");
    assertThat(badWait.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(badWait.stderr()).contains("Invalid --wait 'soon'");
  }

  @Test
  void configErrorsHaveTheirCode() throws IOException {
    Cli missing = startRaw(List.of("-c", dir.resolve("nope.conf").toString(), "true"));
    assertThat(missing.exitCode()).isEqualTo(ExitCodes.CONFIG);
    assertThat(missing.stderr()).contains("nope.conf does not exist");

    Path noHosts = dir.resolve("nohosts.conf");
    Files.writeString(noHosts, "{\"prefix\": \"/x\"}");
    Cli c = startRaw(List.of("-c", noHosts.toString(), "true"));
    assertThat(c.exitCode()).isEqualTo(ExitCodes.CONFIG);
    assertThat(c.stderr()).contains("Missing required key 'zkhosts'");

    Path badJson = dir.resolve("bad.conf");
    Files.writeString(badJson, "{\"zkhosts\": ");
    Cli j = startRaw(List.of("-c", badJson.toString(), "true"));
    assertThat(j.exitCode()).isEqualTo(ExitCodes.CONFIG);
    assertThat(j.stderr()).contains("is not valid JSON");

    config = writeConfig("termination_timeout", "soon");
    Cli t = run("true");
    assertThat(t.exitCode()).isEqualTo(ExitCodes.CONFIG);
    assertThat(t.stderr()).contains("Invalid termination_timeout 'soon'");
  }

  @Test
  void unknownConfigKeysAreWarnedAboutInTheLogFileNotOnStderr() throws IOException {
    config = writeConfig("colour", "blue");
    Cli c = run("touch", "ran");
    assertThat(c.exitCode()).isZero();
    assertThat(file("ran")).exists();
    assertThat(c.stderr()).isEmpty();
    assertThat(log()).contains("Unknown key 'colour'");
  }

  @Test
  void unreachableZooKeeperHasItsCodeAndRunsNothing() throws IOException {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    Path cfg = dir.resolve("down.conf");
    Files.writeString(
        cfg,
        "{\"zkhosts\": \"127.0.0.1:"
            + port
            + "\", \"prefix\": \"/x\", \"session_timeout\": 1000, \"logfile\": \""
            + logFile
            + "\"}");
    Cli c = startRaw(List.of("-c", cfg.toString(), "touch", "ran"));
    assertThat(c.exitCode(Duration.ofSeconds(15))).isEqualTo(ExitCodes.UNAVAILABLE);
    assertThat(c.stderr()).contains("is unreachable").contains("nothing was run");
    assertThat(file("ran")).doesNotExist();
  }

  @Test
  void logLinesHaveSwitchmansFormat() {
    run("--lockname", "fmt", "--", "sh", "-c", "exit 2");
    List<String> lines = log().lines().toList();
    assertThat(lines).isNotEmpty().allMatch(l -> l.matches(LOG_LINE));
    assertThat(log()).contains("Running [sh, -c, exit 2]").contains("exited with status 2");
  }

  @Test
  void terminationTimeoutThatDoesNotFitIsWarnedAboutInTheLogFileNotOnStderr() throws IOException {
    config = writeConfig("session_timeout", 2000, "termination_timeout", 10);
    Cli c = run("true");
    assertThat(c.exitCode()).isZero();
    assertThat(c.stderr()).isEmpty();
    assertThat(log())
        .contains("termination_timeout 10s does not fit")
        .contains("SIGKILL 800 ms after SIGTERM");
  }

  @Test
  void defaultTerminationTimeoutThatDoesNotFitIsOnlyLogged() throws IOException {
    Path cfg = dir.resolve("default.conf");
    Files.writeString(
        cfg,
        "{\"zkhosts\": \""
            + server.getConnectString()
            + "\", \"prefix\": \""
            + prefix
            + "\", \"session_timeout\": 2000, \"logfile\": \""
            + logFile
            + "\"}");
    Cli c = startRaw(List.of("-c", cfg.toString(), "true"));
    assertThat(c.exitCode()).isZero();
    assertThat(c.stderr()).isEmpty();
    assertThat(log()).contains("termination_timeout 10s does not fit");
  }

  @Test
  void sigtermIsForwardedToTheCommandAndTheLockReleasedAfterIt() throws Exception {
    Cli c =
        start(
            cmd(
                "--lockname",
                "job",
                "--",
                "sh",
                "-c",
                "trap 'echo term > got; exit 0' TERM; echo $$ > child; while :; do sleep 0.05;"
                    + " done"));
    long child = awaitPid("child");
    signal("TERM", c.pid());
    assertThat(c.exitCode()).isZero();
    assertThat(read(file("got")).trim()).isEqualTo("term");
    assertThat(alive(child)).isFalse();
    assertThat(zk.checkExists().forPath(lockPath("job"))).isNull();
    assertThat(c.stderr()).contains("Received SIGTERM: forwarding it");
  }

  @Test
  void sighupReachesTheWholeProcessGroup() throws Exception {
    Cli c =
        start(
            "--lockname",
            "job",
            "--",
            "sh",
            "-c",
            "sleep 60 & echo $! > grandchild; echo $$ > child; wait");
    long child = awaitPid("child");
    long grandchild = awaitPid("grandchild");
    signal("HUP", c.pid());
    assertThat(c.exitCode()).isEqualTo(128 + 1);
    assertThat(alive(child)).isFalse();
    await().atMost(Duration.ofSeconds(2)).until(() -> !alive(grandchild));
  }

  @Test
  void sigintIsForwarded() throws Exception {
    // A process started in the background by a non-interactive shell ignores SIGINT, and so does
    // everything it starts (switchman's command too): then SIGINT cannot stop the command.
    assumeThat(Files.readAllLines(Path.of("/proc/self/status")))
        .as("SIGINT is not ignored by the test JVM")
        .noneMatch(
            l -> l.startsWith("SigIgn:") && (Long.parseLong(l.substring(7).trim(), 16) & 2) != 0);
    Cli d = start("--lockname", "job2", "--", "sh", "-c", "echo $$ > child2; sleep 60");
    awaitPid("child2");
    signal("INT", d.pid());
    assertThat(d.exitCode()).isEqualTo(128 + 2);
  }

  @Test
  void helpAndVersion() {
    Cli help = startRaw(List.of("--help"));
    assertThat(help.exitCode()).isZero();
    assertThat(help.stdout())
        .contains("-c, --config=PATH")
        .contains("--[no-]lock")
        .contains("--busy-exit-code")
        .contains("75     the command was stopped because the lock or a lease was lost");
    Cli version = startRaw(List.of("-v"));
    assertThat(version.exitCode()).isZero();
    assertThat(version.stdout()).startsWith("switchman ");
  }
}
