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
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.curator.framework.CuratorFramework;
import org.junit.jupiter.api.Test;

class EngineLifecycleTest extends EngineTestBase {

  @Test
  void statusShowsLocksWithHoldersQueuesLeasesWaitersAndOwnGrants() throws Exception {
    clusterData("{\"resources\": [\"db\"]}");
    SwitchmanEngine a = engine("host-a");
    Grant lock = a.acquire(lock("nightly")).grant();
    Grant lease =
        a.acquire(GrantRequest.builder("report").lock(false).lease("db", "2", "2").build()).grant();
    SwitchmanEngine b = engine("host-b");
    CompletableFuture<Acquisition> queued =
        CompletableFuture.supplyAsync(
            () ->
                acquire(
                    b, GrantRequest.builder("export").lock(false).lease("db", "1", "2").build()));
    CompletableFuture<Acquisition> waiting =
        CompletableFuture.supplyAsync(
            () ->
                acquire(
                    b, GrantRequest.builder("nightly").lockWait(Duration.ofSeconds(20)).build()));
    await()
        .atMost(Duration.ofSeconds(3))
        .until(
            () ->
                b.status().queues().containsKey("db")
                    && b.status().waiters().containsKey("nightly"));

    ClusterStatus s = b.status();
    long pid = ProcessHandle.current().pid();
    assertThat(s.prefix()).isEqualTo("/switchman");
    assertThat(s.locks())
        .singleElement()
        .satisfies(
            l -> {
              assertThat(l.name()).isEqualTo("nightly");
              assertThat(l.holder()).isEqualTo("host-a " + pid);
              assertThat(l.fencingToken()).isEqualTo(lock.fencingToken());
              assertThat(l.sessionId()).isEqualTo(lock.sessionId());
            });
    assertThat(s.leases().get("db"))
        .singleElement()
        .satisfies(
            l -> {
              assertThat(l.amount()).isEqualTo(2);
              assertThat(l.capacity()).isEqualTo(2);
              assertThat(l.holder()).isEqualTo("host-a " + pid);
              assertThat(l.fencingToken()).isEqualTo(lease.fencingToken());
            });
    assertThat(s.queues().get("db"))
        .singleElement()
        .satisfies(q -> assertThat(q.name()).isEqualTo("export"));
    assertThat(s.waiters().get("nightly")).hasSize(1);
    assertThat(s.clusterData()).isEqualTo("{\"resources\": [\"db\"]}");
    assertThat(a.status().ownGrants())
        .extracting(ClusterStatus.GrantInfo::name)
        .containsExactlyInAnyOrder("nightly", "report");
    assertThat(a.status().ownGrants())
        .filteredOn(g -> g.name().equals("report"))
        .singleElement()
        .satisfies(g -> assertThat(g.leases()).containsExactly("db=2/2"));

    lock.release();
    lease.release();
    assertThat(queued.get(5, TimeUnit.SECONDS).outcome()).isEqualTo(Outcome.ACQUIRED);
    assertThat(waiting.get(5, TimeUnit.SECONDS).outcome()).isEqualTo(Outcome.ACQUIRED);
  }

  @Test
  void closingTheEngineLosesAndReleasesEveryGrant() throws Exception {
    SwitchmanEngine a = engine("host-a");
    Grant g = a.acquire(lock("job")).grant();
    AtomicReference<LossReason> reason = new AtomicReference<>();
    g.onLoss(reason::set);
    a.close();
    await().atMost(Duration.ofSeconds(2)).until(() -> reason.get() != null);
    assertThat(reason.get()).isEqualTo(LossReason.ENGINE_CLOSED);
    assertThat(zk.client(SESSION).getChildren().forPath("/switchman/locks")).isEmpty();
    assertThatThrownBy(() -> a.acquire(lock("job")))
        .hasMessage("The switchman engine is closed")
        .extracting(e -> ((SwitchmanException) e).kind())
        .isEqualTo(Kind.CLOSED);
  }

  @Test
  void unreachableZooKeeperFailsClosedWithinTheOperationTimeout() throws Exception {
    CuratorFramework client = zk.client(SESSION);
    SwitchmanEngine a =
        zk.closeLater(
            SwitchmanEngine.builder(client)
                .host(new HostFacts("host-a", 1, 1024))
                .operationTimeout(Duration.ofMillis(800))
                .build());
    zk.server().stop();
    await().atMost(Duration.ofSeconds(5)).until(() -> !a.isConnected());
    long t0 = System.nanoTime();
    assertThatThrownBy(() -> a.acquire(lock("job")))
        .isInstanceOf(SwitchmanException.class)
        .hasMessageMatching(
            "ZooKeeper at 127\\.0\\.0\\.1:\\d+ is unreachable: no connection within 800ms")
        .extracting(e -> ((SwitchmanException) e).kind())
        .isEqualTo(Kind.UNAVAILABLE);
    assertThat(System.nanoTime() - t0).isLessThan(TimeUnit.SECONDS.toNanos(3));
    // A bad value is reported as such, not as unreachable ZooKeeper.
    assertThatThrownBy(() -> a.acquire(GrantRequest.builder("job").lease("db", "0", "2").build()))
        .hasMessage("Invalid amount 0 for resource db: must be at least 1");
    assertThatThrownBy(() -> a.acquire(GrantRequest.builder("job").lease("db", "3", "2").build()))
        .hasMessage("Lease of 3 units of resource db can never be granted: its capacity is 2");
    zk.server().restart();
    await()
        .atMost(Duration.ofSeconds(10))
        .ignoreExceptions()
        .until(() -> a.acquire(lock("job")).outcome() == Outcome.ACQUIRED);
  }

  @Test
  void interruptedWaitLeavesNoNodes() throws Exception {
    clusterData("{\"resources\": [\"db\"]}");
    engine("hog").acquire(GrantRequest.builder("hog").lock(false).lease("db", "1", "1").build());
    SwitchmanEngine b = engine("host-b");
    AtomicReference<Thread> thread = new AtomicReference<>();
    CompletableFuture<Acquisition> waiting =
        CompletableFuture.supplyAsync(
            () -> {
              thread.set(Thread.currentThread());
              return acquire(b, GrantRequest.builder("job").lease("db", "1", "1").build());
            });
    CuratorFramework admin = zk.client(SESSION);
    await()
        .atMost(Duration.ofSeconds(3))
        .until(() -> admin.getChildren().forPath("/switchman/queues/db").size() == 1);
    thread.get().interrupt();
    assertThatThrownBy(() -> waiting.get(5, TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class)
        .hasRootCauseInstanceOf(InterruptedException.class);
    await()
        .atMost(Duration.ofSeconds(3))
        .until(() -> admin.getChildren().forPath("/switchman/queues/db").isEmpty());
    assertThat(admin.getChildren().forPath("/switchman/semaphores/db/lock")).isEmpty();
  }

  @Test
  void stopBudgetAboveHalfTheSessionOfASingleServerIsWarnedAbout() throws Exception {
    CuratorFramework client = zk.client(SESSION);
    SwitchmanEngine tooLarge =
        zk.closeLater(SwitchmanEngine.builder(client).stopBudget(Duration.ofSeconds(2)).build());
    int s = tooLarge.negotiatedSessionTimeoutMs();
    assertThat(s).isEqualTo(3000);
    assertThat(tooLarge.isSingleServer()).as("the test server is standalone").isTrue();
    assertThat(tooLarge.safetyBudgetWarning())
        .contains(
            "The stop budget of 2000 ms does not fit the negotiated session timeout of 3000 ms: at"
                + " most 1500 ms (S/2 on a single server) leaves room for the safety deadline's"
                + " refreshes, so grants will be declared lost early or at once. Lower the stop"
                + " timeout or raise the session timeout.");
    SwitchmanEngine fits =
        zk.closeLater(SwitchmanEngine.builder(client).stopBudget(Duration.ofMillis(1500)).build());
    assertThat(fits.safetyBudgetWarning()).isEmpty();
    // On an ensemble of several servers the same budget takes at most S/4.
    assertThat(StopBudget.warning(Duration.ofMillis(1500), Duration.ofMillis(s)))
        .contains(
            "The stop budget of 1500 ms does not fit the negotiated session timeout of 3000 ms: at"
                + " most 750 ms (S/4) leaves room for the safety deadline's refreshes, so grants"
                + " will be declared lost early or at once. Lower the stop timeout or raise the"
                + " session timeout.");
  }

  @Test
  void negotiatedSessionTimeoutIsTheServersNotTheRequestedOne() throws Exception {
    // The server clamps sessions to [2, 20] ticks of 200 ms.
    SwitchmanEngine a = engine(zk.client(Duration.ofSeconds(60)), "host-a");
    assertThat(a.negotiatedSessionTimeoutMs()).isEqualTo(4000);
    Grant g = a.acquire(lock("job")).grant();
    // A single server answers every request itself: the first deadline is the create + S -
    // reserve, as every later one (the rule of several servers is in FollowerCutOffTest).
    assertThat(a.isSingleServer()).isTrue();
    long left = g.safeUntilNanos() - System.nanoTime();
    assertThat(left)
        .isBetween(
            TimeUnit.MILLISECONDS.toNanos(4000 - 600 - 1000),
            TimeUnit.MILLISECONDS.toNanos(4000 - 600));
    // Each refresh (S/6 apart) moves it to its send time + S - reserve.
    long before = g.safeUntilNanos();
    await()
        .atMost(Duration.ofSeconds(3))
        .until(() -> g.safeUntilNanos() - before > TimeUnit.MILLISECONDS.toNanos(400));
    assertThat(g.safeUntilNanos() - System.nanoTime())
        .isBetween(
            TimeUnit.MILLISECONDS.toNanos(4000 - 600 - 4000 / 6 - 500),
            TimeUnit.MILLISECONDS.toNanos(4000 - 600));
    assertThat(List.of(a.grants().get(0))).containsExactly(g);
  }

  private static Acquisition acquire(SwitchmanEngine e, GrantRequest r) {
    try {
      return e.acquire(r);
    } catch (InterruptedException ex) {
      throw new IllegalStateException(ex);
    }
  }
}
