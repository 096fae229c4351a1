/*
 * Copyright 2026 the switchman authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package io.switchman.cli;

import static io.switchman.cli.LockCliTest.cmd;
import static org.assertj.core.api.Assertions.assertThat;

import io.switchman.core.ClusterData;
import io.switchman.core.HostFacts;
import io.switchman.core.SwitchmanEngine;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Leases, groups and cluster data through the CLI. */
class LeaseCliTest extends CliTestSupport {

  /**
   * Each command marks itself active, counts the active ones, records the count, stays a moment and
   * unmarks itself: if three ever ran at once, the last of them to start records 3.
   */
  private static final String COUNTING =
      "touch active.$$; ls active.* | wc -l >> counts; sleep 0.4; rm active.$$";

  @Test
  void sixClisWithCapacityTwoNeverRunMoreThanTwoAtOnce() throws Exception {
    clusterData("{\"resources\": [\"R\"]}");
    List<Cli> clis = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      clis.add(
          start(
              "--no-lock",
              "--lockname",
              "job" + i,
              "--lease",
              "R=1:2",
              "--",
              "sh",
              "-c",
              COUNTING));
    }
    for (Cli c : clis) {
      assertThat(c.exitCode()).as(c.stderr()).isZero();
    }
    List<Integer> counts =
        read(file("counts")).lines().map(String::trim).map(Integer::parseInt).toList();
    assertThat(counts).hasSize(6);
    assertThat(counts).allMatch(n -> n >= 1 && n <= 2);
    assertThat(counts).contains(2); // they did run concurrently, up to the capacity
  }

  @Test
  void unknownResourceFailsWithItsMessage() throws Exception {
    clusterData("{\"resources\": [\"R\"]}");
    Cli c = run("--lease", "Z=1:2", "touch", "ran");
    assertThat(c.exitCode()).isEqualTo(ExitCodes.ERROR);
    assertThat(c.stderr()).contains("Unknown resources [Z]").contains("list [R]");
    assertThat(file("ran")).doesNotExist();
  }

  @Test
  void badExpressionIsAUsageError() throws Exception {
    clusterData("{\"resources\": [\"R\"]}");
    Cli c = run("--lease", "R=1+:2", "touch", "ran");
    assertThat(c.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(c.stderr()).contains("Invalid").contains("1+");
    assertThat(file("ran")).doesNotExist();

    Cli noValue = run("--lease", "R", "touch", "ran");
    assertThat(noValue.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(noValue.stderr()).contains("Invalid lease 'R': expected RESOURCE=COUNT:TOTAL");
  }

  @Test
  void totalsMismatchFailsWithItsMessage() throws Exception {
    clusterData("{\"resources\": [\"R\"]}");
    Cli holder =
        start(cmd("--no-lock", "--lockname", "a", "--lease", "R=1:2", holdUntilReleased("held")));
    awaitPid("held");
    Cli other = run("--no-lock", "--lockname", "b", "--lease", "R=1:3", "touch", "ran");
    assertThat(other.exitCode()).isEqualTo(ExitCodes.ERROR);
    assertThat(other.stderr()).contains("Totals mismatch for resource R");
    assertThat(file("ran")).doesNotExist();
    release("held");
    assertThat(holder.exitCode()).isZero();
  }

  @Test
  void resourcesWaitTimeoutFailsTheJobWithoutRunningIt() throws Exception {
    clusterData("{\"resources\": [\"R\"]}");
    Cli holder =
        start(cmd("--no-lock", "--lockname", "a", "--lease", "R=2:2", holdUntilReleased("held")));
    awaitPid("held");
    config = writeConfig("resources_wait_timeout", 1);
    Cli other = run("--no-lock", "--lockname", "b", "--lease", "R=1:2", "touch", "ran");
    assertThat(other.exitCode()).isEqualTo(ExitCodes.ERROR);
    assertThat(other.stderr()).contains("Timed out after 1s waiting for");
    assertThat(file("ran")).doesNotExist();
    release("held");
    assertThat(holder.exitCode()).isZero();
  }

  @Test
  void macrosAreExpandedInLeases() throws Exception {
    clusterData("{\"resources\": [\"FQDN_cpu\"]}");
    Cli c = run("--lease", "FQDN_cpu=1:CPU", "--", "sh", "-c", "echo $SWITCHMAN_FENCING_TOKEN > t");
    assertThat(c.exitCode()).as(c.stderr()).isZero();
    assertThat(read(file("t")).trim()).matches("[1-9][0-9]*");
  }

  @Test
  void hostOutsideTheGroupSkipsWithTheBusyCode() throws Exception {
    clusterData(
        "{\"groups\": {\"web\": [\"other.example\"], \"all\": [\"web\", \""
            + HOST
            + "\"]}, \"resources\": []}");
    Cli outside = run("-g", "web", "--busy-exit-code", "9", "touch", "ran");
    assertThat(outside.exitCode()).isEqualTo(9);
    assertThat(file("ran")).doesNotExist();
    assertThat(log()).contains("is not in group 'web'");

    Cli inside = run("--group", "all", "touch", "ran");
    assertThat(inside.exitCode()).isZero();
    assertThat(file("ran")).exists();

    Cli unknown = run("-g", "nope", "touch", "ran2");
    assertThat(unknown.exitCode()).isEqualTo(ExitCodes.ERROR);
    assertThat(unknown.stderr()).contains("Unknown group 'nope'");
  }

  @Test
  void hostRemovedFromTheGroupStopsTheCommand() throws Exception {
    clusterData("{\"groups\": {\"web\": [\"" + HOST + "\"]}}");
    Cli holder =
        start("-g", "web", "--lockname", "job", "--", "sh", "-c", "echo $$ > child; sleep 60");
    long child = awaitPid("child");
    clusterData("{\"groups\": {\"web\": [\"other.example\"]}}");
    assertThat(holder.exitCode()).isEqualTo(ExitCodes.LOST);
    assertThat(alive(child)).isFalse();
    assertThat(holder.stderr()).contains("LEFT_GROUP");
  }

  @Test
  void clusterDataWrittenByTheToolIsReadBackByTheEngine() throws Exception {
    Path data = file("cluster.json");
    Files.writeString(
        data,
        "{\"groups\": {\"web\": [\"h1\", \"h2\"], \"all\": [\"web\", \"h3\"]},"
            + " \"resources\": [\"db\", \"FQDN_cpu\"], \"capacities\": {\"db\": 4}}");
    Cli write = run("--write-cluster-data", data.toString());
    assertThat(write.exitCode()).as(write.stderr()).isZero();

    try (SwitchmanEngine engine =
        SwitchmanEngine.builder(zk).prefix(prefix).host(new HostFacts("h1", 2, 1024)).build()) {
      ClusterData read = engine.clusterData();
      assertThat(read.groups())
          .isEqualTo(Map.of("web", List.of("h1", "h2"), "all", List.of("web", "h3")));
      assertThat(read.resources()).containsExactly("db", "FQDN_cpu");
      assertThat(read.capacities()).isEqualTo(Map.of("db", "4"));
      assertThat(read.isMember("all", "h2")).isTrue();
    }

    // From standard input, replacing it.
    Cli fromStdin = start("--write-cluster-data", "-");
    fromStdin
        .process()
        .getOutputStream()
        .write("{\"resources\": [\"x\"]}".getBytes(StandardCharsets.UTF_8));
    fromStdin.process().getOutputStream().close();
    assertThat(fromStdin.exitCode()).as(fromStdin.stderr()).isZero();
    assertThat(new String(zk.getData().forPath(prefix), StandardCharsets.UTF_8))
        .contains("\"resources\":[\"x\"]");
  }

  @Test
  void invalidClusterDataIsRejectedAndNotWritten() throws Exception {
    clusterData("{\"resources\": [\"R\"]}");
    Path bad = file("bad.json");
    Files.writeString(bad, "{\"resources\": [\"a/b\"]}");
    Cli c = run("--write-cluster-data", bad.toString());
    assertThat(c.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(c.stderr()).contains("a/b");

    Files.writeString(bad, "{\"groups\": [1]}");
    Cli notJson = run("--write-cluster-data", bad.toString());
    assertThat(notJson.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(notJson.stderr()).contains("\"groups\" must be an object");

    assertThat(new String(zk.getData().forPath(prefix), StandardCharsets.UTF_8))
        .isEqualTo("{\"resources\": [\"R\"]}");
  }
}
