/*
 * Copyright 2026 the switchman authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package io.switchman.spring.boot.autoconfigure.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationHandler;
import io.micrometer.observation.ObservationRegistry;
import io.switchman.annotation.SwitchmanLock;
import io.switchman.core.Acquisition.Outcome;
import io.switchman.core.Grant;
import io.switchman.core.SwitchmanContext;
import io.switchman.core.testing.ZooKeeperServerExtension;
import io.switchman.spring.boot.autoconfigure.SwitchmanAutoConfiguration;
import io.switchman.spring.boot.autoconfigure.SwitchmanRunListener;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

class SwitchmanMetricsAutoConfigurationTests {

  @RegisterExtension static final ZooKeeperServerExtension zk = new ZooKeeperServerExtension();

  private final ApplicationContextRunner runner =
      new ApplicationContextRunner()
          .withConfiguration(
              AutoConfigurations.of(
                  SwitchmanAutoConfiguration.class, SwitchmanMetricsAutoConfiguration.class))
          .withPropertyValues(
              "switchman.connect-string=" + zk.server().getConnectString(),
              "switchman.prefix=/metrics-" + UUID.randomUUID(),
              "switchman.session-timeout=4s",
              "switchman.stop-timeout=1s");

  @Test
  void meterRegistryShouldGetSwitchmanMeters() {
    runner
        .withBean(SimpleMeterRegistry.class)
        .withBean(Job.class)
        .run(
            context -> {
              assertThat(context).hasSingleBean(SwitchmanMetrics.class);
              MeterRegistry registry = context.getBean(MeterRegistry.class);
              Job job = context.getBean(Job.class);
              assertThat(job.run()).isEqualTo(1.0);
              assertThat(registry.get("switchman.grants.active").gauge().value()).isZero();
              assertThat(
                      registry
                          .get("switchman.acquisitions")
                          .tags("name", "job", "outcome", "acquired")
                          .counter()
                          .count())
                  .isEqualTo(1);
              assertThat(
                      registry
                          .get("switchman.wait")
                          .tags("name", "job", "outcome", "acquired")
                          .timer()
                          .count())
                  .isEqualTo(1);
              assertThat(
                      registry
                          .get("switchman.hold")
                          .tags("name", "job", "exception", "none")
                          .timer()
                          .count())
                  .isEqualTo(1);
            });
  }

  @Test
  void holdShouldTimeTheGrantIncludingHoldAtLeastNotJustTheMethod() {
    runner
        .withBean(SimpleMeterRegistry.class)
        .withBean(Job.class)
        .run(
            context -> {
              MeterRegistry registry = context.getBean(MeterRegistry.class);
              assertThat(context.getBean(Job.class).kept()).isEqualTo(1.0);
              // the method returned at once; the grant is kept 400 ms more and timed until released
              await()
                  .atMost(Duration.ofSeconds(30))
                  .untilAsserted(
                      () ->
                          assertThat(
                                  registry
                                      .find("switchman.hold")
                                      .tags("name", "kept", "exception", "none")
                                      .timer())
                              .isNotNull()
                              .satisfies(t -> assertThat(t.count()).isEqualTo(1)));
              assertThat(
                      registry
                          .get("switchman.hold")
                          .tags("name", "kept", "exception", "none")
                          .timer()
                          .totalTime(TimeUnit.MILLISECONDS))
                  .isGreaterThanOrEqualTo(400.0);
            });
  }

  @Test
  void noMeterRegistryShouldMeanNoMetrics() {
    runner.run(context -> assertThat(context).doesNotHaveBean(SwitchmanMetrics.class));
  }

  @Test
  void noMicrometerShouldMeanNoMetrics() {
    runner
        .withClassLoader(new FilteredClassLoader(MeterRegistry.class))
        .run(context -> assertThat(context).hasNotFailed().doesNotHaveBean(SwitchmanMetrics.class));
  }

  @Test
  void observationRegistryShouldObserveEachRun() {
    List<String> seen = new CopyOnWriteArrayList<>();
    ObservationRegistry observations = ObservationRegistry.create();
    observations
        .observationConfig()
        .observationHandler(
            new ObservationHandler<Observation.Context>() {
              @Override
              public void onStart(Observation.Context c) {
                seen.add(
                    "start "
                        + c.getName()
                        + " "
                        + c.getLowCardinalityKeyValue("switchman.name").getValue());
              }

              @Override
              public void onStop(Observation.Context c) {
                seen.add("stop " + c.getName());
              }

              @Override
              public boolean supportsContext(Observation.Context c) {
                return true;
              }
            });
    runner
        .withBean(ObservationRegistry.class, () -> observations)
        .withBean(Job.class)
        .run(
            context -> {
              assertThat(context).hasSingleBean(SwitchmanObservations.class);
              assertThat(context.getBean(Job.class).observed(observations)).isTrue();
              assertThat(seen).containsExactly("start switchman.run job2", "stop switchman.run");
            });
  }

  @Test
  void noObservationApiShouldMeanNoObservations() {
    runner
        .withClassLoader(new FilteredClassLoader(ObservationRegistry.class))
        .withBean(SimpleMeterRegistry.class)
        .run(
            context ->
                assertThat(context)
                    .hasNotFailed()
                    .hasSingleBean(SwitchmanMetrics.class)
                    .doesNotHaveBean(SwitchmanObservations.class));
  }

  @Test
  void failingListenerShouldNotBreakTheJob() {
    SwitchmanRunListener failing =
        new SwitchmanRunListener() {
          @Override
          public Run started(String name, Grant grant, Duration waited) {
            return (ran, error) -> {
              throw new IllegalStateException("listener finished failed");
            };
          }

          @Override
          public void skipped(String name, Outcome outcome, Duration waited, String detail) {
            throw new IllegalStateException("listener skipped failed");
          }
        };
    SwitchmanRunListener failingEarly =
        new SwitchmanRunListener() {
          @Override
          public Run started(String name, Grant grant, Duration waited) {
            throw new IllegalStateException("listener started failed");
          }
        };
    runner
        .withBean("failing", SwitchmanRunListener.class, () -> failing)
        .withBean("failingEarly", SwitchmanRunListener.class, () -> failingEarly)
        .withBean(Job.class)
        .run(context -> assertThat(context.getBean(Job.class).run()).isEqualTo(1.0));
  }

  /** A guarded job. */
  static class Job {
    @SwitchmanLock(name = "job")
    public Double run() {
      return SwitchmanContext.isHeld() ? 1.0 : 0.0;
    }

    @SwitchmanLock(name = "kept", holdAtLeast = "400ms")
    public Double kept() {
      return 1.0;
    }

    @SwitchmanLock(name = "job2")
    public Boolean observed(ObservationRegistry registry) {
      return registry.getCurrentObservation() != null;
    }
  }
}
