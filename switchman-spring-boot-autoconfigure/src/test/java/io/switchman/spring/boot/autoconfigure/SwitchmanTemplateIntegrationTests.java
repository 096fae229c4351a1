/*
 * Copyright 2026 the switchman authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package io.switchman.spring.boot.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.switchman.core.ClusterData;
import io.switchman.core.Grant;
import io.switchman.core.SwitchmanContext;
import io.switchman.core.SwitchmanEngine;
import io.switchman.core.testing.TcpProxy;
import io.switchman.core.testing.ZooKeeperServerExtension;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/** Code without annotations: SwitchmanTemplate, and SwitchmanContext assertions. */
class SwitchmanTemplateIntegrationTests {

  @RegisterExtension static final ZooKeeperServerExtension zk = new ZooKeeperServerExtension();

  private final RunRecord record = new RunRecord();
  private final String prefix = "/template-" + UUID.randomUUID();
  private final ExecutorService callers = Executors.newCachedThreadPool();
  private final ApplicationContextRunner runner =
      new ApplicationContextRunner()
          .withConfiguration(AutoConfigurations.of(SwitchmanAutoConfiguration.class))
          .withBean(SwitchmanRunListener.class, record::listener)
          .withPropertyValues(
              "switchman.prefix=" + prefix,
              "switchman.session-timeout=4s",
              "switchman.connection-timeout=1s",
              "switchman.stop-timeout=1s",
              "switchman.capacities[slots]=2");

  private ApplicationContextRunner direct() {
    return runner.withPropertyValues("switchman.connect-string=" + zk.connectString());
  }

  @AfterEach
  void stopCallers() {
    callers.shutdownNow();
  }

  @Test
  void runCallAndExecuteShouldRunUnderTheGrant() throws Exception {
    direct()
        .run(
            context -> {
              context
                  .getBean(SwitchmanEngine.class)
                  .writeClusterData(new ClusterData(Map.of(), List.of("slots"), Map.of()));
              SwitchmanTemplate switchman = context.getBean(SwitchmanTemplate.class);
              List<String> seen = new CopyOnWriteArrayList<>();
              assertThat(switchman.lock("tpl-run").run(() -> seen.add(SwitchmanContext.lockName())))
                  .isTrue();
              assertThat(
                      switchman.lock("tpl-call").call(() -> SwitchmanContext.assertHeld().name()))
                  .isEqualTo(new SwitchmanTemplate.Result<>(true, "tpl-call"));
              SwitchmanTemplate.Result<Long> token =
                  switchman.leases("tpl-leases").lease("slots", 1).execute(Grant::fencingToken);
              assertThat(token.ran()).isTrue();
              assertThat(token.value()).isPositive();
              assertThat(seen).containsExactly("tpl-run");
              assertThat(context.getBean(SwitchmanEngine.class).grants()).isEmpty();
            });
  }

  @Test
  void groupShouldSkipHostsOutsideIt() {
    direct()
        .withPropertyValues("switchman.host=tpl-host")
        .run(
            context -> {
              context
                  .getBean(SwitchmanEngine.class)
                  .writeClusterData(
                      new ClusterData(
                          Map.of("others", List.of("elsewhere"), "mine", List.of("tpl-host")),
                          List.of(),
                          Map.of()));
              SwitchmanTemplate switchman = context.getBean(SwitchmanTemplate.class);
              assertThat(switchman.lock("tpl-group").group("others").run(() -> {})).isFalse();
              assertThat(record.skips("tpl-group", "not-in-group")).isEqualTo(1);
              assertThat(switchman.lock("tpl-group").group("mine").run(() -> {})).isTrue();
            });
  }

  @Test
  void busyLockShouldSkipAndSayItDidNotRun() throws Exception {
    direct()
        .run(
            a ->
                direct()
                    .run(
                        b -> {
                          SwitchmanTemplate ta = a.getBean(SwitchmanTemplate.class);
                          SwitchmanTemplate tb = b.getBean(SwitchmanTemplate.class);
                          AtomicBoolean release = new AtomicBoolean();
                          Future<Boolean> holder =
                              callers.submit(
                                  () ->
                                      ta.lock("tpl-busy")
                                          .run(
                                              () -> {
                                                record.event("held");
                                                await().untilTrue(release);
                                              }));
                          await().until(() -> record.has("held"));
                          AtomicBoolean ran = new AtomicBoolean();
                          assertThat(tb.lock("tpl-busy").run(() -> ran.set(true))).isFalse();
                          assertThat(tb.lock("tpl-busy").call(() -> "x"))
                              .isEqualTo(new SwitchmanTemplate.Result<>(false, null));
                          assertThat(ran).isFalse();
                          assertThat(record.skips("tpl-busy", "busy")).isEqualTo(2);
                          release.set(true);
                          assertThat(holder.get(10, TimeUnit.SECONDS)).isTrue();
                          assertThat(
                                  tb.lock("tpl-busy")
                                      .waitFor(Duration.ofSeconds(5))
                                      .run(() -> ran.set(true)))
                              .isTrue();
                        }));
    RunRecord.assertNoLeftoverNodes(zk.connectString(), prefix);
  }

  @Test
  void templatesOfThreeContextsShouldNotOverlap() throws Exception {
    direct()
        .run(
            a ->
                direct()
                    .run(
                        b ->
                            direct()
                                .run(
                                    c -> {
                                      AtomicBoolean stop = new AtomicBoolean();
                                      List<Future<?>> loops = new CopyOnWriteArrayList<>();
                                      for (var ctx : List.of(a, b, c)) {
                                        SwitchmanTemplate.Spec spec =
                                            ctx.getBean(SwitchmanTemplate.class)
                                                .lock("tpl-contended")
                                                .waitFor(Duration.ofMillis(50));
                                        String id = ctx.getId();
                                        loops.add(
                                            callers.submit(
                                                () -> {
                                                  while (!stop.get()) {
                                                    spec.call(
                                                        () -> {
                                                          long start = System.nanoTime();
                                                          Thread.sleep(100);
                                                          record.interval(id, start);
                                                          return null;
                                                        });
                                                  }
                                                  return null;
                                                }));
                                      }
                                      await()
                                          .atMost(Duration.ofSeconds(30))
                                          .until(() -> record.intervals.size() >= 12);
                                      stop.set(true);
                                      for (Future<?> f : loops) {
                                        f.get(10, TimeUnit.SECONDS);
                                      }
                                      record.assertNoOverlap();
                                    })));
  }

  @Test
  void partitionedTemplateRunShouldBeInterruptedBeforeAnotherContextRuns() throws Exception {
    try (TcpProxy proxy = new TcpProxy(zk.server().getPort())) {
      runner
          .withPropertyValues("switchman.connect-string=" + proxy.connectString())
          .run(
              a ->
                  direct()
                      .run(
                          b -> {
                            SwitchmanTemplate ta = a.getBean(SwitchmanTemplate.class);
                            SwitchmanTemplate tb = b.getBean(SwitchmanTemplate.class);
                            Future<Boolean> holder =
                                callers.submit(
                                    () ->
                                        ta.lock("tpl-partition")
                                            .run(
                                                () -> {
                                                  record.event("start a");
                                                  try {
                                                    Thread.sleep(30_000);
                                                  } catch (InterruptedException e) {
                                                    record.event("interrupted a");
                                                  }
                                                }));
                            await().until(() -> record.has("start a"));
                            proxy.partition();
                            await()
                                .atMost(Duration.ofSeconds(20))
                                .pollInterval(Duration.ofMillis(100))
                                .until(
                                    () ->
                                        tb.lock("tpl-partition")
                                            .run(() -> record.event("start b")));
                            assertThat(holder.get(10, TimeUnit.SECONDS)).isTrue();
                            assertThat(record.events)
                                .containsSubsequence("start a", "interrupted a", "start b");
                          }));
    }
    RunRecord.assertNoLeftoverNodes(zk.connectString(), prefix);
  }

  @Test
  void maxDurationAndHoldAtLeastShouldApply() {
    direct()
        .run(
            context -> {
              SwitchmanTemplate switchman = context.getBean(SwitchmanTemplate.class);
              AtomicBoolean interrupted = new AtomicBoolean();
              switchman
                  .lock("tpl-max")
                  .maxDuration(Duration.ofMillis(200))
                  .run(
                      () -> {
                        try {
                          Thread.sleep(20_000);
                        } catch (InterruptedException e) {
                          interrupted.set(true);
                        }
                      });
              assertThat(interrupted).isTrue();
              assertThat(Thread.currentThread().isInterrupted()).isFalse();
              SwitchmanTemplate.Spec kept =
                  switchman.lock("tpl-kept").holdAtLeast(Duration.ofSeconds(3));
              assertThat(kept.run(() -> {})).isTrue();
              assertThat(kept.run(() -> {})).isFalse();
              await().atMost(Duration.ofSeconds(15)).until(() -> kept.run(() -> {}));
            });
  }

  @Test
  void invalidOptionsShouldBeRefusedNamingTheValue() {
    direct()
        .run(
            context -> {
              SwitchmanTemplate switchman = context.getBean(SwitchmanTemplate.class);
              assertThatThrownBy(() -> switchman.lock(""))
                  .isInstanceOf(IllegalArgumentException.class)
                  .hasMessage("Invalid lock name '': must not be empty");
              assertThatThrownBy(() -> switchman.lock("x").maxDuration(Duration.ZERO))
                  .isInstanceOf(IllegalArgumentException.class)
                  .hasMessage("Invalid maxDuration 0s: must be positive");
              assertThatThrownBy(() -> switchman.lock("x").waitFor(Duration.ofSeconds(-1)))
                  .isInstanceOf(IllegalArgumentException.class)
                  .hasMessage("Invalid waitFor -1s: must not be negative");
              assertThatThrownBy(() -> switchman.lock("x").lease("slots", 0))
                  .isInstanceOf(IllegalArgumentException.class)
                  .hasMessage("Invalid amount 0 of lease slots: must be at least 1");
              assertThatThrownBy(() -> switchman.lock("x").lease("slots", 1).lease("slots", 1))
                  .isInstanceOf(IllegalArgumentException.class)
                  .hasMessage(
                      "resource 'slots' is leased twice; lease it once with the sum of the"
                          + " amounts");
              assertThatThrownBy(() -> switchman.leases("y").run(() -> {}))
                  .isInstanceOf(IllegalStateException.class)
                  .hasMessage("SwitchmanTemplate.leases(\"y\") needs at least one lease(...)");
            });
  }

  @Test
  void contextAssertionsShouldSayWhatIsMissing() {
    assertThatThrownBy(SwitchmanContext::assertHeld)
        .isInstanceOf(IllegalStateException.class)
        .hasMessage(
            "Not running under a switchman grant: this code must run inside a method guarded by"
                + " @SwitchmanLock or @SwitchmanLease, or a SwitchmanTemplate run, on the thread"
                + " that runs it");
    assertThatThrownBy(() -> SwitchmanContext.assertHeld("nightly"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage(
            "Not running under the switchman lock 'nightly': this code must run inside a method"
                + " guarded by @SwitchmanLock(name = \"nightly\"), or a SwitchmanTemplate run of"
                + " that lock, on the thread that runs it");
    direct()
        .run(
            context -> {
              SwitchmanTemplate switchman = context.getBean(SwitchmanTemplate.class);
              switchman
                  .lock("tpl-assert")
                  .run(
                      () -> {
                        assertThat(SwitchmanContext.assertHeld("tpl-assert").name())
                            .isEqualTo("tpl-assert");
                        assertThatThrownBy(() -> SwitchmanContext.assertHeld("nightly"))
                            .hasMessage(
                                "Not running under the switchman lock 'nightly': this code runs"
                                    + " under 'tpl-assert'");
                      });
              Grant[] kept = new Grant[1];
              switchman.lock("tpl-released").execute(g -> kept[0] = g);
              try (SwitchmanContext.Scope scope = SwitchmanContext.enter(kept[0])) {
                assertThatThrownBy(SwitchmanContext::assertHeld)
                    .hasMessage(
                        "The switchman grant 'tpl-released' (fencing token "
                            + kept[0].fencingToken()
                            + ") is no longer held: it was released");
              }
            });
  }
}
