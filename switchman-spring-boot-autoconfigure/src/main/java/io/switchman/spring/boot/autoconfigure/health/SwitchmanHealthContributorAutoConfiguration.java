/*
 * Copyright 2026 the switchman authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package io.switchman.spring.boot.autoconfigure.health;

import io.switchman.core.SwitchmanEngine;
import io.switchman.spring.boot.autoconfigure.SwitchmanAutoConfiguration;
import io.switchman.spring.boot.health.SwitchmanHealthIndicator;
import org.apache.curator.framework.CuratorFramework;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Auto-configuration of the {@code switchman} health indicator, when Spring Boot's health module is
 * present and {@code management.health.switchman.enabled} is not false.
 */
@AutoConfiguration(
    after = SwitchmanAutoConfiguration.class,
    beforeName =
        "org.springframework.boot.health.autoconfigure.contributor.HealthContributorAutoConfiguration")
@ConditionalOnBean(SwitchmanEngine.class)
public final class SwitchmanHealthContributorAutoConfiguration {

  /** The indicator. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(HealthIndicator.class)
  @ConditionalOnEnabledHealthIndicator("switchman")
  static class HealthIndicatorConfiguration {

    @Bean
    @ConditionalOnMissingBean(name = "switchmanHealthIndicator")
    SwitchmanHealthIndicator switchmanHealthIndicator(
        SwitchmanEngine engine, CuratorFramework client) {
      return new SwitchmanHealthIndicator(engine, client);
    }
  }
}
