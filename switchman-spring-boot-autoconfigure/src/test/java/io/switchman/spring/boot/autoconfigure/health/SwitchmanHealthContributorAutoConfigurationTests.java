/*
 * Copyright 2026 the switchman authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package io.switchman.spring.boot.autoconfigure.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.switchman.spring.boot.autoconfigure.SwitchmanAutoConfiguration;
import io.switchman.spring.boot.health.SwitchmanHealthIndicator;
import java.time.Duration;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.test.InstanceSpec;
import org.apache.curator.test.TestingServer;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

class SwitchmanHealthContributorAutoConfigurationTests {

  private final ApplicationContextRunner runner =
      new ApplicationContextRunner()
          .withConfiguration(
              AutoConfigurations.of(
                  SwitchmanAutoConfiguration.class,
                  SwitchmanHealthContributorAutoConfiguration.class))
          .withPropertyValues(
              "switchman.session-timeout=4s",
              "switchman.connection-timeout=1s",
              "switchman.stop-timeout=1s");

  @Test
  void healthShouldBeUpWithSessionDetailsWhileConnectedAndDownWhenNot() throws Exception {
    try (TestingServer server =
        new TestingServer(new InstanceSpec(null, -1, -1, -1, true, -1, 200, -1), true)) {
      runner
          .withPropertyValues("switchman.connect-string=" + server.getConnectString())
          .run(
              context -> {
                assertThat(context).hasSingleBean(SwitchmanHealthIndicator.class);
                context.getBean(CuratorFramework.class).blockUntilConnected();
                Health up = context.getBean(SwitchmanHealthIndicator.class).health();
                assertThat(up.getStatus()).isEqualTo(Status.UP);
                assertThat(up.getDetails())
                    .containsEntry("state", "CONNECTED")
                    .containsEntry("sessionTimeoutMs", 4000)
                    .containsEntry("prefix", "/switchman")
                    .containsEntry("grants", 0)
                    .containsKey("sessionId");
                assertThat((String) up.getDetails().get("sessionId")).startsWith("0x");
                server.stop();
                await()
                    .atMost(Duration.ofSeconds(10))
                    .until(
                        () ->
                            Status.DOWN.equals(
                                context
                                    .getBean(SwitchmanHealthIndicator.class)
                                    .health()
                                    .getStatus()));
                assertThat(context.getBean(SwitchmanHealthIndicator.class).health().getDetails())
                    .doesNotContainKey("sessionId");
              });
    }
  }

  @Test
  void disabledHealthIndicatorShouldNotBeCreated() {
    runner
        .withPropertyValues("management.health.switchman.enabled=false")
        .run(context -> assertThat(context).doesNotHaveBean(SwitchmanHealthIndicator.class));
  }

  @Test
  void noHealthModuleShouldMeanNoIndicator() {
    runner
        .withClassLoader(new FilteredClassLoader(HealthIndicator.class))
        .run(
            context ->
                assertThat(context).hasNotFailed().doesNotHaveBean(SwitchmanHealthIndicator.class));
  }

  @Test
  void disabledSwitchmanShouldMeanNoIndicator() {
    runner
        .withPropertyValues("switchman.enabled=false")
        .run(context -> assertThat(context).doesNotHaveBean(SwitchmanHealthIndicator.class));
  }
}
