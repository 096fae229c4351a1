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
import java.util.List;
import org.apache.curator.test.InstanceSpec;
import org.apache.curator.test.TestingServer;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.data.ACL;
import org.apache.zookeeper.data.Stat;
import org.junit.jupiter.api.Test;

/** The lock: exclusion, waiting, loss (killed, paused, node deleted), interop and status. */
class LockCliTest extends CliTestSupport {

  @Test
  void secondCliSkipsWithTheBusyCodeAndWaitRunsAfterTheFirst() throws Exception {
    Cli first = start(cmd("--lockname", "job", holdUntilReleased("first")));
    long child = awaitPid("first");

    Cli second = run("--lockname", "job", "--busy-exit-code", "7", "--", "touch", "second-ran");
    assertThat(second.exitCode()).isEqualTo(7);
    assertThat(file("second-ran")).doesNotExist();
    assertThat(log()).contains("Skipped: lock 'job' is held");

    Cli defaultBusy = run("--lockname", "job", "touch", "third-ran");
    assertThat(defaultBusy.exitCode()).isZero();
    assertThat(file("third-ran")).doesNotExist();

    Cli waiting = start("--lockname", "job", "--wait", "30s", "--", "touch", "waiter-ran");
    // It must not run while the first holds the lock.
    await()
        .during(Duration.ofMillis(1500))
        .atMost(Duration.ofSeconds(3))
        .until(() -> !Files.exists(file("waiter-ran")) && waiting.process().isAlive());

    release("first");
    assertThat(first.exitCode()).isZero();
    assertThat(alive(child)).isFalse();
    assertThat(waiting.exitCode()).isZero();
    assertThat(file("waiter-ran")).exists();
  }

  @Test
  void sigtermWhileWaitingLeavesNothingBehind() throws Exception {
    Cli first = start(cmd("--lockname", "job", holdUntilReleased("first")));
    awaitPid("first");
    Cli waiting = start("--lockname", "job", "--wait", "60s", "--", "touch", "waiter-ran");
    await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> run("--status").stdout().contains("waiting for locks:"));

    signal("TERM", waiting.pid());
    assertThat(waiting.exitCode()).isEqualTo(128 + 15);
    assertThat(waiting.stderr()).contains("Received SIGTERM before the command started");
    assertThat(run("--status").stdout()).doesNotContain("waiting for locks:");

    release("first");
    assertThat(first.exitCode()).isZero();
    assertThat(file("waiter-ran")).doesNotExist();
  }

  @Test
  void waitRunsOutWithTheBusyCode() throws Exception {
    Cli first = start(cmd("--lockname", "job", holdUntilReleased("first")));
    awaitPid("first");
    long t0 = System.nanoTime();
    Cli waiting = run("--lockname", "job", "--wait", "1s", "--busy-exit-code", "3", "true");
    assertThat(waiting.exitCode()).isEqualTo(3);
    assertThat(Duration.ofNanos(System.nanoTime() - t0)).isGreaterThan(Duration.ofMillis(900));
    release("first");
    assertThat(first.exitCode()).isZero();
  }

  @Test
  void killedCliStopsItsCommandAndTheLockStaysUntilTheSessionExpires() throws Exception {
    config = writeConfig("session_timeout", 4000, "termination_timeout", 0.5);
    Cli holder = start(cmd("--lockname", "job", "--", "sh", "-c", "echo $$ > child; sleep 60"));
    long child = awaitPid("child");
    long owner = zk.checkExists().forPath(lockPath("job")).getEphemeralOwner();
    // A second CLI waits for the lock (it queues behind the holder).
    Cli next = start("--lockname", "job", "--wait", "60s", "--", "touch", "next-ran");

    long t0 = System.nanoTime();
    holder.process().destroyForcibly(); // SIGKILL
    await().atMost(Duration.ofSeconds(3)).until(() -> !alive(child));

    // Nobody closed the session: the lock node of the killed holder stays until the server
    // expires the session, and the waiting CLI must not run before that.
    await()
        .atMost(Duration.ofSeconds(15))
        .until(
            () -> {
              boolean ran = Files.exists(file("next-ran"));
              Stat stat = zk.checkExists().forPath(lockPath("job"));
              assertThat(ran && stat != null && stat.getEphemeralOwner() == owner)
                  .as("the next CLI ran while the killed holder's lock node still existed")
                  .isFalse();
              return ran;
            });
    assertThat(Duration.ofNanos(System.nanoTime() - t0)).isGreaterThan(Duration.ofMillis(2000));
    assertThat(next.exitCode()).isZero();
  }

  @Test
  void pausedCliHasItsCommandStoppedBeforeTheSessionCanExpire() throws Exception {
    config = writeConfig("session_timeout", 4000, "termination_timeout", 0.5);
    Cli holder = start(cmd("--lockname", "job", "--", "sh", "-c", "echo $$ > child; sleep 60"));
    long child = awaitPid("child");
    Stat held = zk.checkExists().forPath(lockPath("job"));
    assertThat(held).isNotNull();

    signal("STOP", holder.pid());
    try {
      await().atMost(Duration.ofSeconds(5)).until(() -> !alive(child));
      // Stopped by the watchdog while the paused holder's session, and so its lock node, still
      // exists: nobody else could have been granted the lock yet.
      Stat now = zk.checkExists().forPath(lockPath("job"));
      assertThat(now).isNotNull();
      assertThat(now.getEphemeralOwner()).isEqualTo(held.getEphemeralOwner());
      // Stay paused longer than the session timeout: the server expires the session.
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> zk.checkExists().forPath(lockPath("job")) == null);
    } finally {
      signal("CONT", holder.pid());
    }
    assertThat(holder.exitCode()).isEqualTo(ExitCodes.LOST);
    assertThat(holder.stderr()).contains("no heartbeat from switchman").contains("lost");
  }

  @Test
  void deletedLockNodeStopsTheCommandAndItsChildren() throws Exception {
    Cli holder =
        start(
            cmd(
                "--lockname",
                "job",
                "--",
                "sh",
                "-c",
                "sleep 60 & echo $! > grandchild; echo $$ > child; wait"));
    long child = awaitPid("child");
    long grandchild = awaitPid("grandchild");

    zk.delete().forPath(lockPath("job"));

    await().atMost(Duration.ofSeconds(3)).until(() -> !alive(child) && !alive(grandchild));
    assertThat(holder.exitCode()).isEqualTo(ExitCodes.LOST);
    assertThat(holder.stderr()).contains("lost (NODE_DELETED)");
  }

  @Test
  void changedLockNodeStopsTheCommand() throws Exception {
    Cli holder = start("--lockname", "job", "--", "sh", "-c", "echo $$ > child; sleep 60");
    long child = awaitPid("child");
    zk.setData().forPath(lockPath("job"), "intruder 1".getBytes(StandardCharsets.UTF_8));
    assertThat(holder.exitCode()).isEqualTo(ExitCodes.LOST);
    assertThat(alive(child)).isFalse();
    assertThat(holder.stderr()).contains("lost (NODE_CHANGED)");
  }

  @Test
  void lostConnectionStopsTheCommandBeforeTheSessionCanExpire() throws Exception {
    try (TestingServer own =
        new TestingServer(new InstanceSpec(null, -1, -1, -1, true, -1, 200, -1), true)) {
      config =
          writeConfig(
              "zkhosts",
              own.getConnectString(),
              "session_timeout",
              4000,
              "termination_timeout",
              0.5);
      Cli holder = start("--lockname", "job", "--", "sh", "-c", "echo $$ > child; sleep 60");
      long child = awaitPid("child");
      long t0 = System.nanoTime();
      own.stop(); // the client hears nothing more: SUSPENDED, then the safety deadline
      await().atMost(Duration.ofSeconds(4)).until(() -> !alive(child));
      assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofMillis(4000));
      assertThat(holder.exitCode()).isEqualTo(ExitCodes.LOST);
      assertThat(holder.stderr()).containsAnyOf("CONNECTION_SUSPENDED", "SAFETY_DEADLINE");
    }
  }

  @Test
  void commandIgnoringSigtermIsKilledAfterTheTerminationTimeout() throws Exception {
    config = writeConfig("session_timeout", 4000, "termination_timeout", 1);
    Cli holder =
        start(
            cmd(
                "--lockname",
                "job",
                "--",
                "sh",
                "-c",
                "trap '' TERM; echo $$ > child; while :; do sleep 0.05; done"));
    long child = awaitPid("child");

    long t0 = System.nanoTime();
    zk.delete().forPath(lockPath("job"));
    await().atMost(Duration.ofSeconds(5)).until(() -> !alive(child));
    Duration took = Duration.ofNanos(System.nanoTime() - t0);

    assertThat(took).isBetween(Duration.ofMillis(800), Duration.ofMillis(4000));
    assertThat(holder.exitCode()).isEqualTo(ExitCodes.LOST);
    assertThat(holder.stderr()).contains("SIGKILL in 1000 ms").contains("still running");
  }

  @Test
  void interopWithTheLayoutOfSwitchman() throws Exception {
    // A lock node as Perl switchman creates it makes the CLI skip.
    zk.create()
        .creatingParentsIfNeeded()
        .withMode(CreateMode.EPHEMERAL)
        .forPath(lockPath("perl-job"), "perl-host 4242".getBytes(StandardCharsets.UTF_8));
    assertThat(run("--busy-exit-code", "4", "--lockname", "perl-job", "touch", "ran").exitCode())
        .isEqualTo(4);
    assertThat(file("ran")).doesNotExist();
    zk.delete().forPath(lockPath("perl-job"));

    // While the CLI holds a lock, the node has switchman's path and data: "<fqdn> <pid>".
    Cli holder = start(cmd("--lockname", "job", holdUntilReleased("held")));
    awaitPid("held");
    Stat stat = new Stat();
    byte[] data = zk.getData().storingStatIn(stat).forPath(lockPath("job"));
    assertThat(new String(data, StandardCharsets.UTF_8)).isEqualTo(HOST + " " + holder.pid());
    assertThat(stat.getEphemeralOwner()).isNotZero();
    release("held");
    assertThat(holder.exitCode()).isZero();
    assertThat(zk.checkExists().forPath(lockPath("job"))).isNull();
  }

  @Test
  void withDigestAuthNodesBelongToTheIdentity() throws Exception {
    config = writeConfig("auth", "ops:secret");
    Cli holder = start(cmd("--lockname", "job", holdUntilReleased("held")));
    awaitPid("held");
    List<ACL> acl = zk.getACL().forPath(lockPath("job"));
    assertThat(acl).hasSize(2).contains(new ACL(ZooDefs.Perms.READ, ZooDefs.Ids.ANYONE_ID_UNSAFE));
    assertThat(acl)
        .anySatisfy(
            a -> {
              assertThat(a.getPerms()).isEqualTo(ZooDefs.Perms.ALL);
              assertThat(a.getId().getScheme()).isEqualTo("digest");
              assertThat(a.getId().getId()).startsWith("ops:");
            });
    // Others can see the lock, not take it away.
    assertThatThrownBy(() -> zk.delete().forPath(lockPath("job")))
        .isInstanceOf(KeeperException.NoAuthException.class);
    assertThat(run("--status").stdout()).contains("job  holder " + HOST);
    release("held");
    assertThat(holder.exitCode()).isZero();
  }

  @Test
  void commandGetsLockNameAndFencingToken() throws Exception {
    Cli c =
        run(
            "--",
            "sh",
            "-c",
            "echo \"$SWITCHMAN_LOCKNAME $SWITCHMAN_FENCING_TOKEN\" > env; echo $$ > pid");
    assertThat(c.exitCode()).isZero();
    String[] env = read(file("env")).trim().split(" ");
    assertThat(env[0]).isEqualTo("sh");
    assertThat(Long.parseLong(env[1])).isPositive();
  }

  @Test
  void statusShowsAHeldLockWithItsHolder() throws Exception {
    Cli holder = start(cmd("--lockname", "job", holdUntilReleased("held")));
    awaitPid("held");
    long token = zk.checkExists().forPath(lockPath("job")).getCzxid();

    Cli status = run("--status");
    assertThat(status.exitCode()).isZero();
    assertThat(status.stdout())
        .contains("prefix " + prefix)
        .contains("job  holder " + HOST + " " + holder.pid() + "  fencing token " + token);

    Cli json = run("--status", "--json");
    assertThat(json.exitCode()).isZero();
    JsonNode root = new ObjectMapper().readTree(json.stdout());
    JsonNode lock = root.get("locks").get(0);
    assertThat(lock.get("name").asText()).isEqualTo("job");
    assertThat(lock.get("holder").asText()).isEqualTo(HOST + " " + holder.pid());
    assertThat(lock.get("fencingToken").asLong()).isEqualTo(token);

    release("held");
    assertThat(holder.exitCode()).isZero();
    assertThat(run("--status").stdout()).contains("locks: none");
    assertThat(Files.readString(logFile)).doesNotContain("Internal error");
  }

  /** Flattens strings and string arrays into one argument list. */
  static String[] cmd(Object... parts) {
    java.util.List<String> all = new java.util.ArrayList<>();
    for (Object p : parts) {
      if (p instanceof String[] a) {
        all.addAll(java.util.List.of(a));
      } else {
        all.add((String) p);
      }
    }
    return all.toArray(String[]::new);
  }
}
