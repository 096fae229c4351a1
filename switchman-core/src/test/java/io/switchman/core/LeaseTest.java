/*
 * Copyright 2026 the switchman authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package io.switchman.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.switchman.core.Acquisition.Outcome;
import io.switchman.core.SwitchmanException.Kind;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.zookeeper.CreateMode;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class LeaseTest extends EngineTestBase {

  @BeforeEach
  void resources() throws Exception {
    clusterData("{\"resources\": [\"db\", \"FQDN_cpu\", \"r1\", \"r2\"]}");
  }

  private static GrantRequest lease(String name, String resource, String amount, String cap) {
    return GrantRequest.builder(name).lock(false).lease(resource, amount, cap).build();
  }

  @Test
  void capacityFiveAsInSwitchmansOwnTest() throws Exception {
    SwitchmanEngine e = engine("host-a");

    assertThatThrownBy(() -> e.acquire(lease("big", "db", "6", "5")))
        .isInstanceOf(SwitchmanException.class)
        .hasMessage("Lease of 6 units of resource db can never be granted: its capacity is 5")
        .extracting(x -> ((SwitchmanException) x).kind())
        .isEqualTo(Kind.AMOUNT_ABOVE_CAPACITY);

    List<Grant> held = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      Acquisition acq = engine("host-" + i).acquire(lease("job" + i, "db", "1", "5"));
      assertThat(acq.outcome()).isEqualTo(Outcome.ACQUIRED);
      held.add(acq.grant());
    }
    SwitchmanEngine sixth = engine("host-6");
    CompletableFuture<Acquisition> waiting = acquireAsync(sixth, lease("job6", "db", "1", "5"));
    await()
        .during(Duration.ofMillis(300))
        .atMost(Duration.ofSeconds(2))
        .until(() -> !waiting.isDone());
    held.get(2).release();
    assertThat(waiting.get(5, TimeUnit.SECONDS).outcome()).isEqualTo(Outcome.ACQUIRED);

    assertThatThrownBy(() -> engine("host-x").acquire(lease("other", "db", "1", "4")))
        .isInstanceOf(SwitchmanException.class)
        .hasMessageStartingWith(
            "Totals mismatch for resource db: lease /switchman/semaphores/db/leases/1_5_")
        .hasMessageEndingWith(" has capacity 5, this request says 4")
        .extracting(x -> ((SwitchmanException) x).kind())
        .isEqualTo(Kind.TOTALS_MISMATCH);
  }

  @Test
  void weightedLeasesThreeAndTwoFitAndAThirdWaits() throws Exception {
    Grant three = engine("a").acquire(lease("a", "db", "3", "5")).grant();
    Grant two = engine("b").acquire(lease("b", "db", "2", "5")).grant();
    assertThat(three).isNotNull();
    assertThat(two).isNotNull();
    CompletableFuture<Acquisition> third = acquireAsync(engine("c"), lease("c", "db", "1", "5"));
    await()
        .during(Duration.ofMillis(300))
        .atMost(Duration.ofSeconds(2))
        .until(() -> !third.isDone());
    two.release();
    assertThat(third.get(5, TimeUnit.SECONDS).outcome()).isEqualTo(Outcome.ACQUIRED);
  }

  @Test
  void aWaitingLargeRequestIsNotOvertakenByALaterSmallOne() throws Exception {
    Grant three = engine("a").acquire(lease("a", "db", "3", "5")).grant();
    CompletableFuture<Acquisition> four = acquireAsync(engine("b"), lease("b", "db", "4", "5"));
    await()
        .atMost(Duration.ofSeconds(2))
        .until(() -> zk.client(SESSION).getChildren().forPath("/switchman/queues/db").size() == 1);
    CompletableFuture<Acquisition> one = acquireAsync(engine("c"), lease("c", "db", "1", "5"));
    // 3 + 1 would fit, but the 4 arrived first.
    await()
        .during(Duration.ofMillis(500))
        .atMost(Duration.ofSeconds(2))
        .until(() -> !one.isDone() && !four.isDone());
    three.release();
    Grant fourGrant = four.get(5, TimeUnit.SECONDS).grant();
    assertThat(fourGrant).isNotNull();
    Grant oneGrant = one.get(5, TimeUnit.SECONDS).grant();
    assertThat(oneGrant).isNotNull();
    assertThat(oneGrant.fencingToken()).isGreaterThan(fourGrant.fencingToken());
  }

  @Test
  void twoClientsCrossingTwoResourcesNeverDeadlock() throws Exception {
    SwitchmanEngine a = engine("a");
    SwitchmanEngine b = engine("b");
    GrantRequest ab =
        GrantRequest.builder("ab").lock(false).lease("r1", "1", "1").lease("r2", "1", "1").build();
    GrantRequest ba =
        GrantRequest.builder("ba").lock(false).lease("r2", "1", "1").lease("r1", "1", "1").build();
    CompletableFuture<Void> fa = loop(a, ab, 100);
    CompletableFuture<Void> fb = loop(b, ba, 100);
    CompletableFuture.allOf(fa, fb).get(90, TimeUnit.SECONDS);
  }

  @Test
  void noOrphanNodesOnceAllClientsAreClosed() throws Exception {
    List<CuratorFramework> clients = new ArrayList<>();
    List<CompletableFuture<Void>> loops = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      CuratorFramework c = zk.client(SESSION);
      clients.add(c);
      GrantRequest req =
          GrantRequest.builder("job" + i)
              .lease("r1", "1", "2")
              .lease("db", String.valueOf(1 + i % 2), "3")
              .build();
      loops.add(loop(engine(c, "host-" + i), req, 10));
    }
    CompletableFuture.allOf(loops.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
    for (CuratorFramework c : clients) {
      c.close();
    }
    CuratorFramework admin = zk.client(SESSION);
    for (String dir :
        List.of(
            "/switchman/locks",
            "/switchman/queues/r1",
            "/switchman/queues/db",
            "/switchman/semaphores/r1/lock",
            "/switchman/semaphores/r1/leases",
            "/switchman/semaphores/db/lock",
            "/switchman/semaphores/db/leases")) {
      assertThat(admin.getChildren().forPath(dir)).as(dir).isEmpty();
    }
  }

  @Test
  void macrosAreExpandedInResourceAmountAndCapacity() throws Exception {
    SwitchmanEngine e = engine("web1.example.com"); // 4 CPUs, 8192 MiB
    Grant g = e.acquire(lease("job", "FQDN_cpu", "int(CPU/3)", "CPU*2")).grant();
    assertThat(g.leases())
        .singleElement()
        .satisfies(
            l -> {
              assertThat(l.resource()).isEqualTo("web1.example.com_cpu");
              assertThat(l.amount()).isEqualTo(1);
              assertThat(l.capacity()).isEqualTo(8);
              assertThat(l.path())
                  .startsWith("/switchman/semaphores/web1.example.com_cpu/leases/1_8_");
            });
    assertThat(g.fencingToken()).isEqualTo(g.leases().get(0).czxid());
  }

  @Test
  void leaseNodeCreatedTheWaySwitchmanDoesCountsAgainstCapacity() throws Exception {
    CuratorFramework perl = zk.client(SESSION);
    perl.create()
        .creatingParentsIfNeeded()
        .withMode(CreateMode.EPHEMERAL_SEQUENTIAL)
        .forPath(
            "/switchman/semaphores/db/leases/3_5_", "perlhost 77".getBytes(StandardCharsets.UTF_8));
    SwitchmanEngine e = engine("host-a");
    Grant two = e.acquire(lease("two", "db", "2", "5")).grant();
    assertThat(two).isNotNull();
    CompletableFuture<Acquisition> one = acquireAsync(engine("b"), lease("one", "db", "1", "5"));
    await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2)).until(() -> !one.isDone());
    assertThatThrownBy(() -> engine("c").acquire(lease("bad", "db", "1", "6")))
        .hasMessageStartingWith("Totals mismatch for resource db");
    // Our own lease node has switchman's name and data.
    String node = two.leases().get(0).path();
    assertThat(node).matches("/switchman/semaphores/db/leases/2_5_\\d{10}");
    assertThat(new String(perl.getData().forPath(node), StandardCharsets.UTF_8))
        .isEqualTo("host-a " + ProcessHandle.current().pid());
  }

  @Test
  void sameNameAlreadyQueuedIsSkippedAsBusy() throws Exception {
    CuratorFramework perl = zk.client(SESSION);
    perl.create()
        .creatingParentsIfNeeded()
        .withMode(CreateMode.EPHEMERAL_SEQUENTIAL)
        .forPath("/switchman/queues/db/job-", "perlhost 1".getBytes(StandardCharsets.UTF_8));
    Acquisition acq = engine("a").acquire(lease("job", "db", "1", "5"));
    assertThat(acq.outcome()).isEqualTo(Outcome.BUSY);
    assertThat(acq.detail()).isEqualTo("'job' is already queued for resource db");
  }

  @Test
  void lockHeldBeforeLeasesMeansBusyWithoutQueueing() throws Exception {
    engine("a").acquire(lock("job"));
    GrantRequest both = GrantRequest.builder("job").lease("db", "1", "5").build();
    Acquisition acq = engine("b").acquire(both);
    assertThat(acq.outcome()).isEqualTo(Outcome.BUSY);
    assertThat(acq.detail()).isEqualTo("lock 'job' is held");
    assertThat(zk.client(SESSION).checkExists().forPath("/switchman/queues/db")).isNull();
  }

  @Test
  void leasesFirstThenTheLockTokenIsTheLocks() throws Exception {
    GrantRequest both = GrantRequest.builder("job").lease("db", "2", "5").build();
    Grant g = engine("a").acquire(both).grant();
    assertThat(g.hasLock()).isTrue();
    assertThat(g.fencingToken()).isGreaterThan(g.leases().get(0).czxid());
    g.release();
    CuratorFramework admin = zk.client(SESSION);
    assertThat(admin.getChildren().forPath("/switchman/semaphores/db/leases")).isEmpty();
    assertThat(admin.getChildren().forPath("/switchman/locks")).isEmpty();
  }

  @Test
  void lockAppearingWhileWaitingForLeasesSkipsAndCleansUp() throws Exception {
    Grant full = engine("a").acquire(lease("hog", "db", "5", "5")).grant();
    GrantRequest both = GrantRequest.builder("job").lease("db", "1", "5").build();
    CompletableFuture<Acquisition> waiting = acquireAsync(engine("b"), both);
    await()
        .atMost(Duration.ofSeconds(2))
        .until(() -> zk.client(SESSION).getChildren().forPath("/switchman/queues/db").size() == 1);
    engine("c").acquire(lock("job"));
    Acquisition acq = waiting.get(5, TimeUnit.SECONDS);
    assertThat(acq.outcome()).isEqualTo(Outcome.BUSY);
    assertThat(acq.detail()).isEqualTo("lock 'job' appeared while waiting for leases");
    await()
        .atMost(Duration.ofSeconds(2))
        .until(() -> zk.client(SESSION).getChildren().forPath("/switchman/queues/db").isEmpty());
    assertThat(full.isHeld()).isTrue();
  }

  @Test
  void leaseWaitTimeoutIsAnOutcomeAndLeavesNoNodes() throws Exception {
    engine("a").acquire(lease("hog", "db", "5", "5"));
    GrantRequest req =
        GrantRequest.builder("job")
            .lock(false)
            .lease("db", "1", "5")
            .leaseWait(Duration.ofMillis(400))
            .build();
    Acquisition timedOut = engine("b").acquire(req);
    assertThat(timedOut.outcome()).isEqualTo(Outcome.LEASE_TIMEOUT);
    assertThat(timedOut.detail())
        .isEqualTo("Timed out after 400ms waiting for 1 units of resource db (request 'job')");
    await()
        .atMost(Duration.ofSeconds(2))
        .until(() -> zk.client(SESSION).getChildren().forPath("/switchman/queues/db").isEmpty());
  }

  @Test
  void unknownResourceAndMissingCapacityAreDistinctErrors() throws Exception {
    SwitchmanEngine e = engine("a");
    assertThatThrownBy(() -> e.acquire(lease("job", "nope", "1", "5")))
        .hasMessage(
            "Unknown resources [nope]: the \"resources\" of znode /switchman list [db, a_cpu, r1, r2]")
        .extracting(x -> ((SwitchmanException) x).kind())
        .isEqualTo(Kind.UNKNOWN_RESOURCE);
    assertThatThrownBy(() -> e.acquire(lease("job", "db", "1", null)))
        .hasMessage(
            "No capacity for resource 'db': give one with the lease, or add it to the"
                + " \"capacities\" of znode /switchman")
        .extracting(x -> ((SwitchmanException) x).kind())
        .isEqualTo(Kind.CAPACITY_UNKNOWN);
  }

  @Test
  void capacityComesFromTheClusterDataWhenNotGiven() throws Exception {
    clusterData(
        "{\"resources\": [\"db\", \"FQDN_cpu\"], \"capacities\": {\"db\": 2, \"FQDN_cpu\": \"CPU\"}}");
    SwitchmanEngine e = engine("a");
    Grant g = e.acquire(lease("job", "db", "1", null)).grant();
    assertThat(g.leases().get(0).capacity()).isEqualTo(2);
    Grant cpu = e.acquire(lease("job2", "FQDN_cpu", "1", null)).grant();
    assertThat(cpu.leases().get(0).capacity()).isEqualTo(4);
  }

  private static CompletableFuture<Acquisition> acquireAsync(SwitchmanEngine e, GrantRequest r) {
    return CompletableFuture.supplyAsync(
        () -> {
          try {
            return e.acquire(r);
          } catch (InterruptedException ex) {
            throw new IllegalStateException(ex);
          }
        });
  }

  private static CompletableFuture<Void> loop(SwitchmanEngine e, GrantRequest r, int times) {
    return CompletableFuture.runAsync(
        () -> {
          for (int i = 0; i < times; i++) {
            try {
              Acquisition acq = e.acquire(r);
              if (acq.grant() == null) {
                throw new AssertionError(acq.detail());
              }
              acq.grant().release();
            } catch (InterruptedException ex) {
              throw new IllegalStateException(ex);
            }
          }
        });
  }
}
