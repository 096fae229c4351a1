/*
 * Copyright 2026 the switchman authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package io.switchman.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.switchman.core.Acquisition.Outcome;
import io.switchman.core.testing.FaultLink;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.curator.framework.CuratorFramework;
import org.apache.zookeeper.data.Stat;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 10, item 8: a request's lock claim lasts until the delete of its lock node is confirmed, so
 * that no other request of the same JVM adopts a node that a pending delete then removes.
 */
class LockClaimTest extends EngineTestBase {

  private static final String LOCK = "/switchman/locks/j";

  private final ExecutorService pool = Executors.newCachedThreadPool();

  @AfterEach
  void stopPool() {
    pool.shutdownNow();
  }

  @Test
  void aLockNodeWhoseDeleteIsPendingIsNeverAdoptedByAnotherRequest() throws Exception {
    FaultLink link = zk.closeLater(new FaultLink(zk.port(), true));
    CuratorFramework client = zk.client(link.connectString(), SESSION);
    SwitchmanEngine engine = engine(client, "host-a");
    CuratorFramework observer = zk.client(SESSION);
    Grant other = engine("host-b").acquire(lock("j")).grant();

    // R1 waits for the lock. Right after its create of the lock node returns, its link drops every
    // byte and its thread is interrupted: R1 is abandoned, and the delete of its lock node never
    // reaches the server.
    AtomicBoolean faulted = new AtomicBoolean();
    engine.session().afterCreate =
        path -> {
          if (path.equals(LOCK) && faulted.compareAndSet(false, true)) {
            link.partition();
            Thread.currentThread().interrupt();
          }
        };
    Future<Acquisition> r1 =
        pool.submit(
            () ->
                engine.acquire(GrantRequest.builder("j").lockWait(Duration.ofSeconds(20)).build()));
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> observer.getChildren().forPath("/switchman/waiters/j").size() == 1);
    other.release();
    assertThatThrownBy(() -> r1.get(10, TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class)
        .hasCauseInstanceOf(InterruptedException.class);
    Stat abandoned = observer.checkExists().forPath(LOCK);
    assertThat(abandoned).isNotNull();
    assertThat(abandoned.getEphemeralOwner()).isEqualTo(engine.sessionId());

    // The link forwards again and drops its connections: R1's delete fails with connection loss and
    // is retried later. The next create's reply is lost.
    link.cutAfterNextRequest(FaultLink.CREATES, zk.port());
    link.heal();
    link.disconnect();

    // R2 of the same JVM asks for the lock until it gets it.
    AtomicReference<Acquisition> r2 = new AtomicReference<>();
    await()
        .atMost(Duration.ofSeconds(20))
        .pollInterval(Duration.ofMillis(50))
        .until(
            () -> {
              Acquisition a = engine.acquire(lock("j"));
              r2.set(a);
              return a.outcome() == Outcome.ACQUIRED;
            });
    Grant g = r2.get().grant();
    assertThat(g.fencingToken())
        .as(
            "R2's fencing token: it must not adopt R1's abandoned lock node (czxid %d), whose"
                + " delete is still pending",
            abandoned.getCzxid())
        .isNotEqualTo(abandoned.getCzxid());
    Stat now = observer.checkExists().forPath(LOCK);
    assertThat(now).isNotNull();
    assertThat(now.getCzxid()).isEqualTo(g.fencingToken());
    assertThat(g.isHeld())
        .as(
            "R2 held (lost: %s, deadline in %d ms)",
            g.lossReason(), (g.safeUntilNanos() - System.nanoTime()) / 1_000_000)
        .isTrue();
    g.release();
  }
}
