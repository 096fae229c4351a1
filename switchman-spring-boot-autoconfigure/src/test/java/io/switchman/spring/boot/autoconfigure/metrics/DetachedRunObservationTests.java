/*
 * Copyright 2026 the switchman authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package io.switchman.spring.boot.autoconfigure.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationHandler;
import io.micrometer.observation.ObservationRegistry;
import io.switchman.annotation.SwitchmanLock;
import io.switchman.core.testing.ZooKeeperServerExtension;
import io.switchman.spring.boot.autoconfigure.SwitchmanAutoConfiguration;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import reactor.core.publisher.Mono;

/** Metrics and observations of runs that go on after the method returned (a Mono). */
class DetachedRunObservationTests {

  @RegisterExtension static final ZooKeeperServerExtension zk = new ZooKeeperServerExtension();

  @Test
  void monoRunShouldBeObservedAndTimedForItsWholeSubscriptionWithoutAThreadScope() {
    List<String> events = new CopyOnWriteArrayList<>();
    ObservationRegistry observations = ObservationRegistry.create();
    observations
        .observationConfig()
        .observationHandler(
            new ObservationHandler<Observation.Context>() {
              @Override
              public void onStart(Observation.Context c) {
                events.add("start " + c.getName());
              }

              @Override
              public void onScopeOpened(Observation.Context c) {
                events.add("scope " + c.getName());
              }

              @Override
              public void onStop(Observation.Context c) {
                events.add("stop " + c.getName());
              }

              @Override
              public boolean supportsContext(Observation.Context c) {
                return true;
              }
            });
    new ApplicationContextRunner()
        .withConfiguration(
            AutoConfigurations.of(
                SwitchmanAutoConfiguration.class, SwitchmanMetricsAutoConfiguration.class))
        .withPropertyValues(
            "switchman.connect-string=" + zk.connectString(),
            "switchman.prefix=/detached-" + UUID.randomUUID(),
            "switchman.session-timeout=4s",
            "switchman.stop-timeout=1s")
        .withBean(SimpleMeterRegistry.class)
        .withBean(ObservationRegistry.class, () -> observations)
        .withBean(Job.class)
        .run(
            context -> {
              Mono<String> run = context.getBean(Job.class).run();
              assertThat(events).isEmpty();
              assertThat(run.block(Duration.ofSeconds(10))).isEqualTo("done");
              await().until(() -> events.contains("stop switchman.run"));
              assertThat(events).containsExactly("start switchman.run", "stop switchman.run");
              SimpleMeterRegistry meters = context.getBean(SimpleMeterRegistry.class);
              assertThat(
                      meters
                          .get("switchman.hold")
                          .tags("name", "detached", "exception", "none")
                          .timer()
                          .totalTime(java.util.concurrent.TimeUnit.MILLISECONDS))
                  .isGreaterThanOrEqualTo(200);
            });
  }

  /** Works 200 ms after subscription. */
  public static class Job {
    @SwitchmanLock(name = "detached")
    public Mono<String> run() {
      return Mono.delay(Duration.ofMillis(200)).thenReturn("done");
    }
  }
}
