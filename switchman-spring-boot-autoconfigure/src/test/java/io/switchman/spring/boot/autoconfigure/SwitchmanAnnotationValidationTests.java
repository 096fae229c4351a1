/*
 * Copyright 2026 the switchman authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package io.switchman.spring.boot.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import io.switchman.annotation.SwitchmanLease;
import io.switchman.annotation.SwitchmanLock;
import io.switchman.core.ClusterData;
import io.switchman.core.SwitchmanEngine;
import io.switchman.core.testing.ZooKeeperServerExtension;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.ContextConsumer;

/** Every guarded method is validated at startup, with one clear error naming the method. */
class SwitchmanAnnotationValidationTests {

  @RegisterExtension static final ZooKeeperServerExtension zk = new ZooKeeperServerExtension();

  private final ApplicationContextRunner runner =
      new ApplicationContextRunner()
          .withConfiguration(AutoConfigurations.of(SwitchmanAutoConfiguration.class))
          .withPropertyValues(
              "switchman.connect-string=" + zk.server().getConnectString(),
              "switchman.prefix=/validation-" + UUID.randomUUID(),
              "switchman.connection-timeout=2s",
              "switchman.session-timeout=4s",
              "switchman.stop-timeout=1s");

  @Test
  void invalidDurationShouldFailNamingTheMethod() {
    failsWith(BadDuration.class, "BadDuration.run()", "Invalid waitFor 'soon'", "10s");
  }

  @Test
  void nameWithSlashShouldFail() {
    failsWith(BadName.class, "BadName.run()", "Invalid lock name 'a/b'", "'/' is not allowed");
  }

  @Test
  void unresolvablePlaceholderShouldFail() {
    failsWith(
        BadPlaceholder.class,
        "BadPlaceholder.run()",
        "Invalid name '${no.such.property}'",
        "no.such.property");
  }

  @Test
  void primitiveReturnTypeShouldFail() {
    failsWith(
        PrimitiveReturn.class,
        "PrimitiveReturn.count()",
        "it returns int, which cannot be skipped");
  }

  @Test
  void zeroMaxDurationShouldFail() {
    failsWith(ZeroMaxDuration.class, "ZeroMaxDuration.run()", "Invalid maxDuration '0s'");
  }

  @Test
  void negativeDurationShouldFail() {
    failsWith(NegativeHold.class, "NegativeHold.run()", "Invalid holdAtLeast '-PT1S'");
  }

  @Test
  void resourceLeasedTwiceShouldFail() {
    failsWith(TwiceLeased.class, "TwiceLeased.run()", "Resource db is leased twice");
  }

  @Test
  void amountAboveCapacityShouldFail() {
    failsWith(
        AboveCapacity.class,
        "AboveCapacity.run()",
        "Lease of 5 units of resource db can never be granted: its capacity is 4");
  }

  @Test
  void negativeAmountShouldFail() {
    failsWith(
        NegativeAmount.class,
        "NegativeAmount.run()",
        "Invalid amount -2 for resource db",
        "at least 1");
  }

  @Test
  void amountBelowOneShouldFail() {
    failsWith(
        ZeroAmount.class, "ZeroAmount.run()", "Invalid amount 0 for resource db", "at least 1");
  }

  @Test
  void invalidCapacityShouldFail() {
    failsWith(
        BadCapacity.class,
        "BadCapacity.run()",
        "Invalid capacity of resource db",
        "'CPU*' (after macro expansion: '",
        "allowed are integers");
  }

  @Test
  void capacityKnownNowhereShouldFailWhenTheClusterDataIsReadable() {
    runner
        .withBean(NoCapacity.class)
        .run(
            context ->
                assertThat(context.getStartupFailure())
                    .isInstanceOf(SwitchmanConfigurationException.class)
                    .hasMessageContaining("NoCapacity.run()")
                    .hasMessageContaining("no capacity for resource 'db'")
                    .hasMessageContaining("switchman.capacities[db]"));
  }

  @Test
  void capacityFromTheClusterDataShouldBeAccepted() {
    String prefix = "/validation-" + UUID.randomUUID();
    runner
        .withPropertyValues("switchman.prefix=" + prefix)
        .run(
            context ->
                context
                    .getBean(SwitchmanEngine.class)
                    .writeClusterData(new ClusterData(Map.of(), List.of("db"), Map.of("db", "3"))));
    runner
        .withPropertyValues("switchman.prefix=" + prefix)
        .withBean(NoCapacity.class)
        .run(context -> assertThat(context).hasNotFailed());
  }

  @Test
  void capacityFromThePropertiesShouldBeAccepted() {
    runner
        .withPropertyValues("switchman.capacities.db=2", "switchman.cluster-data.resources=db")
        .withBean(NoCapacity.class)
        .run(
            context -> {
              assertThat(context).hasNotFailed();
              GuardedMethod m =
                  context
                      .getBean(GuardedMethods.class)
                      .get(NoCapacity.class.getMethod("run"), NoCapacity.class);
              assertThat(m.request().leases().get(0).capacity()).isEqualTo("2");
            });
  }

  @Test
  void validMethodShouldResolveDefaultsAndPlaceholders() {
    runner
        .withPropertyValues(
            "job.name=nightly",
            "job.wait=5s",
            "job.group=workers",
            "switchman.cluster-data.groups.workers=somehost",
            "switchman.cluster-data.resources=FQDN_cpu,db")
        .withBean(Valid.class)
        .run(
            context -> {
              assertThat(context).hasNotFailed();
              GuardedMethods methods = context.getBean(GuardedMethods.class);
              GuardedMethod placeholders =
                  methods.get(Valid.class.getMethod("placeholders"), Valid.class);
              assertThat(placeholders.request().name()).isEqualTo("nightly");
              assertThat(placeholders.request().lockWait()).isEqualTo(Duration.ofSeconds(5));
              assertThat(placeholders.request().group()).isEqualTo("workers");
              assertThat(placeholders.holdAtLeast()).isEqualTo(Duration.ofMinutes(1));
              assertThat(placeholders.maxDuration()).isEqualTo(Duration.ofSeconds(90));
              GuardedMethod defaults = methods.get(Valid.class.getMethod("defaults"), Valid.class);
              assertThat(defaults.request().name()).isEqualTo("Valid.defaults");
              assertThat(defaults.request().lock()).isTrue();
              assertThat(defaults.request().lockWait()).isZero();
              assertThat(defaults.request().group()).isNull();
              assertThat(defaults.maxDuration()).isNull();
              assertThat(defaults.skipValue()).isNull();
              GuardedMethod both = methods.get(Valid.class.getMethod("both"), Valid.class);
              assertThat(both.request().lock()).isTrue();
              assertThat(both.request().leases())
                  .extracting(l -> l.resource() + "=" + l.amount() + ":" + l.capacity())
                  .containsExactly("FQDN_cpu=2:CPU", "db=1:4");
              assertThat(both.skipValue()).isEqualTo(Optional.empty());
              GuardedMethod leaseOnly =
                  methods.get(Valid.class.getMethod("leaseOnly"), Valid.class);
              assertThat(leaseOnly.request().lock()).isFalse();
              assertThat(leaseOnly.request().name()).isEqualTo("Valid.leaseOnly");
            });
  }

  @Test
  void failureAnalyzerShouldDescribeTheInvalidAnnotation() {
    runner
        .withBean(BadDuration.class)
        .run(
            context -> {
              FailureAnalysis analysis =
                  new SwitchmanFailureAnalyzer().analyze(context.getStartupFailure());
              assertThat(analysis).isNotNull();
              assertThat(analysis.getDescription())
                  .startsWith("Invalid switchman annotation on ")
                  .contains("BadDuration.run()");
              assertThat(analysis.getAction()).contains("@SwitchmanLock or @SwitchmanLease");
            });
  }

  private void failsWith(Class<?> bean, String... messages) {
    ContextConsumer<AssertableApplicationContext> check =
        context -> {
          assertThat(context).hasFailed();
          Throwable root = context.getStartupFailure();
          while (root.getCause() != null && !(root instanceof SwitchmanConfigurationException)) {
            root = root.getCause();
          }
          assertThat(root)
              .isInstanceOf(SwitchmanConfigurationException.class)
              .hasMessageStartingWith("Invalid switchman annotation on " + bean.getName());
          for (String m : messages) {
            assertThat(root).hasMessageContaining(m);
          }
        };
    runner.withBean(bean).run(check);
  }

  static class BadDuration {
    @SwitchmanLock(waitFor = "soon")
    public void run() {}
  }

  static class BadName {
    @SwitchmanLock(name = "a/b")
    public void run() {}
  }

  static class BadPlaceholder {
    @SwitchmanLock(name = "${no.such.property}")
    public void run() {}
  }

  static class PrimitiveReturn {
    @SwitchmanLock
    public int count() {
      return 1;
    }
  }

  static class ZeroMaxDuration {
    @SwitchmanLock(maxDuration = "0s")
    public void run() {}
  }

  static class NegativeHold {
    @SwitchmanLock(holdAtLeast = "-PT1S")
    public void run() {}
  }

  static class TwiceLeased {
    @SwitchmanLease(resource = "db", capacity = "4")
    @SwitchmanLease(resource = "db", amount = 2, capacity = "4")
    public void run() {}
  }

  static class AboveCapacity {
    @SwitchmanLease(resource = "db", amount = 5, capacity = "4")
    public void run() {}
  }

  static class NegativeAmount {
    @SwitchmanLease(resource = "db", amount = -2, capacity = "4")
    public void run() {}
  }

  static class ZeroAmount {
    @SwitchmanLease(resource = "db", amount = 0, capacity = "4")
    public void run() {}
  }

  static class BadCapacity {
    @SwitchmanLease(resource = "db", capacity = "CPU*")
    public void run() {}
  }

  static class NoCapacity {
    @SwitchmanLease(resource = "db")
    public void run() {}
  }

  static class Valid {
    @SwitchmanLock(
        name = "${job.name}",
        waitFor = "${job.wait}",
        group = "${job.group}",
        holdAtLeast = "PT1M",
        maxDuration = "90s")
    public void placeholders() {}

    @SwitchmanLock
    public String defaults() {
      return "x";
    }

    @SwitchmanLock
    @SwitchmanLease(resource = "FQDN_cpu", amount = 2, capacity = "CPU")
    @SwitchmanLease(resource = "db", capacity = "4")
    public Optional<String> both() {
      return Optional.of("x");
    }

    @SwitchmanLease(resource = "db", capacity = "4")
    public void leaseOnly() {}
  }
}
